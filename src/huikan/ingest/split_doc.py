"""The bulletin as the splitter measures it: blocks plus the document's own measures.

Every cue is relative to the document (its body text, its titles' type size or Markdown level,
its title markers, its paragraph spacing), so the same rules hold for layouts nobody has seen.
Also what never starts an article: noise, numbered sub-headings, masthead lines, the colophon.
"""

from __future__ import annotations

import functools
import re

from huikan.ingest.credits import is_closing_line
from huikan.ingest.decor import title_markers
from huikan.ingest.textutil import (
    NEWS_LEAD,
    ends_sentence,
    squash,
    strip_md,
    width,
)
from huikan.model import Block

PREFACE_TITLES = {"编者按", "编者的话", "卷首语", "前言", "编者语", "主编寄语", "编辑说明"}
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|"
    r"\d{1,2}\s*[.、．](?!\d)|第[一二三四五六七八九十百\d]+[章条节部分]|[①-⑳❶-❿]|"
    r"亮点[一二三四五六七八九十\d]|[A-Za-z]\s*[.、](?![A-Za-z])|其[一二三四五六七八九十])"
)
_NOISE = re.compile(
    r"^(?:[-—–~\s]*\d{1,3}[-—–~\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3}|"
    r"(?:https?://|www\.)[!-~]+|[-—_=*\s]+)$",  # a URL is ASCII: OCR runs one into the text
    re.I,
)
_COLOPHON = re.compile(
    r"^(?:责任主编|主\s*编|副\s*主\s*编|执行主编|责任编辑|编\s*辑|审\s*核|审\s*稿|校\s*对|签\s*发|"
    r"地\s*址|邮\s*编|邮政编码|电\s*话|传\s*真|网\s*址|E-?mail|电子邮[箱件]|邮\s*箱|"
    r"报\s*[:：]|送\s*[:：]|抄\s*送|发\s*送|印\s*发|印\s*数|研究团队\s*[:：]|编印|出版单位|"
    r"主办单位|承办单位|《[^》]{1,20}》\s*联系方式|联系方式|联系人)",
    re.I,
)
LEAD = NEWS_LEAD
_NO_TITLE_END = "。；;：:，,、"


def is_noise(b: Block) -> bool:
    """Page numbers, footer URLs and rules: never content."""
    return b.furniture or (bool(_NOISE.match(b.text.strip())) and not b.heading)


def is_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(strip_md(text)))


class Doc:
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
    def prose_flush(self) -> bool:
        """The document's paragraphs are not centred: a centred line stands out."""
        prose = [b for b in self.blocks if width(b.text) >= 40 and not self.styled(b)]
        return bool(prose) and sum(b.centered for b in prose) <= 0.1 * len(prose)

    @functools.cached_property
    def md_level(self) -> int | None:
        return md_level_of(self)

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
        elif _list_goes_on(blocks, i - 1):
            pass  # "报：科技部、…人力资源和社会" then "保障部、农业农村部、…": one list
        elif not (
            is_noise(b) or (width(t) <= 40 and not ends_sentence(t) and not is_closing_line(t))
        ):
            break
        i -= 1
    return first_kw


LIST_PARTS = 6  # paragraphs a wrapped distribution list may run over


def _list_goes_on(blocks: list[Block], k: int) -> bool:
    """Block k continues the colophon line above it: a distribution list ("报：…") wrapped
    into paragraphs of its own, names between 、 and no sentence punctuation in them (the
    last name may end in a bracket: 科技厅（局）), however long. The list may run over
    several such paragraphs ("报：科技部、…人力资源和社会" / "保障部、…全" / "国总工会、…送：
    各试点…"), each continuing the one above."""
    for j in range(k, max(0, k - LIST_PARTS), -1):
        t = blocks[j].text.strip()
        if t.count("、") < 2 or any(c in t for c in "，。,；;！!？?"):
            return False
        if _COLOPHON.match(blocks[j - 1].text.strip()):
            return True
    return False


def title_level(d: Doc) -> float | None:
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


TITLE_WIDTH = 8  # the lower median width of a level of titles; group names are shorter


def md_level_of(d: Doc) -> int | None:
    """Markdown heading level of article titles: the top level several title-like headings
    share (a lone "# 刊名" masthead does not count, nor "# 【集群】" group labels). A level of
    short headings over a level of title-length ones ("# 综合" over "## 京津冀国家高新区联盟
    成立") holds group names, not titles. None without Markdown headings."""
    widths: dict[int, list[float]] = {}
    for i, b in enumerate(d.blocks):
        if b.heading and d.title_like(i) and not is_numbered(b.text) and not b.bracketed:
            widths.setdefault(b.heading, []).append(width(strip_md(b.text).strip()))
    level = titles_level(widths)
    common = [lvl for lvl, ws in widths.items() if len(ws) >= 2]
    return level if level is not None else min(common, default=None)


def titles_level(widths: dict[int, list[float]]) -> int | None:
    """Of heading or outline levels with their entries' widths, the shallowest with two or
    more entries whose lower median is :data:`TITLE_WIDTH` or more: titles are sentences,
    group names short. The lower median, because a level of two — a masthead and "编者按" —
    has the masthead as its upper one. None if no level qualifies."""
    for lvl in sorted(widths):
        ws = sorted(widths[lvl])
        if len(ws) >= 2 and ws[(len(ws) - 1) // 2] >= TITLE_WIDTH:
            return lvl
    return None


def is_masthead_line(text: str) -> bool:
    """An issue number or date line ("第 8 期", "2024 年 4 月", "徐州市科学技术局 2024年4月"):
    masthead, never an article title. A title that merely mentions "第17期" is not one."""
    from huikan.ingest.metadata import _DATE, _NUMBER

    text = text.strip()
    if width(text) > 30 or text[:1] in "（(【[":  # "（合肥4月讯）" is a dateline, not a masthead
        return False
    rest = _DATE.sub("", _NUMBER.sub("", text))
    return rest != text and width(squash(rest)) <= 10


# Clause punctuation: every paragraph of prose has some; a masthead run together by the reader
# ("JIANGSU VENTURE CAPITAL 2024 年第 12 期 … 主办 2024 年 12 月 31 日") has none.
CLAUSE_MARK = re.compile(r"[，。；！？,;]")


def has_long_body(d: Doc, j: int, hi: int) -> bool:
    """Is there a paragraph of prose in blocks j..hi: long, with clause punctuation?"""
    return any(width(b.text) >= 60 and CLAUSE_MARK.search(b.text) for b in d.blocks[j:hi])
