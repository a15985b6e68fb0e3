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

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from huikan.config import Taxonomy
from huikan.ingest.credits import byline_line, is_closing_line
from huikan.ingest.decor import title_markers
from huikan.ingest.textutil import (
    NEWS_LEAD,
    collapse_spaces,
    ends_sentence,
    join_cjk,
    squash,
    strip_md,
    width,
)
from huikan.ingest.toc import Toc, TocEntry, find_toc, is_toc_header
from huikan.model import Block

PREFACE_TITLES = {"编者按", "编者的话", "卷首语", "前言", "编者语", "主编寄语", "编辑说明"}
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|"
    r"\d{1,2}\s*[.、．](?!\d)|第[一二三四五六七八九十百\d]+[章条节部分]|[①-⑳❶-❿]|"
    r"亮点[一二三四五六七八九十\d]|[A-Za-z]\s*[.、](?![A-Za-z])|其[一二三四五六七八九十])"
)
_NOISE = re.compile(
    r"^(?:[-—–~\s]*\d{1,3}[-—–~\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3}|"
    r"(?:https?://|www\.)\S+|[-—_=*\s]+)$",
    re.I,
)
_COLOPHON = re.compile(
    r"^(?:责任主编|主\s*编|副\s*主\s*编|执行主编|责任编辑|编\s*辑|审\s*核|审\s*稿|校\s*对|签\s*发|"
    r"地\s*址|邮\s*编|邮政编码|电\s*话|传\s*真|网\s*址|E-?mail|电子邮[箱件]|邮\s*箱|"
    r"报\s*[:：]|送\s*[:：]|抄\s*送|发\s*送|印\s*发|印\s*数|研究团队\s*[:：]|编印|出版单位|"
    r"主办单位|承办单位|《[^》]{1,20}》\s*联系方式|联系方式|联系人)",
    re.I,
)
_LEAD = NEWS_LEAD
_NO_TITLE_END = "。；;：:，,、"


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


def is_noise(b: Block) -> bool:
    """Page numbers, footer URLs and rules: never content."""
    return b.furniture or (bool(_NOISE.match(b.text.strip())) and not b.heading)


def is_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(strip_md(text)))


class _Doc:
    """Blocks plus document-wide measurements the cues are relative to."""

    def __init__(self, blocks: list[Block], measure: float | None = None):
        self.blocks = blocks
        plain = [
            b
            for b in blocks
            if not b.heading and not b.bold and abs(b.size - 1) < 0.05 and width(b.text) > 20
        ]
        # Hard-wrapped input (PDF, text dumps of PDFs): paragraphs span several printed lines,
        # and a short single line is a heading. Otherwise one line is one paragraph.
        total = sum(width(b.text) for b in plain)
        wrapped = sum(width(b.text) for b in plain if b.lines >= 3)
        self.hard_wrapped = bool(plain) and wrapped >= 0.5 * total
        # The measure (a full line's width): paragraphs whose last line is nearly full show it.
        ws = sorted(width(b.text) / b.lines for b in plain if b.lines >= 2)
        self.measure = ws[int(len(ws) * 0.9)] if self.hard_wrapped and len(ws) >= 3 else None
        if self.hard_wrapped and measure:
            self.measure = measure
        self.markers = title_markers(blocks)

    @functools.cached_property
    def md_level(self) -> int | None:
        return _md_level(self)

    def title_like(self, i: int) -> bool:
        b = self.blocks[i]
        if len(b.text) > (600 if b.heading else 200):  # cheap exit before regex work
            return False
        t = strip_md(b.text).strip()
        if not t or is_noise(b) or is_closing_line(t):
            return False
        # An explicit Markdown heading is a title whatever its length; elsewhere a "title"
        # longer than two printed lines is a paragraph.
        if width(t) > (300 if b.heading else 80):
            return False
        if t[-1] in _NO_TITLE_END:
            # Only the first line of a title wrapped after a comma may end like that.
            if t[-1] not in "、，," or i + 1 >= len(self.blocks) or self.blocks[i + 1].gap_before:
                return False
            nt = strip_md(self.blocks[i + 1].text).strip()
            if not nt or nt[-1] in _NO_TITLE_END or width(nt) > 40 or self.blocks[i + 1].lines > 1:
                return False
        if self.styled(b):
            return True  # length already bounded above
        if b.lines > 1 and self.hard_wrapped:
            return False
        if self.measure:
            # A single printed line that does not end a sentence: short, or a full-width
            # title (a paragraph of exactly one unpunctuated line is not body text).
            return b.lines == 1 and width(t) <= 1.05 * self.measure
        return width(t) <= 45

    def face(self, b: Block) -> tuple[bool, float]:
        """The typeface a block is set in (bold, size), for telling a wrapped title's second
        line from the line below it. Markers are not part of the face: they precede only the
        first line of a title."""
        return (bool(b.heading or b.bold), round(b.size * 20) / 20)

    def styled(self, b: Block) -> bool:
        """Set apart from body text: a heading, bold, larger type, or a title marker that
        this document puts before its titles (see :func:`~huikan.ingest.decor.title_markers`)."""
        return bool(
            b.heading or b.bold or b.size >= 1.08 or (b.marker and b.marker in self.markers)
        )


