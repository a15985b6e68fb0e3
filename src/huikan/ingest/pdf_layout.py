"""Page geometry: glyph runs, running headers/footers, reading order and physical lines.

Every threshold is relative to the body font size, the normal line pitch or the region's
width, so the same rules work on A4 WeasyPrint output, A5 booklets and office exports.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

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


def needs_space(left: str, right: str, gap: float, size: float) -> bool:
    """Whether a horizontal gap between two glyphs is a word space."""
    if is_wide(left) or is_wide(right):
        return gap > 0.55 * size  # spaced-out headings (目　录); justified CJK stays tight
    return gap > 0.18 * size


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
    with its neighbours when lines are built.
    """
    segs: list[Seg] = []
    parts: list[str] = []
    cur: Seg | None = None
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
            and fid == cur.fid
            and fake == cur.fake_bold
            and abs(size - cur.size) <= 0.02 * size
            and abs(base - cur.base) <= 0.2 * size
            and -0.3 * size <= x0 - cur.x1 <= 0.8 * size
        ):
            if space or needs_space(last, text[0], x0 - cur.x1, size):
                parts.append(" ")
            parts.append(text)
            if x1 > cur.x1:
                cur.x1 = x1
            cur.n += 1
            last = text[-1]
            space = False
            continue
        if cur is not None:
            cur.text = "".join(parts)
            segs.append(cur)
        if size <= 0:
            cur = None
            space = False
            continue
        cur = Seg("", x0, x1, base, size, fid, fake, 1, lead_space=space)
        parts = [text]
        last = text[-1]
        space = False
    if cur is not None:
        cur.text = "".join(parts)
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
    i = 0
    while i < len(rows):
        host = _script_host(rows, i)
        if host is not None:
            rows[host].extend(rows.pop(i))
            continue
        i += 1
    for row in rows:
        row.sort(key=lambda s: s.x0)
    return rows


def _script_host(rows: list[list[Seg]], i: int) -> int | None:
    """The neighbouring row that row ``i`` is a superscript/subscript of, if any."""
    small = rows[i]
    size = max(s.size for s in small)
    for j in (i - 1, i + 1):
        if not 0 <= j < len(rows):
            continue
        big = max(rows[j], key=lambda s: s.size)
        if size > 0.85 * big.size:
            continue
        top = min(s.top for s in rows[j])
        bottom = max(s.bottom for s in rows[j])
        if not all(top <= (s.top + s.bottom) / 2 <= bottom for s in small):
            continue
        reach = big.size
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


@dataclass(slots=True)
class Leaf:
    """A region read top to bottom; ``frame`` is the x-range of the column it belongs to."""

    segs: list[Seg]
    frame: tuple[float, float]


@dataclass(slots=True)
class Geometry:
    """Document-wide measures every threshold is relative to."""

    body_size: float
    pitch: float  # normal baseline distance of body lines
    white: float = field(init=False)  # normal white gap between body lines

    def __post_init__(self) -> None:
        self.white = max(0.0, self.pitch - (ASCENT + DESCENT) * self.body_size)

    @property
    def min_gap(self) -> float:
        """A vertical gap clearly larger than line spacing: the page breaks here."""
        return self.white + 0.5 * self.body_size


def _extent(segs: list[Seg]) -> tuple[float, float]:
    return min(s.x0 for s in segs), max(s.x1 for s in segs)


def _nrows(segs: list[Seg]) -> int:
    bases = sorted(s.base for s in segs)
    tol = 0.3 * min(s.size for s in segs)
    return 1 + sum(1 for a, b in itertools.pairwise(bases) if b - a > tol)


_EPS = 0.01


def _coverage(segs: list[Seg]) -> list[tuple[float, float, int]]:
    """Elementary x-intervals with the number of runs crossing each (a sweep over edges)."""
    events = sorted([(s.x0, 1) for s in segs] + [(s.x1, -1) for s in segs])
    out: list[tuple[float, float, int]] = []
    depth = 0
    for i, (x, step) in enumerate(events):
        depth += step
        if i + 1 < len(events) and events[i + 1][0] > x:
            out.append((x, events[i + 1][0], depth))
    return out


