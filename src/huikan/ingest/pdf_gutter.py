"""Column gutters: the white strips down a region between text columns, and the runs that
cross them, measured against the document's :class:`Geometry` (body size, line pitch).

:mod:`.pdf_columns` cuts pages into columns and bands with these; :mod:`.ocr` checks its
own gutter splits against them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from huikan.ingest.pdf_layout import ASCENT, DESCENT, Seg


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


def extent(segs: list[Seg]) -> tuple[float, float]:
    return min(s.x0 for s in segs), max(s.x1 for s in segs)


def nrows(segs: list[Seg]) -> int:
    bases = sorted(s.base for s in segs)
    tol = 0.3 * min(s.size for s in segs)
    return 1 + sum(1 for a, b in itertools.pairwise(bases) if b - a > tol)


EPS = 0.01
# A white strip this many ems wide (or more) down the page, with text columns on both sides,
# is a gutter. Chinese text has no word spaces, so a strip that stays white through three
# rows or more (rows_needed below) is no accident even when narrow: generated A5 two-column
# layouts set their gutters 0.68-0.8 em apart, and at 0.8 em they were read across; where
# left-column lines run long (figures set wider than the characters they replaced), the
# strip white on every row was 0.58 em of a gutter an em wide, and the page was read across.
# The widest white running text leaves between two glyphs is a Latin word space, a third
# of an em: half an em is clear of it.
GUTTER_MIN = 0.5


def coverage(segs: list[Seg]) -> list[tuple[float, float, int]]:
    """Elementary x-intervals with the number of runs crossing each (a sweep over edges)."""
    events = sorted([(s.x0, 1) for s in segs] + [(s.x1, -1) for s in segs])
    out: list[tuple[float, float, int]] = []
    depth = 0
    for i, (x, step) in enumerate(events):
        depth += step
        if i + 1 < len(events) and events[i + 1][0] > x:
            out.append((x, events[i + 1][0], depth))
    return out


def spans(cover: list[tuple[float, float, int]], depth: int) -> list[tuple[float, float]]:
    """Maximal x-spans crossed by at most ``depth`` runs."""
    spans: list[tuple[float, float]] = []
    for x0, x1, d in cover:
        if d > depth:
            continue
        if spans and abs(spans[-1][1] - x0) <= EPS:
            spans[-1] = (spans[-1][0], x1)
        else:
            spans.append((x0, x1))
    return spans


def gutter_of(segs: list[Seg], geo: Geometry, max_blockers: int = 0) -> tuple[float, float] | None:
    """The best column gutter of a region: a white strip with real columns on both sides.

    Each side must hold at least two rows (three beside a gutter narrower than 1.5 em),
    be wide enough for 8 characters and 12% of the region, and the two sides must sit
    beside each other (overlap vertically). That rejects right-aligned TOC page numbers,
    signatures, label/value pairs and table cells. Up to ``max_blockers`` runs may cross the
    strip (spanning titles that interrupt the columns); fewer crossings win, then width.
    """
    x0, x1 = extent(segs)
    width = x1 - x0
    if width <= 0 or len(segs) < 4:
        return None
    cover = coverage(segs)
    depths = sorted({d for _, _, d in cover if d <= max_blockers})
    for depth in depths:
        best = None
        for g0, g1 in spans(cover, depth):
            if g1 - g0 < GUTTER_MIN * geo.body_size or g0 <= x0 + EPS or g1 >= x1 - EPS:
                continue
            left = [s for s in segs if s.x1 <= g0 + EPS]
            right = [s for s in segs if s.x0 >= g1 - EPS]
            if len(left) < 2 or len(right) < 2:
                continue
            lx0, lx1 = extent(left)
            rx0, rx1 = extent(right)
            # A text column holds at least 8 characters a line; table cells are narrower.
            narrow = max(0.12 * width, 8 * geo.body_size)
            if lx1 - lx0 < narrow or rx1 - rx0 < narrow:
                continue
            # A narrow gutter between short columns is more likely a wide word space.
            rows_needed = 2 if g1 - g0 >= 1.5 * geo.body_size else 3
            if nrows(left) < rows_needed or nrows(right) < rows_needed:
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


def unbreakable(s: Seg) -> bool:
    """A run the typesetter could not wrap (a URL, an e-mail address): it overruns its column,
    across the gutter and over the next column's text, as one line of its own column. A
    title set across the columns has words (CJK, or Latin with spaces)."""
    return _TOKEN.fullmatch(s.text.strip()) is not None


def overruns(s: Seg, segs: list[Seg], gutter: tuple[float, float], geo: Geometry) -> bool:
    """A left-column line run on over the gutter into the other column's line beside it
    (hanging punctuation, a figure set wider than the characters it replaced): body text,
    and a body line in the same face starts right of the gutter's start and under this run,
    their boxes overlapping (the columns' baselines need not line up). No title set across
    the page has body text printed over it (a title's own runs, split where a glyph came
    from another font, are set in the title's size, not the body's)."""
    if s.x0 >= gutter[0] or abs(s.size - geo.body_size) > 0.05 * geo.body_size:
        return False
    return any(
        t is not s
        and t.fid == s.fid
        and t.size == s.size
        and t.top < s.bottom
        and t.bottom > s.top  # printed over each other: the two lines' boxes meet
        and gutter[0] <= t.x0 < s.x1 - EPS
        for t in segs
    )


def crosses(s: Seg, gutter: tuple[float, float]) -> bool:
    return s.x0 < gutter[1] - EPS and s.x1 > gutter[0] + EPS


def grazes(s: Seg, gutter: tuple[float, float]) -> bool:
    """A run that reaches into the gutter from one side by a hair (a quarter em: rounding,
    or the padding of the box OCR spread a justified line over), not across it. Taken for a
    spanning title, its row became a band of its own, read across both columns: a scanned
    line that ended 0.4 pt past its column's other lines was joined to the other column's
    line beside it, and the other column's lines above it were read before it."""
    hair = 0.25 * s.size
    return (s.x0 < gutter[0] and s.x1 - gutter[0] <= hair) or (
        s.x1 > gutter[1] and gutter[1] - s.x0 <= hair
    )


def two_sided(segs: list[Seg], gutter: tuple[float, float]) -> bool:
    """Whether a strip holds text on both sides of the gutter *beside each other*.

    A title on the left with its byline set flush right on the next line touches both
    sides, but one after the other: that strip is read top to bottom, not as columns.
    """
    left = [s for s in segs if s.x1 <= gutter[0] + EPS]
    right = [s for s in segs if s.x0 >= gutter[1] - EPS]
    return any(
        min(a.bottom, b.bottom) - max(a.top, b.top) > 0.3 * min(a.size, b.size)
        for a in left
        for b in right
    )


def right_of(segs: list[Seg], gutter: tuple[float, float]) -> bool:
    """Whether a strip lies wholly right of the gutter: a column label or title of the right
    column with white beside it in the left one, not a band across the page. A label under
    two finished columns starts at the left edge; taken for one, the right column's label
    cut a page into bands, and the right column's top (an article's continuation from the
    foot of the left column) was read before the article's title."""
    return min(s.x0 for s in segs) >= gutter[1] - EPS