def colophon_start(blocks: list[Block]) -> int:
    """Index where the closing colophon (editors, address, distribution list) begins."""
    n = len(blocks)
    i = n
    first_kw = n
    while i > 0:
        b = blocks[i - 1]
        t = b.text.strip()
        if _COLOPHON.match(t):
            first_kw = i - 1
        elif not (
            is_noise(b) or (width(t) <= 40 and not ends_sentence(t) and not is_closing_line(t))
        ):
            break
        i -= 1
    return first_kw


def _title_spans(d: _Doc, lo: int, hi: int, skip: Toc) -> list[tuple[int, int, str]]:
    """Candidate title spans (start, end, squashed text) of 1–3 short blocks in [lo, hi)."""
    spans = []
    for i in range(lo, hi):
        if skip.covers(i):
            continue
        acc = ""
        for j in range(i, min(i + 3, hi)):
            b = d.blocks[j]
            if width(b.text) > 90 or skip.covers(j):
                break
            acc += squash(b.text)
            spans.append((i, j + 1, acc))
    return spans


def _match_score(span_key: str, entry_key: str, raw: str) -> float:
    if not span_key or not entry_key:
        return 0.0
    if span_key == entry_key:
        return 1.0
    if span_key.startswith(entry_key) and len(entry_key) >= 6:
        rest = span_key[len(entry_key) :]
        # Title and subtitle printed on one line, or a TOC that shortened the title.
        return 0.97 if "——" in raw else max(0.0, 0.93 - 0.01 * len(rest))
    if entry_key.startswith(span_key) and len(span_key) >= 0.7 * len(entry_key):
        return 0.85 * len(span_key) / len(entry_key) + 0.1
    if abs(len(span_key) - len(entry_key)) > 0.3 * len(entry_key):
        return 0.0
    sm = SequenceMatcher(None, span_key, entry_key, autojunk=False)
    if sm.quick_ratio() < 0.8:
        return 0.0
    r = sm.ratio()
    return r * 0.95 if r >= 0.8 else 0.0


def _anchor_entries(
    d: _Doc, entries: list[TocEntry], lo: int, hi: int, toc: Toc
) -> dict[int, tuple[int, TocEntry]]:
    """Find each TOC title in the body: {start block: (end block, entry)}."""
    spans = _title_spans(d, lo, hi, toc)
    found: dict[int, tuple[int, TocEntry, float]] = {}
    for e in entries:
        key = e.key
        best: tuple[float, int, int] | None = None
        for i, j, k in spans:
            s = _match_score(k, key, "".join(b.text for b in d.blocks[i:j]))
            if s <= 0:
                continue
            if d.styled(d.blocks[i]) or d.title_like(i):
                s += 0.05
            if _body_follows(d, j, hi):
                s += 0.1  # the title in the body, not its line in a TOC or a list of titles
            if best is None or s > best[0] + 1e-9:
                best = (s, i, j)
        if best and best[0] >= 0.8:
            s, i, j = best
            if i not in found or found[i][2] < s:
                found[i] = (j, e, s)
    # Drop anchors that sit inside another anchor's title span.
    out: dict[int, tuple[int, TocEntry]] = {}
    last_end = -1
    for i in sorted(found):
        j, e, _ = found[i]
        if i < last_end:
            continue
        out[i] = (j, e)
        last_end = j
    return out


