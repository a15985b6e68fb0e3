"""What the pixels of a line say about its type: the height of its glyphs and their weight.

The recogniser's box is a poor ruler: the detector pads it by an amount that depends on the
line's length (a two-character line's box is relatively taller than a long line's) and on
the type size (a title's box is relatively lower than body text's), and the spacing of the
characters is stretched in justified lines. The ink of an ideograph is not: it fills about
the same share of its em in every line of a font, whatever the justification, the letter
spacing or the detector did. So for each ideograph the recogniser placed, the rows of dark
pixels in its column slice of the line's box give its ink height; their median is the
line's glyph height, which :mod:`.glyphs` turns into a size with a scale calibrated on the
document's own lines (like a text PDF's glyph box relates to its font size).

The same slices give the weight: the dark share inside each glyph's own ink box. Bold and
black faces fill more of it; unlike the dark share of the whole line box, it does not depend
on how much white the detector left around the line.
"""

from __future__ import annotations

import statistics

import numpy as np

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.pdf_layout import is_wide

DARK = 128  # grey level below which a pixel is print
MIN_GLYPHS = 2  # ideographs a line needs to be measured


def _edge(quad: list[list[float]], top: bool, x: float) -> float:
    """The y of the box's top (or bottom) edge at ``x``: a scan is turned slightly, so the
    box is a parallelogram and a long line's edge drifts by several pixels."""
    (ax, ay), (bx, by) = (quad[0], quad[1]) if top else (quad[3], quad[2])
    if bx == ax:
        return ay
    return ay + (by - ay) * (x - ax) / (bx - ax)


def _glyph(print_: np.ndarray, quad: list[list[float]], x0: float, x1: float):
    """(ink height, fill) of the glyph in the column slice [x0, x1) of a line's box
    (``print_``: the page's dark pixels)."""
    h, w = print_.shape
    mid = (x0 + x1) / 2
    top, bottom = _edge(quad, True, mid), _edge(quad, False, mid)
    y0, y1 = max(0, int(top)), min(h, int(bottom) + 1)
    c0, c1 = max(0, int(x0)), min(w, int(x1) + 1)
    if y1 - y0 < 4 or c1 - c0 < 2:
        return None
    dark = print_[y0:y1, c0:c1]
    rows = np.flatnonzero(dark.any(axis=1))
    cols = np.flatnonzero(dark.any(axis=0))
    if len(rows) < 2 or len(cols) < 2:
        return None
    box = dark[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return float(rows[-1] - rows[0] + 1), float(box.mean())


def line_metrics(
    grey: np.ndarray, line: OcrLine, print_: np.ndarray | None = None
) -> tuple[float, float]:
    """(glyph height in pixels, fill) of one line; (0, 0) when it has too few ideographs
    placed by the recogniser. The median over the ideographs: 一 and 口 are lower than
    most, a stray mark above a line makes one taller. ``print_`` (the page's dark pixels)
    saves thresholding the page again for every line."""
    if len(line.chars) != len(line.text):
        return 0.0, 0.0
    if print_ is None:
        print_ = grey < DARK
    heights, fills = [], []
    for ch, (a, b) in zip(line.text, line.chars, strict=True):
        if not (is_wide(ch) and ch.isalpha()):
            continue
        got = _glyph(print_, line.quad, a, b)
        if got:
            heights.append(got[0])
            fills.append(got[1])
    if len(heights) < MIN_GLYPHS:
        return 0.0, 0.0
    return statistics.median(heights), statistics.median(fills)


def measure(grey: np.ndarray, page: OcrPage) -> None:
    """Fill in ``page.glyph`` and ``page.fill`` (one value a line) from the page's pixels."""
    print_ = grey < DARK
    got = [line_metrics(grey, ln, print_) for ln in page.lines]
    page.glyph = [g for g, _ in got]
    page.fill = [f for _, f in got]
