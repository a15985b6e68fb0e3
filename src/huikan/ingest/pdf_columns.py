"""Reading order of a page: columns, spanning titles and the geometry every cue is measured in.

A recursive XY-cut reads columns one after the other. Every threshold is relative to the body
font size, the normal line pitch or the region's width, so the same rules work on A4 browser
output, A5 booklets, B5 two-column flows and office exports.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

from huikan.ingest.pdf_gutter import (
    EPS,
    Geometry,
    crosses,
    extent,
    grazes,
    gutter_of,
    nrows,
    overruns,
    right_of,
    two_sided,
    unbreakable,
)
from huikan.ingest.pdf_layout import PageData, Seg, rows_of

SAME_START = 0.15  # em: two lines starting this close start at one edge (edges)


@dataclass(slots=True)
class Leaf:
    """A region read top to bottom; ``frame`` is the x-range of the column it belongs to."""

    segs: list[Seg]
    frame: tuple[float, float]


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
    two = [two_sided(r, gutter) for r in rows]
    x0 = extent(segs)[0]
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
    left = [s for s in row if s.x1 <= gutter[0] + EPS]
    right = [s for s in row if s.x0 >= gutter[1] - EPS]
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
    gutter = gutter_of(segs, geo)
    strips = _ycut(segs, geo.min_gap)
    if len(strips) > 1 and not (
        gutter and all(two_sided(st, gutter) or right_of(st, gutter) for st in strips)
    ):
        groups = _column_sets(strips, geo)
        return [leaf for grp in groups for leaf in reading_order(grp, geo, frame, depth + 1)]
    if gutter:
        parts = _spanning_cut(segs, gutter, geo)
        if len(parts) > 1:
            return [leaf for p in parts for leaf in reading_order(p, geo, frame, depth + 1)]
        left = [s for s in segs if s.x1 <= gutter[0] + EPS]
        right = [s for s in segs if s.x0 >= gutter[1] - EPS]
        return reading_order(left, geo, extent(left), depth + 1) + reading_order(
            right, geo, extent(right), depth + 1
        )
    limit = max(1, int(0.2 * nrows(segs)))
    g = gutter_of(segs, geo, max_blockers=limit)
    if g:
        crossing = [s for s in segs if crosses(s, g)]
        over = {id(s) for s in crossing if overruns(s, segs, g, geo)}  # each a pass over segs
        if all(
            s.x1 < g[1] - EPS or s.x0 > g[0] + EPS or unbreakable(s) or id(s) in over
            for s in crossing
        ):
            # Nothing spans the gutter from side to side: the runs that enter it are lines
            # overhanging their column (a number or punctuation that would not wrap, a URL
            # run on over the gutter and the other column's line, a line run long into the
            # other column's line beside it).
            left = [s for s in segs if s.x0 < g[0]]
            right = [s for s in segs if s.x0 >= g[0]]
            if left and right:
                return reading_order(left, geo, extent(left), depth + 1) + reading_order(
                    right, geo, extent(right), depth + 1
                )
        # a run that only grazes the gutter, or overruns it into the other column's line,
        # blocks nothing; unless that leaves no cut at all
        spanning = [s for s in crossing if not grazes(s, g) and id(s) not in over]
        bands = _band_cut(segs, {id(s) for s in spanning})
        if len(bands) <= 1:
            bands = _band_cut(segs, {id(s) for s in crossing})
        if len(bands) > 1:
            return [leaf for b in bands for leaf in reading_order(b, geo, frame, depth + 1)]
    return [_leaf(segs, frame)]


def _column_sets(strips: list[list[Seg]], geo: Geometry) -> list[list[Seg]]:
    """Consecutive strips that are one column set: together they have a gutter, and each
    holds text on both sides of it (or lies wholly right of it), as a whole region must to
    be read column by column. White across the page at one height inside a column set (a
    TOC heading's space in the left column beside the right column's top) cuts it into
    strips; read one by one, the right column's first lines came before the heading."""
    groups: list[list[Seg]] = [list(strips[0])]
    members: list[list[list[Seg]]] = [[strips[0]]]

    def column_strip(x: list[Seg], g: tuple[float, float]) -> bool:
        # a column's line in it: a heading letter-spaced over the gutter ("目  录") is none
        wide = any(s.x1 - s.x0 >= 8 * geo.body_size for s in x)
        return wide and (two_sided(x, g) or right_of(x, g))

    for st in strips[1:]:
        joined = groups[-1] + st
        g = gutter_of(joined, geo)
        if g and all(column_strip(x, g) for x in [*members[-1], st]):
            groups[-1] = joined
            members[-1].append(st)
        else:
            groups.append(list(st))
            members.append([st])
    return groups


def _leaf(segs: list[Seg], frame: tuple[float, float]) -> Leaf:
    """A leaf of three or more rows measures "full" and "indented" against its own edges.

    That keeps boxed or inset text (an editor's note in a frame) from looking indented and
    short everywhere; narrow leaves (lists, colophons) keep the column's frame.
    """
    if nrows(segs) >= 3:
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