def _body_follows(d: _Doc, j: int, hi: int) -> bool:
    """Is the span ending at block j followed by prose (after at most a subtitle and a byline)?"""
    for b in d.blocks[j : min(hi, j + 4)]:
        t = strip_md(b.text)
        if width(t) >= 40 or (ends_sentence(t) and width(t) >= 12):
            return True
    return False


def _title_level(d: _Doc) -> float | None:
    """Font size (relative) of article titles in typeset input: the largest size that several
    title-like blocks share. None for plain text."""
    # The masthead (刊名 in large type, before any prose) is not a title.
    first_prose = next((i for i, b in enumerate(d.blocks) if width(b.text) >= 40), 0)
    sizes = [
        round(b.size, 2)
        for i, b in enumerate(d.blocks)
        if i >= first_prose and b.size >= 1.08 and d.title_like(i)
    ]
    if len(sizes) < 2:
        return None
    counts: dict[float, int] = {}
    for s in sizes:
        counts[s] = counts.get(s, 0) + 1
    common = [s for s, c in counts.items() if c >= 2]
    return max(common) if common else None


def _md_level(d: _Doc) -> int | None:
    """Markdown heading level of article titles: the top level several title-like headings
    share (a lone "# 刊名" masthead does not count, nor "# 【集群】" group labels). None without
    Markdown headings."""
    counts: dict[int, int] = {}
    for i, b in enumerate(d.blocks):
        if b.heading and d.title_like(i) and not is_numbered(b.text) and not b.bracketed:
            counts[b.heading] = counts.get(b.heading, 0) + 1
    common = [lvl for lvl, c in counts.items() if c >= 2]
    return min(common) if common else None


def _is_column_label(d: _Doc, i: int, known_columns: set[str]) -> bool:
    """A short label (栏目) printed above a title, e.g. "国内 动态", "政 策", "热点资讯"."""
    b = d.blocks[i]
    if d.md_level and b.heading > d.md_level:  # a sub-heading, whatever its length
        return False
    t = collapse_spaces(strip_md(b.text))
    if _is_masthead_line(t):
        return False
    if b.bracketed and t and width(t) <= 16 and squash(t) not in PREFACE_TITLES:
        return not is_toc_header(b)  # "【国内动态】": brackets make it a label
    if not t or width(t) > 16 or is_numbered(t) or ends_sentence(t) or re.search(r"[:：，,]", t):
        return False
    if is_closing_line(t) or byline_line(t):
        return False
    if squash(t) in known_columns:
        return True
    j = i + 1
    while j < len(d.blocks) and is_noise(d.blocks[j]):
        j += 1
    if j >= len(d.blocks) or not d.title_like(j) or _is_masthead_line(d.blocks[j].text):
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


def _title_span(d: _Doc, i: int, hi: int) -> int:
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