def _spans(cover: list[tuple[float, float, int]], depth: int) -> list[tuple[float, float]]:
    """Maximal x-spans crossed by at most ``depth`` runs."""
    spans: list[tuple[float, float]] = []
    for x0, x1, d in cover:
        if d > depth:
            continue
        if spans and abs(spans[-1][1] - x0) <= _EPS:
            spans[-1] = (spans[-1][0], x1)
        else:
            spans.append((x0, x1))
    return spans


def _gutter(segs: list[Seg], geo: Geometry, max_blockers: int = 0) -> tuple[float, float] | None:
    """The best column gutter of a region: a white strip with real columns on both sides.

    Each side must hold at least two rows (three beside a gutter narrower than 1.5 em),
    be wide enough for 8 characters and 12% of the region, and the two sides must sit
    beside each other (overlap vertically). That rejects right-aligned TOC page numbers,
    signatures, label/value pairs and table cells. Up to ``max_blockers`` runs may cross the
    strip (spanning titles that interrupt the columns); fewer crossings win, then width.
    """
    x0, x1 = _extent(segs)
    width = x1 - x0
    if width <= 0 or len(segs) < 4:
        return None
    cover = _coverage(segs)
    depths = sorted({d for _, _, d in cover if d <= max_blockers})
    for depth in depths:
        best = None
        for g0, g1 in _spans(cover, depth):
            if g1 - g0 < 0.8 * geo.body_size or g0 <= x0 + _EPS or g1 >= x1 - _EPS:
                continue
            left = [s for s in segs if s.x1 <= g0 + _EPS]
            right = [s for s in segs if s.x0 >= g1 - _EPS]
            if len(left) < 2 or len(right) < 2:
                continue
            lx0, lx1 = _extent(left)
            rx0, rx1 = _extent(right)
            # A text column holds at least 8 characters a line; table cells are narrower.
            narrow = max(0.12 * width, 8 * geo.body_size)
            if lx1 - lx0 < narrow or rx1 - rx0 < narrow:
                continue
            # A narrow gutter between short columns is more likely a wide word space.
            rows_needed = 2 if g1 - g0 >= 1.5 * geo.body_size else 3
            if _nrows(left) < rows_needed or _nrows(right) < rows_needed:
                continue
            ltop, lbot = min(s.top for s in left), max(s.bottom for s in left)
            rtop, rbot = min(s.top for s in right), max(s.bottom for s in right)
            overlap = min(lbot, rbot) - max(ltop, rtop)
            if overlap < 0.3 * min(lbot - ltop, rbot - rtop):
                continue
            if best is None or g1 - g0 > best[1] - best[0]:
                best = (g0, g1)
        if best:
            return best
    return None


def _crosses(s: Seg, gutter: tuple[float, float]) -> bool:
    return s.x0 < gutter[1] - _EPS and s.x1 > gutter[0] + _EPS


def _ycut(segs: list[Seg], min_gap: float) -> list[list[Seg]]:
    """Split a region at full-width white gaps taller than ``min_gap``."""
    order = sorted(segs, key=lambda s: (s.top, s.x0))
    strips = [[order[0]]]
    reach = order[0].bottom
    for s in order[1:]:
        if s.top - reach >= min_gap:
            strips.append([s])
        else:
            strips[-1].append(s)
        reach = max(reach, s.bottom)
    return strips


def _band_cut(segs: list[Seg], blockers: set[int]) -> list[list[Seg]]:
    """Split a region into horizontal bands so that spanning runs get bands of their own."""
    order = sorted(segs, key=lambda s: (s.top, s.x0))
    strips: list[list[Seg]] = []
    kinds: list[bool] = []
    reach = 0.0
    for s in order:
        kind = id(s) in blockers
        if strips and (s.top < reach - 0.1 * s.size or kinds[-1] == kind):
            strips[-1].append(s)
            kinds[-1] = kinds[-1] or kind
            reach = max(reach, s.bottom)
        else:
            strips.append([s])
            kinds.append(kind)
            reach = s.bottom
    return strips


def _two_sided(segs: list[Seg], gutter: tuple[float, float]) -> bool:
    return any(s.x1 <= gutter[0] + _EPS for s in segs) and any(
        s.x0 >= gutter[1] - _EPS for s in segs
    )


