"""Column gutters in an OCR page: the white bands between columns, and the lines as seen
against them (:mod:`.gutters` cuts the lines boxed over a gutter).

A line is seen by where the recogniser placed its characters (:attr:`~.engine.OcrLine.chars`),
the page straightened (its skew turned back, as :mod:`.glyphs` does). A gutter candidate
(:class:`Band`) is a vertical white band: where the wide gaps (:data:`GAP` em or more between
two neighbouring characters) of at least :data:`SUPPORT` lines overlap (:func:`gap_bands`),
or, for a line alone in being boxed over both columns, where the white between the
neighbouring boxes of as many rows overlaps (:func:`row_bands`).
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass

import numpy as np

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.pdf_layout import is_wide

GAP = 0.7  # em: a gap between two characters this wide may be (part of) a gutter
SUPPORT = 3  # lines ending at the band's left edge, and starting at its right edge
EDGE = 1.0  # em: how far from the band a line may end (start) and still keep to it
SLACK = 0.25  # em: print may reach this far into the band (a pixel's rounding, the turn)


@dataclass
class PrintLine:
    """A line as the gutter code sees it: where the recogniser placed its characters,
    straightened (without them: its box)."""

    i: int  # index into the page's lines
    ln: OcrLine
    shift: float  # added to an image x to straighten it
    xs: dict[int, tuple[float, float]]  # text index -> straightened x-range (non-space chars)
    top: float
    bottom: float

    def print_(
        self, band: Band | None = None, marks_at_middle: bool = False
    ) -> list[tuple[float, float, int]]:
        """Its print as (x0, x1, text index), left to right; the box (index -1) when the
        recogniser did not place its characters. Without the marks whose middle lies in
        ``band``: the recogniser sometimes reads a mark into white space ("、" in a
        gutter), and print in a white band is what a gutter rules out. With
        ``marks_at_middle``, a mark (not a letter or digit) is the middle of its cell: the
        recogniser gives 。，” a cell as wide as an ideograph's, the print is a dot or a
        hook at one side of it (a right column's line opening with ” was placed half an em
        into the gutter)."""
        text = self.ln.text
        out = [
            (a, b, k)
            for k, (a, b) in self.xs.items()
            if band is None or text[k].isalnum() or not band.inside((a, b))
        ]
        if not out:
            qx = [p[0] + self.shift for p in self.ln.quad]
            return [(min(qx), max(qx), -1)]
        if marks_at_middle:
            out = [
                (a, b, k) if text[k].isalnum() else ((a + b) / 2, (a + b) / 2, k) for a, b, k in out
            ]
        return out

    def gaps(
        self, band: Band | None = None, marks_at_middle: bool = False
    ) -> list[tuple[float, float, int, int]]:
        """White between neighbouring print: (from, to, text index before, after);
        ``marks_at_middle`` as in :meth:`print_`."""
        ink = self.print_(band, marks_at_middle)
        return [(a[1], b[0], a[2], b[2]) for a, b in itertools.pairwise(ink)]


def print_lines(page: OcrPage) -> list[PrintLine]:
    """The page's lines, their x turned back by the page's skew (as :mod:`.glyphs` does)."""
    from huikan.ingest.ocr.glyphs import skew

    sin = math.sin(skew(page))
    cy = page.height / 2
    out = []
    for i, ln in enumerate(page.lines):
        ys = [p[1] for p in ln.quad]
        top, bottom = min(ys), max(ys)
        shift = ((top + bottom) / 2 - cy) * sin
        xs: dict[int, tuple[float, float]] = {}
        if ln.chars and len(ln.chars) == len(ln.text):
            for k, ch in enumerate(ln.text):
                if not ch.isspace():
                    xs[k] = (ln.chars[k][0] + shift, ln.chars[k][1] + shift)
        out.append(PrintLine(i, ln, shift, xs, top, bottom))
    return out


def ideograph_widths(line: PrintLine) -> list[float]:
    """The widths of the ideographs of a line, as the recogniser placed them."""
    text = line.ln.text
    return [b - a for k, (a, b) in line.xs.items() if is_wide(text[k]) and text[k].isalpha()]


def body_em(lines: list[PrintLine]) -> float:
    """The body em in pixels: the median width of the page's ideographs (0: too few)."""
    widths = [w for line in lines for w in ideograph_widths(line)]
    return statistics.median(widths) if len(widths) >= 20 else 0.0