def _candidates(
    d: _Doc, lo: int, hi: int, known_columns: set[str]
) -> list[tuple[int, int, tuple[str, int] | None]]:
    """Article starts by cue weighing: [(title start, title end, column label)]."""
    level = _title_level(d)
    md_level = d.md_level
    out: list[tuple[int, int, tuple[str, int] | None]] = []
    i = lo
    prev_credit = True  # the start of the range counts as a boundary
    column: tuple[str, int] | None = None
    first = True
    last_title = -1  # end of the last title taken: a byline right there is not a title
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
            or _is_masthead_line(t)
        ):
            if prev_title and t.startswith("——"):
                last_title = i + 1  # the byline may follow the subtitle
            prev_credit = False
            column = None  # a label belongs to the title right below it
            i += 1
            continue
        if _is_column_label(d, i, known_columns) and i + 1 < hi:
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
        if first and k < hi and _is_masthead_line(d.blocks[k].text):
            column = None  # "刊名" over "第 8 期" / "2024 年 4 月": the masthead
            i += 1
            continue
        j = _title_span(d, i, hi)
        k = j
        while k < hi and is_noise(d.blocks[k]):
            k += 1
        score = 0.0
        if first:
            score += 2
        if prev_credit:
            score += 2
        if column is not None:
            score += 2
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
        if b.gap_before >= (1 if not d.styled(b) else 2.5):
            score += 2
        if j - i > 1 or b.lines > 1:
            score += 1
        nxt = d.blocks[k] if k < hi else None
        if nxt is not None:
            nt = strip_md(nxt.text).strip()
            if byline_line(nt) or nt.startswith("——"):
                score += 2
            elif _LEAD.match(nt):
                score += 1
            has_body = any(
                width(x.text) >= 40 or ends_sentence(x.text) for x in d.blocks[k : min(hi, k + 3)]
            )
            if not has_body:
                score -= 3
        else:
            score -= 3
        if t.endswith(("？", "?")):
            score -= 2
        if score >= 2:
            out.append((i, j, column))  # column: (label, its block index) or None
            first = False
            last_title = j
        column = None
        prev_credit = False
        i = j
    return out


def _ends_with_credit(t: str) -> bool:
    from huikan.ingest.credits import closing_credit

    tail = t[-80:]
    m = re.search(r"[（(][^（）()]{2,78}[）)]\s*$", tail)
    return bool(m and closing_credit(m.group(0)))


def _preface(d: _Doc, lo: int, hi: int) -> tuple[str | None, set[int]]:
    """编者按 and the like: a heading from PREFACE_TITLES and the paragraphs under it."""
    for i in range(lo, hi):
        if squash(d.blocks[i].text) in PREFACE_TITLES:
            paras, used = [], set()  # the heading itself stays in the leftover
            for j in range(i + 1, hi):
                b = d.blocks[j]
                if is_toc_header(b) or (d.styled(b) and not ends_sentence(b.text)):
                    break
                if paras and d.title_like(j) and not _has_long_body(d, j + 1, j + 2):
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
    d = _Doc(blocks, measure)
    toc = find_toc(blocks, taxonomy)
    res.toc = toc
    end = colophon_start(blocks)
    res.colophon = blocks[end:]
    entries = list(toc.entries)
    seen = {e.key for e in entries}
    for title in outline or []:
        if squash(title) in PREFACE_TITLES or is_toc_header(Block(title)):
            continue  # a bookmark of the 编者按 or of the TOC itself
        e = TocEntry(title=title)
        if e.key and e.key not in seen:
            seen.add(e.key)
            entries.append(e)
    for title in extra_titles or []:
        e = TocEntry(title=title)
        if e.key and e.key not in seen:
            seen.add(e.key)
            entries.append(e)
    known_columns = {squash(e.column) for e in entries if e.column}

    body_lo = toc.end if toc.regions else 0
    # 编者按 comes before the articles: before the TOC, or near the top without one.
    front_hi = toc.regions[0][0] if toc.regions else min(end, 30)
    preface, preface_used = _preface(d, 0, front_hi)
    res.preface = preface
    anchors: dict[int, tuple[int, TocEntry | None, tuple[str, int] | None]] = {}
    if entries:
        for i, (j, e) in _anchor_entries(d, entries, body_lo, end, toc).items():
            anchors[i] = (j, e, None)
    if not anchors:
        pre = min(preface_used, default=None)
        for i, j, col in _candidates(d, body_lo, end, known_columns):
            if i in preface_used or i + 1 in preface_used:
                continue
            if squash(blocks[i].text) in PREFACE_TITLES:
                continue
            if pre is not None and i < pre and not _has_long_body(d, j, pre - 1):
                continue  # a masthead line before the 编者按, not an article
            anchors[i] = (j, None, col)
    if toc.regions and front_hi > 0:
        # Before the TOC: masthead, 编者按, and sometimes a lead article of its own.
        segments = [(0, front_hi)]
        if preface_used:
            segments = [(0, min(preface_used)), (max(preface_used) + 1, front_hi)]
        for lo, hi in segments:
            for i, j, col in _candidates(d, lo, hi, known_columns):
                if _is_masthead_line(blocks[i].text) or not _has_long_body(d, j, hi):
                    continue
                anchors.setdefault(i, (j, None, col))
    if merge_titles:
        drop = {squash(t) for t in merge_titles}
        for i in list(anchors):
            j = anchors[i][0]
            if squash("".join(b.text for b in blocks[i:j])) in drop:
                del anchors[i]

    _labels_from_empty_anchors(
        d, anchors, lambda t: squash(t) in known_columns or taxonomy.lookup(t) is not None
    )
    starts = sorted(anchors)
    if not starts:
        res.used_fallback = True
        return res
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
        while stop > j and (
            _is_column_label(d, stop - 1, known_columns) or is_toc_header(blocks[stop - 1])
        ):
            stop -= 1
        consumed.update(range(i, stop))
        found = col or _label_above(d, i, starts[n - 1] if n else 0, anchors, known_columns)
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
        title = collapse_title(blocks[i].text)
        for b in blocks[i + 1 : j]:
            title = join_cjk(title, collapse_title(b.text))
        if entry and re.sub(r"\s+", "", entry.title) == re.sub(r"\s+", "", title):
            title = entry.title  # the TOC prints it on one line, without stray spaces
        res.articles.append(
            RawArticle(
                title=title.strip(),
                blocks=[b for b in blocks[j:stop] if not is_noise(b)],
                title_block=blocks[i],
                column=column,
                toc=entry,
            )
        )
    res.leftover += [b for k, b in enumerate(blocks) if k not in consumed]
    return res


