"""Reading order of a page: columns, spanning titles and the geometry every cue is measured in.

A recursive XY-cut reads columns one after the other. Every threshold is relative to the body
font size, the normal line pitch or the region's width, so the same rules work on A4 browser
output, A5 booklets, B5 two-column flows and office exports.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from huikan.ingest.pdf_layout import ASCENT, DESCENT, PageData, Seg, rows_of


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
# A white strip this many ems wide (or more) down the page, with text columns on both sides,
# is a gutter. Chinese text has no word spaces, so a strip that stays white through three
# rows or more (rows_needed below) is no accident even when narrow: generated A5 two-column
# layouts set their gutters 0.68-0.8 em apart, and at 0.8 em they were read across.
GUTTER_MIN = 0.6
SAME_START = 0.15  # em: two lines starting this close start at one edge (edges)


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
            if g1 - g0 < GUTTER_MIN * geo.body_size or g0 <= x0 + _EPS or g1 >= x1 - _EPS:
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


_TOKEN = re.compile(r"[!-~]{12,}")  # printable ASCII without a space: a URL, an e-mail


def _unbreakable(s: Seg) -> bool:
    """A run the typesetter could not wrap (a URL, an e-mail address): it overruns its column,
    across the gutter and over the next column's text, as one line of its own column. A
    title set across the columns has words (CJK, or Latin with spaces)."""
    return _TOKEN.fullmatch(s.text.strip()) is not None


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


def _grazes(s: Seg, gutter: tuple[float, float]) -> bool:
    """A run that reaches into the gutter from one side by a hair (a quarter em: rounding,
    or the padding of the box OCR spread a justified line over), not across it. Taken for a
    spanning title, its row became a band of its own, read across both columns: a scanned
    line that ended 0.4 pt past its column's other lines was joined to the other column's
    line beside it, and the other column's lines above it were read before it."""
    hair = 0.25 * s.size
    return (s.x0 < gutter[0] and s.x1 - gutter[0] <= hair) or (
        s.x1 > gutter[1] and gutter[1] - s.x0 <= hair
    )


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
    """Whether a strip holds text on both sides of the gutter *beside each other*.

    A title on the left with its byline set flush right on the next line touches both
    sides, but one after the other: that strip is read top to bottom, not as columns.
    """
    left = [s for s in segs if s.x1 <= gutter[0] + _EPS]
    right = [s for s in segs if s.x0 >= gutter[1] - _EPS]
    return any(
        min(a.bottom, b.bottom) - max(a.top, b.top) > 0.3 * min(a.size, b.size)
        for a in left
        for b in right
    )


def _right_of(segs: list[Seg], gutter: tuple[float, float]) -> bool:
    """Whether a strip lies wholly right of the gutter: a column label or title of the right
    column with white beside it in the left one, not a band across the page. A label under
    two finished columns starts at the left edge; taken for one, the right column's label
    cut a page into bands, and the right column's top (an article's continuation from the
    foot of the left column) was read before the article's title."""
    return min(s.x0 for s in segs) >= gutter[1] - _EPS


def _rows(segs: list[Seg]) -> list[list[Seg]]:
    """Runs grouped into rows: runs that overlap vertically, across the whole region."""
    rows: list[list[Seg]] = []
    reach = 0.0
    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        if rows and s.top < reach - 0.1 * s.size:
            rows[-1].append(s)
            reach = max(reach, s.bottom)
        else:
            rows.append([s])
            reach = s.bottom
    return rows


def _styled(row: list[Seg], body_fid: int, geo: Geometry) -> bool:
    """A row set unlike the body: larger, another face or synthetic bold."""
    return all(s.size >= 1.05 * geo.body_size or s.fid != body_fid or s.fake_bold for s in row)


def _spanning_cut(segs: list[Seg], gutter: tuple[float, float], geo: Geometry) -> list[list[Seg]]:
    """Cut out a title set across the columns (CSS ``column-span``) that does not reach them.

    A short title over two columns can stay on one side of the gutter, with its byline
    flush right on the other side: the XY-cut sees no spanning run. Such a run of rows is
    recognisable because nothing stands beside it: its rows are one-sided, it starts with
    a row set unlike the body, a white gap wider than line spacing runs across the whole
    region above it, and two-sided column text follows. Titles inside a column always have
    the neighbouring column's lines beside them, so they are never cut out.
    """
    weight: Counter[int] = Counter()
    for s in segs:
        weight[s.fid] += s.n
    body_fid = weight.most_common(1)[0][0]
    rows = _rows(segs)
    two = [_two_sided(r, gutter) for r in rows]
    x0 = _extent(segs)[0]
    gap = geo.white + 0.3 * geo.body_size
    reach = -1e9
    for i, row in enumerate(rows):
        top = min(s.top for s in row)
        start = i == 0 or top - reach >= gap
        reach = max(reach, max(s.bottom for s in row))
        if two[i] or not start or not _styled(row, body_fid, geo):
            continue
        if min(s.x0 for s in row) > x0 + geo.body_size:
            continue  # starts inside the right column: a title of that column
        j = i
        while j < len(rows) and not two[j]:
            j += 1
        if j == len(rows) or j - i > 4 or (i > 0 and not any(two[:i])):
            continue
        if not _columns_start(rows[j], gutter, body_fid, geo):
            continue
        parts = [rows[:i], rows[i:j], rows[j:]]
        return [[s for r in part for s in r] for part in parts if part]
    return [segs]


