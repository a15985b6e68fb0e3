"""Split a bulletin's block stream into articles.

Cues, strongest first:

1. The table of contents (or the PDF outline): every title it lists is found in the body and
   starts an article; everything else between two titles belongs to the earlier article.
2. Without a TOC, title-like blocks (headings, bold or large type, short unpunctuated lines)
   are weighed by what surrounds them: a closing credit ("来源：…", "（…供稿）") just before,
   a byline just after, a column label above, extra space above, a wrapped (multi-line)
   title, a news lead ("近日，…") after. Numbered headings (一、 （二） 3.) are always
   sub-headings.

Around the articles: the masthead and 编者按 before them, the colophon (编辑/地址/报送) after.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from huikan.config import Taxonomy
from huikan.ingest.credits import byline_line, is_closing_line
from huikan.ingest.split_anchor import anchor_entries
from huikan.ingest.split_cues import (
    candidates,
    is_column_label,
    label_above,
    labels_from_empty_anchors,
    title_span,
)
from huikan.ingest.split_doc import (
    PREFACE_TITLES,
    Doc,
    colophon_start,
    has_long_body,
    is_masthead_line,
    is_noise,
    is_numbered,
)
from huikan.ingest.textutil import (
    collapse_spaces,
    ends_sentence,
    join_cjk,
    squash,
    strip_md,
)
from huikan.ingest.toc import Toc, TocEntry, find_toc, is_toc_header
from huikan.ingest.toc_cut import cut_listed_titles
from huikan.model import Block

__all__ = [
    "PREFACE_TITLES",
    "RawArticle",
    "Split",
    "colophon_start",
    "is_noise",
    "is_numbered",
    "split_blocks",
]


@dataclass
class RawArticle:
    """An article as the splitter found it, before credits and clusters are read."""

    title: str
    blocks: list[Block]  # body blocks (subtitle/byline under the title still included)
    title_block: Block
    column: str | None = None
    toc: TocEntry | None = None


@dataclass
class Split:
    articles: list[RawArticle] = field(default_factory=list)
    front: list[Block] = field(default_factory=list)  # masthead and other pre-article blocks
    preface: str | None = None
    toc: Toc = field(default_factory=Toc)
    colophon: list[Block] = field(default_factory=list)
    used_fallback: bool = False  # no boundary found: the whole text is one article
    leftover: list[Block] = field(default_factory=list)  # blocks in no article (see model)


def _preface(d: Doc, lo: int, hi: int) -> tuple[str | None, set[int]]:
    """编者按 and the like: a heading from PREFACE_TITLES and the paragraphs under it."""
    for i in range(lo, hi):
        if squash(d.blocks[i].text) in PREFACE_TITLES:
            paras, used = [], set()  # the heading itself stays in the leftover
            for j in range(i + 1, hi):
                b = d.blocks[j]
                if is_toc_header(b) or (d.styled(b) and not ends_sentence(b.text)):
                    break
                if paras and d.title_like(j) and not has_long_body(d, j + 1, j + 2):
                    # A short line after the paragraphs: the signature, or a label over the
                    # first title. The 编者按 ends here; a signature is kept with it.
                    if j + 1 < hi and d.title_like(j + 1):
                        paras.append(strip_md(b.text).strip())
                        used.add(j)
                    break
                paras.append(strip_md(b.text).strip())
                used.add(j)
            return ("\n\n".join(paras) or None), used
    return None, set()


# An anchor: block index of a title -> (first body block, its TOC entry, a column label found
# with it as (text, block index)).
Anchors = dict[int, tuple[int, TocEntry | None, tuple[str, int] | None]]


def split_blocks(
    blocks: list[Block],
    taxonomy: Taxonomy,
    measure: float | None = None,
    outline: list[str] | None = None,
    extra_titles: list[str] | None = None,
    merge_titles: list[str] | None = None,
) -> Split:
    """Split blocks into articles. ``extra_titles``/``merge_titles`` come from a sidecar."""
    res = Split()
    res.leftover = [b for b in blocks if is_noise(b)]
    blocks = [b for b in blocks if not is_noise(b)]
    toc = find_toc(blocks, taxonomy)
    res.toc = toc
    # A listed title run into the paragraph above it is cut out of that paragraph first.
    blocks = cut_listed_titles(blocks, [e.key for e in toc.entries], toc.end)
    d = Doc(blocks, measure)
    end = colophon_start(blocks)
    res.colophon = blocks[end:]
    entries = _known_titles(toc, outline or [], extra_titles or [])
    known_columns = {squash(e.column) for e in entries if e.column}

    def named(label: str) -> bool:  # a column the TOC lists, or a cluster's name
        return squash(label) in known_columns or taxonomy.lookup(label) is not None

    # 编者按 comes before the articles: before the TOC, or near the top without one.
    front_hi = toc.regions[0][0] if toc.regions else min(end, 30)
    res.preface, preface_used = _preface(d, 0, front_hi)
    anchors = _anchors(d, toc, entries, end, preface_used, named)
    if toc.regions and front_hi > 0:
        _lead_articles(d, anchors, front_hi, preface_used, named)
    if merge_titles:
        drop = {squash(t) for t in merge_titles}
        for i in list(anchors):
            if squash("".join(b.text for b in blocks[i : anchors[i][0]])) in drop:
                del anchors[i]
    labels_from_empty_anchors(
        d,
        anchors,
        named,
        lambda k: is_column_label(d, k, named),
    )
    if not anchors:
        res.used_fallback = True
        return res
    _articles(res, d, toc, anchors, end, preface_used, named)
    return res


def _known_titles(toc: Toc, outline: list[str], extra_titles: list[str]) -> list[TocEntry]:
    """The titles the bulletin promises: its TOC, then its PDF bookmarks and a sidecar's
    ``split`` titles that the TOC lacks."""
    entries = list(toc.entries)
    seen = {e.key for e in entries}
    for title in outline:
        if squash(title) in PREFACE_TITLES or is_toc_header(Block(title)):
            continue  # a bookmark of the 编者按 or of the TOC itself
        e = TocEntry(title=title)
        if e.key and e.key not in seen:
            seen.add(e.key)
            entries.append(e)
    for title in extra_titles:
        e = TocEntry(title=title)
        if e.key and e.key not in seen:
            seen.add(e.key)
            entries.append(e)
    return entries


def _anchors(
    d: Doc,
    toc: Toc,
    entries: list[TocEntry],
    end: int,
    preface_used: set[int],
    named: Callable[[str], bool],
) -> Anchors:
    """Where articles start in the body: at the promised titles if any is found, otherwise
    at the title-like blocks the typographic cues pick."""
    body_lo = toc.end if toc.regions else 0
    anchors: Anchors = {}
    if entries:
        for i, (j, e) in anchor_entries(d, entries, body_lo, end, toc).items():
            anchors[i] = (j, e, None)
    if anchors:
        _titles_past_the_list(d, anchors, end, named)
        return anchors
    pre = min(preface_used, default=None)
    for i, j, col in candidates(d, body_lo, end, named):
        if i in preface_used or i + 1 in preface_used:
            continue
        if squash(d.blocks[i].text) in PREFACE_TITLES:
            continue
        if pre is not None and i < pre and not has_long_body(d, j, pre - 1):
            continue  # a masthead line before the 编者按, not an article
        anchors[i] = (j, None, col)
    return anchors


TITLE_STYLE_SHARE = 0.75  # of the listed titles found that share one style
TAIL_FACTOR = 3  # the stretch after the last listed title, against the median article


def _style(b: Block) -> tuple[float, bool, int]:
    """Size, weight and heading level: centring is no part of it (the first line of a
    centred title that fills the measure is not centred)."""
    return (round(b.size, 2), b.bold, b.heading)


def _titles_past_the_list(d: Doc, anchors: Anchors, end: int, named: Callable[[str], bool]) -> None:
    """Articles after the last title the TOC lists, when the TOC stopped short of them.

    The titles found from the TOC teach what a title looks like in this bulletin (most share
    one style: size, weight, heading level). When the body after the last of them runs on
    for several articles' length and holds title-like blocks in that very style, after the
    end of a paragraph or a closing credit and over body text, the TOC was read short (one
    of two TOC columns, the other joined to the column below it) and those blocks start
    articles too. The style is this bulletin's own, learnt from its listed titles, not the
    cue weighing's estimate of a title size, which a large column label can throw off. Only
    past the list: between two listed titles, a block in the title style is a subheading
    the TOC leaves out.
    """
    starts = sorted(anchors)
    if len(starts) < 2:  # one title is no pattern, and leaves no article to measure
        return
    style, count = Counter(_style(d.blocks[i]) for i in starts).most_common(1)[0]
    if count < TITLE_STYLE_SHARE * len(starts):
        return

    def text_length(lo: int, hi: int) -> int:
        return sum(len(b.text) for b in d.blocks[lo:hi])

    articles = [text_length(anchors[a][0], nxt) for a, nxt in itertools.pairwise(starts)]
    last_j = anchors[starts[-1]][0]
    if text_length(last_j, end) < TAIL_FACTOR * statistics.median_high(articles):
        return
    blocks = d.blocks
    i = last_j
    while i < end:
        b = blocks[i]
        # the block before the title and the column labels over it
        prev = next(
            (
                blocks[k]
                for k in range(i - 1, last_j - 1, -1)
                if not is_noise(blocks[k]) and not is_column_label(d, k, named)
            ),
            None,
        )
        if (
            _style(b) != style
            or prev is None
            or _style(prev) == style
            or not d.title_like(i)
            or is_numbered(strip_md(b.text).strip())
            or not (ends_sentence(prev.text.rstrip()) or is_closing_line(prev.text.strip()))
        ):
            i += 1
            continue
        j = title_span(d, i, end)
        if j < end and _style(blocks[j]) != style and has_long_body(d, j, end):
            anchors[i] = (j, None, None)
        i = j


def _lead_articles(
    d: Doc,
    anchors: Anchors,
    front_hi: int,
    preface_used: set[int],
    named: Callable[[str], bool],
) -> None:
    """Before the TOC: masthead, 编者按, and sometimes a lead article of its own."""
    segments = [(0, front_hi)]
    if preface_used:
        segments = [(0, min(preface_used)), (max(preface_used) + 1, front_hi)]
    for lo, hi in segments:
        for i, j, col in candidates(d, lo, hi, named):
            if is_masthead_line(d.blocks[i].text) or not has_long_body(d, j, hi):
                continue
            anchors.setdefault(i, (j, None, col))


def _articles(
    res: Split,
    d: Doc,
    toc: Toc,
    anchors: Anchors,
    end: int,
    preface_used: set[int],
    named: Callable[[str], bool],
) -> None:
    """One article from each anchor to the next (its column label, title and body), and what
    is left over: front matter before the first, blocks no article took."""
    blocks = d.blocks
    starts = sorted(anchors)
    consumed = set(preface_used)
    res.front = [
        b
        for k, b in enumerate(blocks[: starts[0]])
        if k not in preface_used and not toc.covers(k) and not is_toc_header(b)
    ]
    sticky = not any(e.group for e in toc.entries)
    column: str | None = None
    for n, i in enumerate(starts):
        j, entry, col = anchors[i]
        nxt = starts[n + 1] if n + 1 < len(starts) else end
        # Column labels printed just above the next title belong to it, not to this body;
        # and an article before the TOC ends where the TOC begins.
        stop = min([nxt, *(a for a, _ in toc.regions if a > i)])
        while stop > j and (is_column_label(d, stop - 1, named) or is_toc_header(blocks[stop - 1])):
            stop -= 1
        consumed.update(range(i, stop))
        found = col or label_above(d, i, starts[n - 1] if n else 0, anchors, named)
        label = None
        if found and found[1] not in consumed:
            label = found[0]
            consumed.add(found[1])
        if blocks[i].label:  # "【国内动态】标题": the label printed in front of the title
            label = collapse_spaces(blocks[i].label)
        if label:
            column = label
        elif not sticky:
            column = None
        if entry and entry.column:
            column = label or entry.column
        title, byline = _title(blocks[i], blocks[i + 1 : j], entry)
        body = [b for b in blocks[j:stop] if not is_noise(b)]
        if byline:  # read with the title: it heads the body, where bylines are looked for
            body.insert(0, Block(byline, page=blocks[i].page, line=blocks[i].line))
        res.articles.append(
            RawArticle(
                title=title,
                blocks=body,
                title_block=blocks[i],
                column=column,
                toc=entry,
            )
        )
    res.leftover += [b for k, b in enumerate(blocks) if k not in consumed]


def _title(first: Block, rest: list[Block], entry: TocEntry | None) -> tuple[str, str | None]:
    """A title printed over one or more blocks, joined; the TOC's spelling where it is the same
    text (the TOC prints it on one line, without stray spaces). And a byline the reader joined
    to it: where the TOC lists the title as a prefix of the block and the rest is a byline
    ("…4D 打印材料" + "新材料产业研究团队 左晓婷", set in the title's face right under it)."""
    title = collapse_title(first.text)
    for b in rest:
        title = join_cjk(title, collapse_title(b.text))
    if entry and re.sub(r"\s+", "", entry.title) == re.sub(r"\s+", "", title):
        title = entry.title
    elif entry and (key := squash(entry.title)) and squash(title).startswith(key):
        # The last cut with the listed key before it: closing marks ("）》") stay in the title.
        cut = max((k for k in range(len(title) + 1) if squash(title[:k]) == key), default=0)
        tail = title[cut:].strip()
        if cut and tail and byline_line(tail):
            return title[:cut].strip(), tail
    return title.strip(), None


def collapse_title(text: str) -> str:
    """A title as printed, without Markdown marks or line-wrap spaces between CJK characters."""
    t = strip_md(text).replace("\n", " ")
    t = re.sub(r"\s+", " ", t).strip()
    # "淮海经济区安全应急装备 产教融合共同体": a space left by a wrapped line, not a word break.
    return t
