"""Article starts without a TOC: title-like blocks weighed by what surrounds them.

A closing credit just before, a byline or a news lead after, a column label above, space
above or below beyond the document's paragraph spacing, the titles' own type size or
Markdown level, a title marker. Numbered headings are sub-headings; labels are labels.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from huikan.ingest.credits import byline_line, is_closing_line
from huikan.ingest.split_doc import (
    CLAUSE_MARK,
    LEAD,
    PREFACE_TITLES,
    Doc,
    is_masthead_line,
    is_noise,
    is_numbered,
    title_level,
)
from huikan.ingest.textutil import (
    collapse_spaces,
    ends_sentence,
    squash,
    strip_md,
    unfinished_word,
    width,
)
from huikan.ingest.toc import TocEntry, is_toc_header
from huikan.model import Block

# A first line set this much larger than the bulletin's titles, with no prose under it, is the
# bulletin's name (刊名), not a lead article's title.
MASTHEAD_SCALE = 1.2


def is_column_label(d: Doc, i: int, named: Callable[[str], bool] | None = None) -> bool:
    """A short label (栏目) printed above a title, e.g. "国内 动态", "政 策", "热点资讯".

    ``named``: labels known by name (a column the TOC lists, a cluster such as "工程机械与智能
    装备产业") are labels whatever their width against the line below."""
    b = d.blocks[i]
    if d.md_level and b.heading > d.md_level:  # a sub-heading, whatever its length
        return False
    t = collapse_spaces(strip_md(b.text))
    if is_masthead_line(t):
        return False
    if b.bracketed and t and width(t) <= 16 and squash(t) not in PREFACE_TITLES:
        return not is_toc_header(b)  # "【国内动态】": brackets make it a label
    if not t or width(t) > 16 or is_numbered(t) or ends_sentence(t) or re.search(r"[:：，,]", t):
        return False
    if is_closing_line(t) or byline_line(t):
        return False
    if named is not None and named(t):
        return True
    j = i + 1
    while j < len(d.blocks) and is_noise(d.blocks[j]):
        j += 1
    if j >= len(d.blocks) or not d.title_like(j) or is_masthead_line(d.blocks[j].text):
        return False
    nb = d.blocks[j]
    nt = strip_md(nb.text)
    if nt.lstrip().startswith("——") or byline_line(nt):
        return False  # a title over its subtitle or byline, not a label over a title
    if b.marker and b.marker in d.markers:
        return False  # the document's title marker
    if width(t) <= 10 and width(nt) > width(t):
        return True
    # A wider gap below, or a different face, separates a label from a wrapped title.
    return nb.gap_before >= 1 or (d.styled(b) != d.styled(nb)) or abs(b.size - nb.size) > 0.05


def title_span(d: Doc, i: int, hi: int) -> int:
    """End of the title starting at block i: a title wrapped over up to three blocks."""
    j = i + 1
    b0 = d.blocks[i]
    while j < min(hi, i + 3):
        b = d.blocks[j]
        prev = d.blocks[j - 1]
        if not d.title_like(j) or b.gap_before >= 1 or is_numbered(b.text):
            break
        if strip_md(b.text).lstrip().startswith("——") or byline_line(b.text):
            break
        if d.face(b0) != d.face(b) or b0.heading != b.heading or b.marker:
            break  # a marker starts a new title; only the first line of a title carries it
        # A wrapped title line fills most of the measure, or ends mid-phrase.
        pw = width(strip_md(prev.text))
        full = d.measure and pw >= 0.6 * d.measure
        # (width in body-text characters: a large title fills a narrow column with fewer)
        wide = pw * max(1.0, b0.size) >= 12
        if not (full or prev.text.rstrip()[-1:] in "、，,—-" or (d.styled(b0) and wide)):
            break
        j += 1
    return j


def candidates(
    d: Doc,
    lo: int,
    hi: int,
    named: Callable[[str], bool] | None = None,
) -> list[tuple[int, int, tuple[str, int] | None]]:
    """Article starts by cue weighing: [(title start, title end, column label)].

    ``named``: is a label a column or cluster this site knows by name (see
    :func:`_without_heading_pairs`)?"""
    level = title_level(d)
    md_level = d.md_level
    out: list[tuple[int, int, tuple[str, int] | None]] = []
    i = lo
    prev_credit = True  # the start of the range counts as a boundary
    column: tuple[str, int] | None = None
    first = True
    last_title = -1  # end of the last title taken: a byline right there is not a title
    weak: set[int] = set()  # starts whose only boundary is an unbracketed label of their own
    while i < hi:
        b = d.blocks[i]
        if is_noise(b):
            i += 1
            continue
        t = strip_md(b.text).strip()
        if is_closing_line(t) or _ends_with_credit(t):
            prev_credit = True
            i += 1
            continue
        prev_t = strip_md(d.blocks[i - 1].text).strip() if i > lo else ""
        prev_title = last_title == i
        if (
            not d.title_like(i)
            or is_numbered(t)
            or t.startswith("——")  # a subtitle or attribution under a title
            or (prev_title and byline_line(t))  # the byline under the title just taken
            or (prev_t.startswith("——") and prev_t[-1:] in "、，,—-")  # ... wrapped
            or (md_level and b.heading > md_level)
            or is_masthead_line(t)
        ):
            if prev_title and t.startswith("——"):
                last_title = i + 1  # the byline may follow the subtitle
            prev_credit = False
            column = None  # a label belongs to the title right below it
            i += 1
            continue
        if is_column_label(d, i, named) and i + 1 < hi:
            column = (collapse_spaces(t), i)
            i += 1
            continue
        if md_level and 0 < b.heading < md_level:
            column = None  # a heading above the titles' level: the masthead or a section
            i += 1
            continue
        k = i + 1
        while k < hi and is_noise(d.blocks[k]):
            k += 1
        if first and k < hi and _masthead(d, b, d.blocks[k], level):
            column = None  # "刊名" over "第 8 期" / "2024 年 4 月": the masthead
            i += 1
            continue
        j = title_span(d, i, hi)
        if unfinished_word(" ".join(strip_md(b.text) for b in d.blocks[i:j])):
            # the first half of a sentence (…进一步), its second half below: no title
            prev_credit = False
            column = None
            i = j
            continue
        score = _weigh(d, i, j, hi, level, first + prev_credit + (column is not None))
        if score >= 2:
            out.append((i, j, column))  # column: (label, its block index) or None
            if not (first or prev_credit) and column and not _firm_label(d, column, named):
                weak.add(i)
            first = False
            last_title = j
        column = None
        prev_credit = False
        i = j
    return _without_heading_pairs(d, out, weak, hi, named)


SET_OFF_SHARE = 0.9  # of the firmly bounded titles that have space below them


def _firm_label(d: Doc, column: tuple[str, int], named: Callable[[str], bool] | None) -> bool:
    """A label that is one by its print (brackets) or by name (a listed column, a cluster)."""
    return d.blocks[column[1]].bracketed or (named is not None and named(column[0]))


def _space_below(d: Doc, j: int, hi: int) -> bool:
    k = j
    while k < hi and is_noise(d.blocks[k]):
        k += 1
    return k < hi and d.blocks[k].gap_before >= 1


def _without_heading_pairs(
    d: Doc,
    out: list[tuple[int, int, tuple[str, int] | None]],
    weak: set[int],
    hi: int,
    named: Callable[[str], bool] | None,
) -> list[tuple[int, int, tuple[str, int] | None]]:
    """Drop two-line sub-headings taken for a label over a title.

    A sub-heading set as two short lines ("推进电力市场建设" over "是提升新能源消纳能力的
    现实选择") looks like a column label over a title, and the label alone scores it as an
    article start. The firmly bounded starts (first, after a closing credit, or under a
    bracketed or named label) show how this bulletin sets its titles and labels:

    - where at least three labels of theirs are all bracketed or named (a cluster such as
      "新能源产业"), this bulletin marks its columns so, and a plain short line over a title
      in the middle of an article is the first line of a sub-heading;
    - where they stand over space below, a weakly bounded start with space neither above nor
      below is a sub-heading."""
    if not weak:
        return out
    firm = [(j, col) for i, j, col in out if i not in weak]
    labels = [col for _, col in firm if col]
    if len(labels) >= 3 and all(_firm_label(d, col, named) for col in labels):
        return [x for x in out if x[0] not in weak]
    below = [_space_below(d, j, hi) for j, _ in firm]
    if len(below) < 3 or sum(below) < SET_OFF_SHARE * len(below):
        return out
    return [
        (i, j, col)
        for i, j, col in out
        if i not in weak or d.blocks[i].gap_before >= 1 or _space_below(d, j, hi)
    ]


def _masthead(d: Doc, b: Block, below: Block, level: float | None) -> bool:
    """Is the first title-like block ``b`` the bulletin's name? It stands over an issue or date
    line; or it is set well above the titles' size with no prose under it (the issue line,
    publisher and date run together by the reader: "JIANGSU VENTURE CAPITAL 2024 年第 12 期 …").
    A lead article's title, however large, has its text (or byline) right under it."""
    if is_masthead_line(below.text):
        return True
    t = strip_md(below.text).strip()
    credit = byline_line(t) or t.startswith("——")  # a lead title over its byline or subtitle
    return bool(level) and b.size > MASTHEAD_SCALE * level and not _prose(t) and not credit


def _prose(text: str) -> bool:
    return ends_sentence(text) or (width(text) >= 40 and bool(CLAUSE_MARK.search(text)))


def _weigh(d: Doc, i: int, j: int, hi: int, level: float | None, boundaries: int) -> float:
    """How much the title-like block i (its title running to j) looks like an article start.
    ``boundaries``: how many of "first in the range", "after a closing credit", "under a column
    label" hold (2 points each). A score of 2 or more starts an article."""
    b = d.blocks[i]
    t = strip_md(b.text).strip()
    md_level = d.md_level
    k = j
    while k < hi and is_noise(d.blocks[k]):
        k += 1
    score = 2.0 * boundaries
    if level and b.size >= level - 0.05:
        score += 3
    elif level and d.styled(b):
        score -= 2  # set in a smaller face than the bulletin's titles: a sub-heading
    elif level:
        score -= 3  # titles have a type size of their own; a plain short line is not one
    if md_level and b.heading == md_level:
        score += 3
    if b.marker and b.marker in d.markers:
        score += 3  # the symbol this document sets before its titles
    elif d.markers and not boundaries:
        score -= 3  # no marker where titles carry one, nor a credit or label: a sub-heading
    if b.gap_before >= (1 if not d.styled(b) else 2.5) or (b.page_top and b.line is not None):
        score += 2  # set off from the text above (in a text dump, a new page may be that)
    if j - i > 1 or b.lines > 1:
        score += 1
    if b.centered and not d.styled(b) and b.lines == 1 and d.prose_flush:
        score += 2  # centred where the prose is not: set apart like a title
    nxt = d.blocks[k] if k < hi else None
    if nxt is not None:
        nt = strip_md(nxt.text).strip()
        if byline_line(nt) or nt.startswith("——"):
            score += 2
        elif LEAD.match(nt):
            score += 1
        if nxt.gap_before >= 1 and b.gap_before < 1:
            score += 1  # set off from the text below it (not above: a page broke there)
        has_body = any(
            width(x.text) >= 40 or ends_sentence(x.text) for x in d.blocks[k : min(hi, k + 3)]
        )
        if not has_body:
            score -= 3
    else:
        score -= 3
    if t.endswith(("？", "?")):
        score -= 2
    return score


def _ends_with_credit(t: str) -> bool:
    from huikan.ingest.credits import closing_credit

    tail = t[-80:]
    m = re.search(r"[（(][^（）()]{2,78}[）)]\s*$", tail)
    return bool(m and closing_credit(m.group(0)))


def label_above(
    d: Doc, i: int, lo: int, anchors: dict, named: Callable[[str], bool]
) -> tuple[str, int] | None:
    """The column label printed just above the title at block i (and its index), if any."""
    k = i - 1
    while k >= lo and is_noise(d.blocks[k]):
        k -= 1
    prev_anchor_end = anchors.get(lo, (lo,))[0] if lo in anchors else lo
    if k >= max(lo, prev_anchor_end) and is_column_label(d, k, named):
        return collapse_spaces(strip_md(d.blocks[k].text)), k
    return None


def labels_from_empty_anchors(
    d: Doc,
    anchors: dict[int, tuple[int, TocEntry | None, tuple[str, int] | None]],
    known_label: Callable[[str], bool],
    column_label: Callable[[int], bool],
) -> None:
    """A short "title" directly followed by the next title, with nothing in between, is the
    label of a group or column (a bookmarked group heading, a TOC group printed again above
    its first article): it becomes that article's column label instead of an empty article.
    When a column label of its own stands between them (a cluster heading over a column
    heading over the title), the short "title" is dropped as a label and the title keeps
    the nearer one. Unless it is the first line of a large title wrapped onto the next: the
    same large face, at least as wide as the line after it, and not a known cluster or column
    name."""
    starts = sorted(anchors)
    for a, b in itertools.pairwise(starts):
        if a not in anchors:  # merged into the title before it
            continue
        j, _entry, _col = anchors[a]
        between = [x for x in d.blocks[j:b] if not is_noise(x)]
        label = collapse_spaces(strip_md(" ".join(x.text for x in d.blocks[a:j])))
        nxt = strip_md(d.blocks[b].text).lstrip()
        if (
            between
            and width(label) <= 16
            and all(x.lines == 1 for x in between)
            and all(column_label(k) for k in range(j, b) if not is_noise(d.blocks[k]))
        ):
            del anchors[a]  # a group heading over the column label over the title
            continue
        if not between and width(label) <= 16 and not nxt.startswith("——"):
            bj, be, bcol = anchors[b]
            wrapped = (
                d.blocks[a].size >= 1.08
                and d.face(d.blocks[a]) == d.face(d.blocks[b])
                and width(label) >= width(strip_md(d.blocks[b].text))
                and not known_label(label)
            )
            del anchors[b if wrapped else a]
            if b not in anchors:  # same face: a large title wrapped over two lines
                anchors[a] = (bj, be or _entry, _col)
            else:
                anchors[b] = (bj, be, bcol or (label, a))