def _labels_from_empty_anchors(
    d: _Doc,
    anchors: dict[int, tuple[int, TocEntry | None, tuple[str, int] | None]],
    known_label: Callable[[str], bool],
) -> None:
    """A short "title" directly followed by the next title, with nothing in between, is the
    label of a group or column (a bookmarked group heading, a TOC group printed again above
    its first article): it becomes that article's column label instead of an empty article.
    Unless it is the first line of a large title wrapped onto the next: the same large face,
    at least as wide as the line after it, and not a known cluster or column name."""
    starts = sorted(anchors)
    for a, b in itertools.pairwise(starts):
        if a not in anchors:  # merged into the title before it
            continue
        j, _entry, _col = anchors[a]
        between = [x for x in d.blocks[j:b] if not is_noise(x)]
        label = collapse_spaces(strip_md(" ".join(x.text for x in d.blocks[a:j])))
        nxt = strip_md(d.blocks[b].text).lstrip()
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


def _is_masthead_line(text: str) -> bool:
    """An issue number or date line ("第 8 期", "2024 年 4 月", "徐州市科学技术局 2024年4月"):
    masthead, never an article title. A title that merely mentions "第17期" is not one."""
    from huikan.ingest.metadata import _DATE, _NUMBER

    text = text.strip()
    if width(text) > 30 or text[:1] in "（(【[":  # "（合肥4月讯）" is a dateline, not a masthead
        return False
    rest = _DATE.sub("", _NUMBER.sub("", text))
    return rest != text and width(squash(rest)) <= 10


def _has_long_body(d: _Doc, j: int, hi: int) -> bool:
    return any(width(b.text) >= 60 for b in d.blocks[j:hi])


def _label_above(
    d: _Doc, i: int, lo: int, anchors: dict, known: set[str]
) -> tuple[str, int] | None:
    """The column label printed just above the title at block i (and its index), if any."""
    k = i - 1
    while k >= lo and is_noise(d.blocks[k]):
        k -= 1
    prev_anchor_end = anchors.get(lo, (lo,))[0] if lo in anchors else lo
    if k >= max(lo, prev_anchor_end) and _is_column_label(d, k, known):
        return collapse_spaces(strip_md(d.blocks[k].text)), k
    return None


def collapse_title(text: str) -> str:
    """A title as printed, without Markdown marks or line-wrap spaces between CJK characters."""
    t = strip_md(text).replace("\n", " ")
    t = re.sub(r"\s+", " ", t).strip()
    # "淮海经济区安全应急装备 产教融合共同体": a space left by a wrapped line, not a word break.
    return t
