"""Read a text or Markdown bulletin into blocks.

Text bulletins come in two shapes: one paragraph per line (Markdown exports, copy-paste from
Word) and hard-wrapped dumps of a PDF, where every printed line is a line of the file and
paragraphs, titles and page breaks must be recovered from line lengths. Both end up as the
same stream of :class:`~huikan.model.Block` the PDF reader produces.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from huikan.ingest.decor import MARKERS
from huikan.ingest.encoding import decode_bytes
from huikan.ingest.textutil import NEWS_LEAD, ends_sentence, ends_with_stop, join_cjk, width
from huikan.model import Block, Document, Warning

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CENTRED_LEAD = 3  # leading white space in CJK cells: more than the usual two-character indent
_WHOLE_LABEL = re.compile(r"^[【〔〖][^【】〔〕〖〗]{1,24}[】〕〗]$")
_SETEXT = re.compile(r"^(=+|-+)$")
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_HTML_BOLD = re.compile(r"</?(b|strong)>", re.I)
_HTML_TAG = re.compile(r"</?(b|strong|i|em|u|span|font|br|p)\b[^>]*>", re.I)
_WHOLE_BOLD = re.compile(r"^\*\*(.+?)\*\*[:：]?$")


@dataclass
class _Line:
    no: int  # 1-based line number in the file
    raw: str
    text: str  # stripped, Markdown heading marks removed
    heading: int = 0
    bold: bool = False
    indent: bool = False
    blank_before: int = 0
    hard_break: bool = False  # Markdown "two trailing spaces": the next line continues
    trailing: bool = False  # the raw line ends with whitespace
    furniture: bool = False  # a page number or running header/footer of a text dump
    lead: float = 0.0  # width of the leading white space, in CJK cells
    after_break: bool = False  # page furniture stood between this line and the previous one
    break_blanks: int = 0  # after a page break: all blank lines since the previous text line


def decode_file(path: Path) -> tuple[str, list[Warning]]:
    """Decode and normalise a text file: line endings, NUL bytes, form feeds."""
    text, _enc = decode_bytes(path.read_bytes(), path.name)
    warnings: list[Warning] = []
    if "\x00" in text:
        warnings.append(Warning("nul-bytes", "文件中有 NUL 空字符，已删除。", file=path.name))
        text = text.replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, warnings


def _scan(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    for no, raw in enumerate(text.split("\n"), start=1):
        raw = raw.replace("\f", "")
        s = raw.strip().replace("\u3000", " ").strip()
        if _SETEXT.match(s) and not blanks and lines and lines[-1].no == no - 1:
            # Setext heading: a line underlined with === (level 1) or --- (level 2).
            if not lines[-1].heading:
                lines[-1].heading = 1 if s[0] == "=" else 2
            continue
        if not s or _MD_RULE.match(s):
            blanks += 1
            continue
        heading = 0
        m = _MD_HEADING.match(s)
        if m:
            heading, s = len(m.group(1)), m.group(2)
        s = _HTML_BOLD.sub("**", s)
        s = _HTML_TAG.sub("", s)
        bold = False
        m = _WHOLE_BOLD.match(s)
        if m and "**" not in m.group(1):
            bold, s = True, m.group(1)
        s = s.strip()
        if not s:
            blanks += 1
            continue
        lines.append(
            _Line(
                no=no,
                raw=raw,
                text=s,
                heading=heading,
                bold=bold,
                indent=raw[:1] in (" ", "\t", "\u3000"),
                lead=width(raw[: len(raw) - len(raw.lstrip())].replace("\t", "    ")),
                blank_before=blanks,
                hard_break=raw.endswith("  ") and raw.strip() != "",
                trailing=raw != raw.rstrip(),
            )
        )
        blanks = 0
    return lines


def wrap_width(lines: list[str]) -> float | None:
    """The printed line width of a hard-wrapped dump, or None if paragraphs are unwrapped.

    In a hard-wrapped file most lines have nearly the same display width (the measure of the
    page); in a one-paragraph-per-line file lengths are spread out and mostly long.
    """
    widths = [width(s) for s in lines if width(s) >= 8]
    if len(widths) < 20:
        return None
    widths.sort()
    w = widths[int(len(widths) * 0.9)]  # the measure: what full lines reach
    if w > 60:
        return None
    near = sum(1 for x in widths if 0.85 * w <= x <= w * 1.05)
    return float(w) if near / len(widths) >= 0.4 else None


def trailing_marks_ends(lines: list[_Line], measure: float | None) -> bool:
    """Some PDF-to-text tools leave a space after the last line of each paragraph (and title).

    When the lines with trailing whitespace are mostly paragraph ends (a full stop, or short),
    trailing whitespace is a reliable end-of-paragraph mark — the only one a full-width title
    line has, since it fills the line like body text does.
    """
    if not measure:
        return False
    marked = [ln for ln in lines if ln.trailing]
    if len(marked) < max(5, 0.05 * len(lines)):
        return False
    ends = sum(1 for ln in marked if ends_sentence(ln.text) or width(ln.text) < 0.85 * measure)
    return ends >= 0.6 * len(marked)


def _is_continuation(
    prev: _Line, cur: _Line, measure: float | None, eol_marks: bool = False
) -> bool:
    """Does ``cur`` continue the paragraph ``prev`` started (a hard wrap or page break)?"""
    if cur.heading or prev.heading or cur.bold or prev.bold:
        return False
    if prev.hard_break and not measure:
        return True
    if eol_marks and prev.trailing:
        return False
    if re.match(r"^([-*+]|\d{1,2}\s*/)\s", cur.text):
        return False
    p, c = prev.text, cur.text
    if c[:1] in MARKERS:
        return False  # "◆ 标题", "● 要点": a marker starts a new block
    if _WHOLE_LABEL.match(c):
        return False  # "【数字经济产业】": a whole-line label is never a paragraph's tail
    if measure and p[:1] in MARKERS:
        # A marked line in a hard-wrapped dump is a title (or list item) of its own; a title
        # wrapped onto a second line is re-joined by the splitter, which knows the title style.
        return False
    if measure:  # hard-wrapped dump: a full line continues, a short one ends its paragraph
        if width(c) < 0.85 * measure and not ends_sentence(c) and c[-1] not in "：:，,、；;":
            # A short line that does not finish a sentence after a full one is a heading or
            # a credit line, not the tail of the paragraph.
            return False
        return width(p) >= 0.85 * measure and not _credit_like(p)
    # One paragraph per line: only a long line cut mid-sentence continues (page break).
    return (
        width(p) >= 60
        and not ends_sentence(p)
        and not re.search(r"[:：]$", p)
        and width(c) >= 2
        and not _credit_like(c)
    )


def _credit_like(s: str) -> bool:
    return bool(re.match(r"^[（(]?\s*(来源|信息来源|供稿|通讯员|作者)", s)) or bool(
        re.search(r"(供稿|摘述|来源[:：].{1,30})[）)]?\s*$", s) and re.match(r"^[（(]", s)
    )


_PAGE_LINE = re.compile(
    r"^(?:[-—–~－\s]*\d{1,3}[-—–~－\s]*|第\s*\d{1,3}\s*页.*|\d{1,3}\s*/\s*\d{1,3}|"
    r"[-—–]\s*第?\s*\d{1,3}\s*页?\s*[-—–])$"
)


def mark_page_furniture(lines: list[_Line], form_feeds: set[int]) -> None:
    """Flag page numbers and running headers/footers of a text dump of a printed bulletin.

    A page-number line ("— 3 —", "第 3 页", "3/12") stands alone. A running head is a short
    line printed again and again, each time next to a page break (a page-number line or a form
    feed): a column label or a TOC title also repeats, but in the flow of the text, not at page
    breaks. The line after the furniture is marked ``after_break`` so that a paragraph broken
    by the page is joined again.
    """
    breaks = set(form_feeds)
    for k, ln in enumerate(lines):
        if _PAGE_LINE.match(ln.text) and not ln.heading:
            ln.furniture = True
            breaks.add(k)
    near = {k + d for k in breaks for d in (-2, -1, 0, 1, 2)}
    seen: dict[str, list[int]] = {}
    for k, ln in enumerate(lines):
        key = re.sub(r"\s+", "", ln.text)
        if not ln.furniture and 0 < width(key) <= 40:
            seen.setdefault(key, []).append(k)
    for ks in seen.values():
        at_breaks = [k for k in ks if k in near]
        if len(ks) >= 3 and len(at_breaks) >= 0.75 * len(ks):
            for k in at_breaks:
                lines[k].furniture = True
    for k in range(1, len(lines)):
        if not lines[k].furniture and (lines[k - 1].furniture or k in form_feeds):
            lines[k].after_break = True
            total, j = lines[k].blank_before, k - 1
            while j >= 0 and lines[j].furniture:
                total += lines[j].blank_before
                j -= 1
            lines[k].break_blanks = total


def lines_to_blocks(lines: list[_Line], measure: float | None) -> list[Block]:
    eol_marks = trailing_marks_ends(lines, measure)
    blocks: list[Block] = []
    furniture: list[Block] = []  # emitted after the paragraph the page break interrupted
    cur: list[_Line] = []

    def flush() -> None:
        if not cur:
            return
        first = cur[0]
        text = cur[0].text
        for prev, ln in itertools.pairwise(cur):
            # A Markdown hard break is a printed line break (a masthead's two publishers,
            # a two-line column label): keep it as "\n" for the splitter to interpret.
            text = f"{text}\n{ln.text}" if prev.hard_break else join_cjk(text, ln.text)
        blocks.append(
            Block(
                text=text,
                line=first.no,
                heading=first.heading,
                bold=first.bold,
                lines=len(cur),
                gap_before=float(
                    base_gap + max(0, first.break_blanks - break_gap)
                    if first.after_break
                    else first.blank_before
                ),
                indent=first.indent,
                page_top=first.after_break,
                # Set in by much more than a paragraph indent, alone: a line centred by spaces.
                centered=len(cur) == 1 and first.lead >= CENTRED_LEAD,
                end_line=cur[-1].no,
            )
        )
        cur.clear()

    base_gap = _base_gap([ln for ln in lines if not ln.furniture], measure)
    # A page break brings its own blank lines (around the page number and running head);
    # only blank lines beyond the file's usual count there are a gap in the text.
    at_breaks = [ln.break_blanks for ln in lines if ln.after_break]
    break_gap = min(at_breaks, default=0)
    for ln in lines:
        if ln.furniture:
            furniture.append(Block(text=ln.text, line=ln.no, furniture=True))
            continue
        # Within a page, a blank line more than the file's usual spacing ends a paragraph; across
        # a page break blank lines mean nothing, and only the line widths decide.
        gap_break = ln.blank_before > base_gap + (1 if ln.after_break or not measure else 0)
        if cur and (
            (gap_break and not cur[-1].hard_break)
            or not _is_continuation(cur[-1], ln, measure, eol_marks)
            or _title_before_lead(cur, ln, blocks, measure)
        ):
            flush()
            blocks.extend(furniture)
            furniture.clear()
        cur.append(ln)
    flush()
    blocks.extend(furniture)
    for b in blocks:  # express gaps relative to the file's normal paragraph spacing
        b.gap_before = max(0.0, b.gap_before - base_gap)
    return blocks


def _title_before_lead(
    cur: list[_Line], ln: _Line, blocks: list[Block], measure: float | None
) -> bool:
    """A full-width title line right after the previous article's closing credit, followed by a
    news lead ("近日，…"): the title is a block of its own even though it fills the line."""
    if not measure or len(cur) != 1 or not blocks or not NEWS_LEAD.match(ln.text):
        return False
    return _credit_like(blocks[-1].text) and not ends_with_stop(cur[0].text)


def _base_gap(lines: list[_Line], measure: float | None = None) -> int:
    """Blank lines between two lines of one paragraph (0, or 1 in a double-spaced dump).

    In a hard-wrapped file that is the spacing after a full line cut mid-sentence: a TOC, labels
    and short paragraphs, each followed by a blank line, can outnumber the lines of prose.
    """
    if measure:
        inner = [
            ln.blank_before
            for prev, ln in itertools.pairwise(lines)
            if width(prev.text) >= 0.9 * measure and not ends_sentence(prev.text)
        ]
        if len(inner) >= 5:
            return int(statistics.median_low(inner))
    gaps = [ln.blank_before for ln in lines[1:]]
    return int(statistics.median(gaps)) if gaps else 0


def read_text(path: Path) -> Document:
    """Read a .txt/.md bulletin into a Document of blocks."""
    text, warnings = decode_file(path)
    lines = _scan(text)
    mark_page_furniture(lines, _form_feed_lines(text, lines))
    measure = wrap_width([ln.text for ln in lines if not ln.heading and not ln.furniture])
    blocks = lines_to_blocks(lines, measure)
    pages = text.count("\f") + 1 if "\f" in text else None
    if pages:
        _assign_pages(text, blocks)
    return Document(blocks=blocks, pages=pages, warnings=warnings, measure=measure)


def _assign_pages(text: str, blocks: list[Block]) -> None:
    """Form feeds separate pages in text dumps (pdftotext); give each block its page."""
    page_of_line = []
    page = 1
    for raw in text.split("\n"):
        page += raw.count("\f")  # pdftotext puts the form feed before a page's first line
        page_of_line.append(page)
    for b in blocks:
        if b.line:
            b.page = page_of_line[b.line - 1]


def _form_feed_lines(text: str, lines: list[_Line]) -> set[int]:
    """Indexes (into ``lines``) of the first line of each page after a form feed."""
    feeds = sorted(no for no, raw in enumerate(text.split("\n"), start=1) if "\f" in raw)
    out: set[int] = set()
    p = 0
    for k, ln in enumerate(lines):
        if p < len(feeds) and ln.no >= feeds[p]:
            out.add(k)  # the first non-blank line at or after the form feed
            while p < len(feeds) and feeds[p] <= ln.no:
                p += 1
    return out