def reading_order(
    segs: list[Seg], geo: Geometry, frame: tuple[float, float], depth: int = 0
) -> list[Leaf]:
    """Recursive XY-cut that reads columns one after the other.

    A region with a column gutter is read column by column, unless full-width white gaps
    separate it into strips some of which are one-sided (a column label or short title
    under two finished columns): then the strips come first. Spanning titles that block a
    gutter get a band of their own, so the columns above and below are read separately.
    """
    if len(segs) <= 1 or depth > 12:
        return [_leaf(segs, frame)]
    gutter = _gutter(segs, geo)
    strips = _ycut(segs, geo.min_gap)
    if len(strips) > 1 and not (gutter and all(_two_sided(st, gutter) for st in strips)):
        return [leaf for st in strips for leaf in reading_order(st, geo, frame, depth + 1)]
    if gutter:
        left = [s for s in segs if s.x1 <= gutter[0] + _EPS]
        right = [s for s in segs if s.x0 >= gutter[1] - _EPS]
        return reading_order(left, geo, _extent(left), depth + 1) + reading_order(
            right, geo, _extent(right), depth + 1
        )
    limit = max(1, int(0.2 * _nrows(segs)))
    g = _gutter(segs, geo, max_blockers=limit)
    if g:
        crossing = [s for s in segs if _crosses(s, g)]
        if all(s.x1 < g[1] - _EPS or s.x0 > g[0] + _EPS for s in crossing):
            # Nothing spans the gutter from side to side: the runs that enter it are lines
            # overhanging their column (a number or punctuation that would not wrap).
            left = [s for s in segs if s.x0 < g[0]]
            right = [s for s in segs if s.x0 >= g[0]]
            if left and right:
                return reading_order(left, geo, _extent(left), depth + 1) + reading_order(
                    right, geo, _extent(right), depth + 1
                )
        blockers = {id(s) for s in crossing}
        bands = _band_cut(segs, blockers)
        if len(bands) > 1:
            return [leaf for b in bands for leaf in reading_order(b, geo, frame, depth + 1)]
    return [_leaf(segs, frame)]


def _leaf(segs: list[Seg], frame: tuple[float, float]) -> Leaf:
    """A leaf of three or more rows measures "full" and "indented" against its own edges.

    That keeps boxed or inset text (an editor's note in a frame) from looking indented and
    short everywhere; narrow leaves (lists, colophons) keep the column's frame.
    """
    if _nrows(segs) >= 3:
        x0, x1 = edges(segs)
        if x1 - x0 >= 0.6 * (frame[1] - frame[0]):
            return Leaf(segs, (x0, x1))
    return Leaf(segs, frame)


def edges(segs: list[Seg]) -> tuple[float, float]:
    """Left and right edge of a text area: the left is where two or more lines start.

    A margin label or a lone hanging number sticking out on the left must not make every
    line of the column look indented.
    """
    rows = rows_of(segs)
    starts = Counter(round(row[0].x0) for row in rows)
    shared = [x for x, count in starts.items() if count >= 2]  # a lone row sticking out
    if shared:
        left = min(row[0].x0 for row in rows if round(row[0].x0) == min(shared))
    else:
        left = min(s.x0 for s in segs)
    return left, max(s.x1 for s in segs)


# --- physical lines ----------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One printed line of a leaf, in reading order, with what paragraph joining needs."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # dominant glyph size of the line
    nchars: int
    nbold: int
    sizes: list[tuple[float, int]]
    frame: tuple[float, float]
    leaf: int
    tabs: list[int]  # offsets in ``text`` where a wide gap (>= 2 em) separated two runs
    last_run: str  # text of the right-most run (a TOC page number sits there)
    first_on_page: bool = False
    toc: str = ""  # "", "entry", "group", "leaders", "numbered" (see pdf_blocks)

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def _field_cuts(row: list[Seg]) -> list[int]:
    """Where a row breaks into fields set far apart (publisher ... date)."""
    return [
        i
        for i in range(1, len(row))
        if row[i].x0 - row[i - 1].x1 >= 4 * max(row[i].size, row[i - 1].size)
        and not _PAGE_NO.match(row[i].text.strip())  # a TOC page number stays with its title
        and sum(s.n for s in row[:i]) >= 3
        and sum(s.n for s in row[i:]) >= 3  # not a letter-spaced 目  录
    ]