def _columns_start(
    row: list[Seg], gutter: tuple[float, float], body_fid: int, geo: Geometry
) -> bool:
    """Both columns begin together in body type: the column set under a spanning title."""
    left = [s for s in row if s.x1 <= gutter[0] + _EPS]
    right = [s for s in row if s.x0 >= gutter[1] - _EPS]
    if not left or not right or _styled(left, body_fid, geo) or _styled(right, body_fid, geo):
        return False
    return abs(min(s.top for s in left) - min(s.top for s in right)) <= 0.3 * geo.body_size


def reading_order(
    segs: list[Seg], geo: Geometry, frame: tuple[float, float], depth: int = 0
) -> list[Leaf]:
    """Recursive XY-cut that reads columns one after the other.

    A region with a column gutter is read column by column, unless full-width white gaps
    separate it into strips some of which are one-sided (a column label or short title
    under two finished columns) and not wholly in the right column: then the strips come
    first. Spanning titles that block a
    gutter get a band of their own, so the columns above and below are read separately.
    """
    if len(segs) <= 1 or depth > 12:
        return [_leaf(segs, frame)]
    gutter = _gutter(segs, geo)
    strips = _ycut(segs, geo.min_gap)
    if len(strips) > 1 and not (
        gutter and all(_two_sided(st, gutter) or _right_of(st, gutter) for st in strips)
    ):
        return [leaf for st in strips for leaf in reading_order(st, geo, frame, depth + 1)]
    if gutter:
        parts = _spanning_cut(segs, gutter, geo)
        if len(parts) > 1:
            return [leaf for p in parts for leaf in reading_order(p, geo, frame, depth + 1)]
        left = [s for s in segs if s.x1 <= gutter[0] + _EPS]
        right = [s for s in segs if s.x0 >= gutter[1] - _EPS]
        return reading_order(left, geo, _extent(left), depth + 1) + reading_order(
            right, geo, _extent(right), depth + 1
        )
    limit = max(1, int(0.2 * _nrows(segs)))
    g = _gutter(segs, geo, max_blockers=limit)
    if g:
        crossing = [s for s in segs if _crosses(s, g)]
        if all(s.x1 < g[1] - _EPS or s.x0 > g[0] + _EPS or _unbreakable(s) for s in crossing):
            # Nothing spans the gutter from side to side: the runs that enter it are lines
            # overhanging their column (a number or punctuation that would not wrap, a URL
            # run on over the gutter and the other column's line).
            left = [s for s in segs if s.x0 < g[0]]
            right = [s for s in segs if s.x0 >= g[0]]
            if left and right:
                return reading_order(left, geo, _extent(left), depth + 1) + reading_order(
                    right, geo, _extent(right), depth + 1
                )
        # a run that only grazes the gutter blocks nothing; unless that leaves no cut at all
        bands = _band_cut(segs, {id(s) for s in crossing if not _grazes(s, g)})
        if len(bands) <= 1:
            bands = _band_cut(segs, {id(s) for s in crossing})
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
    line of the column look indented. Two starts within :data:`SAME_START` em are one: a
    scan's lines start a pixel or two apart (TOC group labels at 43.5, 43.6 and 44.8 pt
    were three lone starts, the entries' indent became the edge, and the entries, no
    longer indented, ran together).
    """
    rows = rows_of(segs)
    xs = sorted(row[0].x0 for row in rows)
    tol = SAME_START * statistics.median(s.size for s in segs)
    # a start shared by two rows or more; a lone row sticking out is no edge
    shared = [
        x
        for k, x in enumerate(xs)
        if (k and x - xs[k - 1] <= tol) or (k + 1 < len(xs) and xs[k + 1] - x <= tol)
    ]
    left = shared[0] if shared else min(s.x0 for s in segs)
    return left, max(s.x1 for s in segs)


# --- physical lines ----------------------------------------------------------------------


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