def gap_bands(lines: list[PrintLine], em: float, width: int) -> list[tuple[float, float]]:
    """Candidate gutters: where the wide gaps of :data:`SUPPORT` or more lines overlap; each
    the common part of the gaps over the most-shared column of pixels."""
    gaps = [(a, b) for line in lines for a, b, *_ in line.gaps() if b - a >= GAP * em]
    return _common(gaps, width)


def _common(gaps: list[tuple[float, float]], width: int) -> list[tuple[float, float]]:
    """Where :data:`SUPPORT` or more of ``gaps`` overlap: each the common part of the gaps
    over the most-shared column of pixels."""
    if len(gaps) < SUPPORT:
        return []
    votes = np.zeros(width + 2, dtype=np.int32)
    for a, b in gaps:
        votes[max(0, math.ceil(a)) : max(0, min(width + 1, math.floor(b)) + 1)] += 1
    out = []
    x = 0
    while x < len(votes):
        if votes[x] < SUPPORT:
            x += 1
            continue
        end = x
        while end < len(votes) and votes[end] >= SUPPORT:
            end += 1
        peak = x + int(np.argmax(votes[x:end]))
        held = [(a, b) for a, b in gaps if a <= peak <= b]
        out.append((max(a for a, _ in held), min(b for _, b in held)))
        x = end
    return out


def row_bands(lines: list[PrintLine], em: float, width: int) -> list[tuple[float, float]]:
    """Gutters the page's columns show between their own boxes: where the white between
    the neighbouring lines of :data:`SUPPORT` or more rows overlaps, :data:`GAP` em wide or
    more (each the common part over the most-shared column of pixels). A single line boxed
    over both columns has no company of wide gaps to make a band of its own
    (:func:`gap_bands`); here the rows around it show where it is to be cut."""
    ink = {line.i: line.print_() for line in lines}
    gaps = []
    for a in lines:
        right = [
            b
            for b in lines
            if b is not a
            and min(a.bottom, b.bottom) - max(a.top, b.top)
            >= 0.5 * min(a.bottom - a.top, b.bottom - b.top)
            and ink[b.i][0][0] >= ink[a.i][-1][1]
        ]
        if right:
            b = min(right, key=lambda b: ink[b.i][0][0])
            if ink[b.i][0][0] - ink[a.i][-1][1] >= GAP * em:
                gaps.append((ink[a.i][-1][1], ink[b.i][0][0]))
    return [(g0, g1) for g0, g1 in _common(gaps, width) if g1 - g0 >= GAP * em]


@dataclass
class Band:
    """A candidate gutter: white from g0 to g1 (straightened pixels); print may reach
    ``slack`` into it."""

    g0: float
    g1: float
    slack: float

    def held(self, line: PrintLine) -> tuple[float, float, int, int] | None:
        """The gap of a line that holds the band (a line of a left column ending in 。 holds
        it from the middle of the 。's cell)."""
        g0, g1 = self.g0 + self.slack, self.g1 - self.slack
        gaps = line.gaps(self, marks_at_middle=True)
        return next((g for g in gaps if g[0] <= g0 and g[1] >= g1), None)

    def side(self, line: PrintLine) -> str:
        """Where a line's print lies: left or right of the band, inside it (a speck read
        as print), across it with a gap that holds it (cut), or over it (cross)."""
        ink = line.print_(self, marks_at_middle=True)  # a mark at an end: its cell's middle
        x0, x1 = ink[0][0], ink[-1][1]
        if x1 <= self.g0 + self.slack:
            return "inside" if x0 >= self.g0 - self.slack else "left"
        if x0 >= self.g1 - self.slack:
            return "inside" if x1 <= self.g1 + self.slack else "right"
        return "cut" if self.held(line) else "cross"

    def keeps_end(self, x: float, em: float) -> bool:
        """A left-column line ending at ``x`` keeps to the band (the column's justified edge,
        within :data:`EDGE` em)."""
        return self.g0 - EDGE * em <= x <= self.g0 + self.slack

    def keeps_start(self, x: float, em: float) -> bool:
        """A right-column line starting at ``x`` keeps to the band."""
        return self.g1 - self.slack <= x <= self.g1 + EDGE * em

    def inside(self, x: tuple[float, float]) -> bool:
        """Whether a character's middle lies in the band."""
        return self.g0 < (x[0] + x[1]) / 2 < self.g1