def splits_fields(segs: list[Seg]) -> bool:
    """Split far-apart short fields into lines of their own, unless the page has several
    such rows: then they are table rows, better kept whole."""
    short = 0
    for row in rows_of(segs):
        cuts = _field_cuts(row)
        parts = [row[a:b] for a, b in itertools.pairwise([0, *cuts, len(row)])]
        if cuts and all(sum(s.n for s in p) <= 16 for p in parts):
            short += 1
    return short <= 1


def _split_fields(rows: list[list[Seg]]) -> list[list[Seg]]:
    out = []
    for row in rows:
        for a, b in itertools.pairwise([0, *_field_cuts(row), len(row)]):
            out.append(row[a:b])
    return out


_PAGE_NO = re.compile(r"^\d{1,4}$")


def leaf_lines(
    leaf: Leaf, page: int, leaf_no: int, bold_font: list[bool], fields: bool = True
) -> list[Line]:
    """Rows of a leaf joined into lines; overlapping duplicate runs (fake bold) collapse.

    With ``fields`` a row whose parts sit far apart becomes one line per part.
    """
    lines = []
    rows = rows_of(leaf.segs)
    for row in _split_fields(rows) if fields else rows:
        kept: list[Seg] = []
        for s in row:
            if kept:
                p = kept[-1]
                overlap = min(p.x1, s.x1) - max(p.x0, s.x0)
                if overlap > 0.7 * max(1e-6, s.x1 - s.x0) and s.text == p.text:
                    p.fake_bold = True  # the same text struck twice, slightly shifted
                    continue
            kept.append(s)
        parts: list[str] = []
        tabs: list[int] = []
        prev: Seg | None = None
        nchars = nbold = 0
        sizes: Counter[float] = Counter()
        biggest = max(s.size for s in kept)
        for s in kept:
            if prev is not None:
                gap = s.x0 - prev.x1
                size = max(s.size, prev.size)
                if gap >= 2 * size:
                    tabs.append(len("".join(parts)))
                if (
                    s.lead_space
                    or gap >= 2 * size
                    or needs_space(parts[-1][-1], s.text[0], gap, size)
                ):
                    parts.append(" ")
            parts.append(s.text)
            nchars += s.n
            if bold_font[s.fid] or s.fake_bold:
                nbold += s.n
            if s.size >= 0.85 * biggest:  # superscripts do not make a line small
                sizes[round(s.size, 1)] += s.n
            prev = s
        text = "".join(parts)
        size = sizes.most_common(1)[0][0]
        lines.append(
            Line(
                text=text,
                page=page,
                x0=kept[0].x0,
                x1=max(s.x1 for s in kept),
                top=min(s.top for s in kept),
                bottom=max(s.bottom for s in kept),
                size=size,
                nchars=nchars,
                nbold=nbold,
                sizes=sorted(sizes.items()),
                frame=leaf.frame,
                leaf=leaf_no,
                tabs=tabs,
                last_run=kept[-1].text,
            )
        )
    return lines


def body_geometry(pages: list[PageData]) -> Geometry:
    """Body size = most common glyph size by glyph count; pitch = most common line step."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for s in page.segs:
            sizes[round(s.size * 2) / 2] += s.n
    if not sizes:
        return Geometry(body_size=10.0, pitch=12.0)
    body = sizes.most_common(1)[0][0]
    steps: Counter[float] = Counter()
    for page in pages:
        prev = None
        for s in sorted(
            (s for s in page.segs if abs(s.size - body) <= 0.1 * body),
            key=lambda s: (s.x0 // (4 * body), s.base),
        ):
            if prev is not None and s.x0 // (4 * body) == prev.x0 // (4 * body):
                step = s.base - prev.base
                if 0.9 * body <= step <= 3 * body:
                    steps[round(step * 2) / 2] += 1
            prev = s
    pitch = steps.most_common(1)[0][0] if steps else 1.4 * body
    return Geometry(body_size=body, pitch=pitch)
