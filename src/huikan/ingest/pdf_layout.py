"""Page content: glyph runs and the running headers/footers around them.

Reading order lives in :mod:`huikan.ingest.pdf_columns`, physical lines in
:mod:`huikan.ingest.pdf_lines`.

Every threshold is relative to the body font size, the normal line pitch or the region's
width, so the same rules work on A4 WeasyPrint output, A5 booklets and office exports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from huikan.ingest.pdf_chars import Char
from huikan.model import Region

# Vertical extent of a glyph run, from its baseline and size (font metrics are unreliable
# in subset and non-embedded fonts, so every run gets the same ascent/descent).
ASCENT = 0.8
DESCENT = 0.2

_SPACES = frozenset(" \t\u00a0\u2002\u2003\u2009\u200a\u3000\u202f")


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, full-width forms and CJK-context punctuation (“”—…)."""
    o = ord(ch)
    return o >= 0x2E80 or 0x2010 <= o <= 0x206F


# A gap wider than this share of the font size is a word space: next to a wide (CJK)
# character only a spaced-out heading (目　录) has one, as justified CJK stays tight.
WIDE_SPACE, SPACE = 0.55, 0.18


def needs_space(left: str, right: str, gap: float, size: float) -> bool:
    """Whether a horizontal gap between two glyphs is a word space."""
    if is_wide(left) or is_wide(right):
        return gap > WIDE_SPACE * size
    return gap > SPACE * size


@dataclass(slots=True)
class Seg:
    """A run of glyphs in one style on one baseline, without big gaps."""

    text: str
    x0: float
    x1: float
    base: float
    size: float
    fid: int
    fake_bold: bool
    n: int  # visible glyphs
    lead_space: bool = False  # an explicit space glyph preceded the run
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.top = self.base - ASCENT * self.size
        self.bottom = self.base + DESCENT * self.size


def build_segments(chars: list[Char]) -> list[Seg]:
    """Group glyphs in content-stream order into same-style runs, split at big gaps.

    The split gap (0.8 em) is below any sensible column gutter, so a run never crosses
    columns; a run may end inside a column (style change, wide word space) and is re-joined
    with its neighbours when lines are built. (The open run's style and right edge are kept
    in locals and :func:`needs_space` is written out: this loop sees every glyph.)
    """
    segs: list[Seg] = []
    parts: list[str] = []
    cur: Seg | None = None
    fid_, fake_, size_, base_, right = -1, False, 0.0, 0.0, 0.0  # the open run's
    last = ""
    space = False
    for x0, x1, base, size, text, fid, fake in chars:
        if not text:
            continue
        if text in _SPACES or text.isspace():
            space = True
            continue
        if (
            cur is not None
            and fid == fid_
            and fake == fake_
            and abs(size - size_) <= 0.02 * size
            and abs(base - base_) <= 0.2 * size
            and -0.3 * size <= x0 - right <= 0.8 * size
        ):
            if space:
                parts.append(" ")
            else:
                o, p = ord(last), ord(text[0])
                wide = o >= 0x2E80 or 0x2010 <= o <= 0x206F or p >= 0x2E80 or 0x2010 <= p <= 0x206F
                if x0 - right > (WIDE_SPACE if wide else SPACE) * size:  # needs_space
                    parts.append(" ")
            parts.append(text)
            if x1 > right:
                right = x1
            cur.n += 1
            last = text[-1]
            space = False
            continue
        if cur is not None:
            cur.text = "".join(parts)
            cur.x1 = right
            segs.append(cur)
        if size <= 0:
            cur = None
            space = False
            continue
        cur = Seg("", x0, x1, base, size, fid, fake, 1, lead_space=space)
        fid_, fake_, size_, base_, right = fid, fake, size, base, x1
        parts = [text]
        last = text[-1]
        space = False
    if cur is not None:
        cur.text = "".join(parts)
        cur.x1 = right
        segs.append(cur)
    return segs


# --- running headers, footers and page numbers -------------------------------------------

# Up to three digits: a lone 2024 at the top of a cover is a year, not a page number.
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—－~·•\s]*\d{1,3}[-–—－~·•\s]*"
    r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}"
    r"|(?:page|p\.)\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?"
    r"|[-–—\s]*[ivxlc]{1,6}[-–—\s]*)$",
    re.I,
)
_URL = re.compile(
    r"^(?:网址|网站|官网|url|web)?[:：\s]*(?:https?://|www\.)\S+$"
    r"|^\S+\.(?:com|cn|net|org|gov|edu)(?:\.cn)?(?:/\S*)?$",
    re.I,
)
BAND = 0.12  # top/bottom share of the page height where running heads live
OUTER_ROWS = 3  # only the outermost rows of a page can be running heads
_BAND_KIND = {"top": "header", "bottom": "footer"}


@dataclass(slots=True)
class PageData:
    """One page after glyph extraction: its runs and a few counters, no pdfminer objects."""

    number: int  # 1-based
    width: float
    height: float
    segs: list[Seg]
    images: int = 0
    garbage: int = 0  # unreadable glyphs dropped from segs
    glyphs: int = 0  # visible glyphs, garbage included


def rows_of(segs: list[Seg]) -> list[list[Seg]]:
    """Runs grouped into rows by baseline (tolerance relative to size), top to bottom.

    Superscripts and subscripts (smaller runs beside a run of a neighbouring row, inside
    its vertical extent) join that row: a footnote mark must not break a paragraph.
    """
    rows: list[list[Seg]] = []
    for s in sorted(segs, key=lambda s: s.base):
        if rows and abs(s.base - rows[-1][0].base) <= 0.3 * min(s.size, rows[-1][0].size):
            rows[-1].append(s)
        else:
            rows.append([s])
    sizes = [max(s.size for s in row) for row in rows]  # each row's largest size
    i = 0
    while i < len(rows):
        host = _script_host(rows, i, sizes)
        if host is not None:
            rows[host].extend(rows[i])
            sizes[host] = max(sizes[host], sizes[i])
            del rows[i], sizes[i]
            continue
        i += 1
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def _script_host(rows: list[list[Seg]], i: int, sizes: list[float]) -> int | None:
    """The neighbouring row that row ``i`` is a superscript/subscript of, if any (``sizes``:
    each row's largest size, kept by :func:`rows_of` so that it is not searched for again)."""
    small = rows[i]
    size = sizes[i]
    for j in (i - 1, i + 1):
        if not 0 <= j < len(rows):
            continue
        big_size = sizes[j]
        if size > 0.85 * big_size:
            continue
        top = min(s.top for s in rows[j])
        bottom = max(s.bottom for s in rows[j])
        if not all(top <= (s.top + s.bottom) / 2 <= bottom for s in small):
            continue
        reach = big_size
        if all(
            any(
                t.x0 - reach <= s.x0 <= t.x1 + reach or t.x0 - reach <= s.x1 <= t.x1 + reach
                for t in rows[j]
            )
            for s in small
        ):
            return j
    return None


def _row_text(row: list[Seg]) -> str:
    return " ".join(s.text for s in row).strip()


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text)).lower()


def _slot(band: str, row: list[Seg]) -> tuple[str, int, float]:
    main = max(row, key=lambda s: s.n)
    return band, main.fid, round(main.size, 1)


def remove_running_heads(
    pages: list[PageData], body_size: float, dropped: list[Region] | None = None
) -> int:
    """Drop page numbers, footer URLs and text repeated in the top/bottom band of many pages.

    Repetition is counted per normalised text (digits folded) at a similar height, so an
    alternating left/right header or "第 3 期 · 4" style lines are caught; text that is not
    a page number must also be small or repeated on at least half of the pages, so that a
    column label printed at the top of a few pages is kept. Returns how many runs went;
    ``dropped`` (if given) receives where each removed row was printed, for ``huikan review``.
    """
    text_pages = [p for p in pages if p.segs]
    if not text_pages:
        return 0
    cands: list[tuple[PageData, list[Seg], str, str, float]] = []
    for page in text_pages:
        rows = rows_of(page.segs)
        n = len(rows)
        for i, row in enumerate(rows):
            y = row[0].base / page.height
            if i < OUTER_ROWS and row[0].bottom <= BAND * page.height:
                band = "top"
            elif i >= n - OUTER_ROWS and row[0].top >= (1 - BAND) * page.height:
                band = "bottom"
            else:
                continue
            cands.append((page, row, band, _row_text(row), y))
    positions: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    slots: dict[tuple[str, int, float], list[tuple[int, float]]] = defaultdict(list)
    for page, row, band, text, y in cands:
        positions[(band, _key(text))].append((page.number, y))
        slots[_slot(band, row)].append((page.number, y))
    n = len(text_pages)
    need = max(2 if n <= 4 else 3, round(0.25 * n))
    often = max(2, min(n, max(3, round(0.5 * n))))  # one page repeats nothing
    removed = 0
    drop: dict[int, set[int]] = defaultdict(set)
    for page, row, band, text, y in cands:
        size = max(s.size for s in row)
        small = size < 0.95 * body_size
        near = {p for p, yy in positions[(band, _key(text))] if abs(yy - y) <= 0.02}
        # The same small style at the same height on most pages: a running head whose
        # text changes (section names, odd/even pages).
        slot = {p for p, yy in slots[_slot(band, row)] if abs(yy - y) <= 0.01}
        lone = len(row) == 1 or all(_PAGE_NUMBER.match(s.text.strip()) for s in row[1:])
        if not (
            _PAGE_NUMBER.match(text)
            or (_URL.match(text) and lone)
            or len(near) >= often
            or (small and (len(near) >= need or len(slot) >= often))
        ):
            continue
        victims = row
        for s in victims:
            drop[page.number].add(id(s))
        if dropped is not None:
            kind = "page-number" if _PAGE_NUMBER.match(text) else _BAND_KIND[band]
            dropped.append(
                Region(
                    kind,
                    page=page.number,
                    bbox=[
                        round(min(s.x0 for s in row), 1),
                        round(min(s.top for s in row), 1),
                        round(max(s.x1 for s in row), 1),
                        round(max(s.bottom for s in row), 1),
                    ],
                    text=text,
                )
            )
    for page in text_pages:
        ids = drop.get(page.number)
        if ids:
            before = len(page.segs)
            page.segs = [s for s in page.segs if id(s) not in ids]
            removed += before - len(page.segs)
    return removed


# --- reading order --------------------------------------------------------------------------
