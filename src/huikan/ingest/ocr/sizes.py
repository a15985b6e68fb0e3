"""The glyph size of each OCR line, from its ink, its spacing and the page's other lines.

:func:`huikan.ingest.ocr.glyphs.page_boxes` gives each line's measures (character spacing,
ink height of its ideographs, box); :func:`assign_sizes` turns them into one size a line, as
the module doc of :mod:`huikan.ingest.ocr.glyphs` describes: the ink height scaled like the
document's own long lines, short lines continuing the line above or their row, snapped to
the document's modes and, in a mixed PDF, to the sizes its text pages print.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from huikan.ingest.ocr.glyphs import OcrBox, ink_cells, wide_count

SNAP = 0.08  # sizes within 8% of a mode are that mode (headings differ by 12%+)
# A line of fewer CJK characters than this may be letter-spaced (目  录, 编 者 按); longer
# lines are set solid, and their measured em stands even where the box looks small: the
# detector's box is relatively lower for large type (a 17 pt title's box is 0.9 of its
# size, body text's 1.2), so a cap by height would shrink every title.
SHORT = 6
SPACED = 1.5  # a short line's em may exceed its height-implied size by this much
FOLLOW = 0.2  # a short line within this of the size of the line above continues it
# A long line's spacing and ink height agreeing within this are averaged (each is off by a
# pixel's rounding in its own way); further apart, the median with the box height's size.
AGREE = 0.15
# A line whose spacing and box both say this much above the body size is display type (see
# _line_size); spacing alone may be thrown off by leader dots.
DISPLAY = 1.2


def _modes(values: list[tuple[float, int]]) -> list[float]:
    """Sizes that many glyphs share, most used first: the histogram's peak, everything within
    :data:`SNAP` of it taken out, and again."""
    rest = list(values)
    modes: list[float] = []
    while rest:
        hist: Counter[float] = Counter()
        for v, n in rest:
            hist[round(v * 4) / 4] += n
        peak = max(hist, key=hist.__getitem__)
        near = [(v, n) for v, n in rest if abs(v - peak) <= SNAP * peak]
        weights = sorted(v for v, n in near for _ in range(n))
        modes.append(weights[len(weights) // 2])
        rest = [(v, n) for v, n in rest if abs(v - peak) > SNAP * peak]
    return modes


def _snap(size: float, modes: list[float]) -> float:
    best = min(modes, key=lambda m: abs(m - size), default=size)
    return best if abs(best - size) <= SNAP * best else size


def _measurable(b: OcrBox) -> bool:
    """Whether a line has anything to measure its size by: two ideographs whose ink was
    measured, or a spacing. A lone ideograph and a page number ("坛7", the wrapped end of a
    TOC entry) has neither: its width over its cells was off by 60 %."""
    return bool(b.pitch or b.glyph)


def stacked(a: OcrBox, b: OcrBox) -> bool:
    """``b`` is the line right under ``a`` (its top within 0.8 of ``a``'s height below it),
    overlapping it across: the next line of one title or one paragraph."""
    return 0 <= b.top - a.bottom <= 0.8 * a.height and b.x0 < a.x1 and a.x0 < b.x1


def _follow_line_above(boxes: list[OcrBox]) -> None:
    """A short line right under a measured line of about the same size continues it: the
    second line of a wrapped title ("…座" / "谈会") is set in the title's size, not the few
    per cent off that its few characters suggest. "About the same size" compares sizes, not
    box heights (the detector draws the box of a two-character line relatively taller than
    that of a long line, by 20 % and more), and the short line's ink is scaled like the
    line above's, which is set in the same face: a title face fills its em differently
    from the body face that calibrated the page. A line with nothing to measure
    (:func:`_measurable`) continues the line above whatever its estimate. A line that
    starts left of the line above does not continue it (a wrapped line starts where its
    first did, or further in): a TOC's group label ("理论") outdented under an entry took
    the entry's weight and the TOC ended there."""
    measured = [b for b in boxes if b.pitch and wide_count(b.text) >= SHORT]
    for b in sorted(boxes, key=lambda b: (b.page, b.top)):
        if b.pitch and wide_count(b.text) >= SHORT:
            continue
        above = [
            a
            for a in measured
            if a.page == b.page
            and stacked(a, b)
            and b.x0 >= a.x0 - 0.5 * a.size  # a wrapped line never starts left of its first
            and (not _measurable(b) or abs(_as_above(b, _root(a)) - a.size) <= FOLLOW * a.size)
        ]
        if above:
            b.follows = max(above, key=lambda a: a.bottom)
            b.size = b.follows.size
            measured.append(b)  # a title wrapped over three short lines: the third follows


def _root(b: OcrBox) -> OcrBox:
    """The measured line a chain of short lines continues."""
    while b.follows is not None:
        b = b.follows
    return b


_PAGE_NUMBER = re.compile(r"^[.·…\s]*\d{1,3}$")


def _follow_row(boxes: list[OcrBox]) -> None:
    """A page number with nothing to measure (:func:`_measurable`: a lone "1") on the
    row of a measured line takes that line's size: a TOC entry's page number is set like
    the entry. Its own estimate, its width over its cells, is off by half for a narrow digit
    ("1" came out 20 % above the body, and the whole TOC line with it read as a group
    heading). The nearest such line on the row, either side."""
    for b in boxes:
        if _measurable(b) or b.follows is not None or not _PAGE_NUMBER.match(b.text):
            continue  # a stray letter ("L", a speck read as print) keeps its own estimate
        row = [
            a
            for a in boxes
            if a is not b
            and a.page == b.page
            and _measurable(a)
            and min(a.bottom, b.bottom) - max(a.top, b.top) >= 0.5 * min(a.height, b.height)
        ]
        if row:
            near = min(row, key=lambda a: max(a.x0 - b.x1, b.x0 - a.x1))
            b.size = near.size


def _as_above(b: OcrBox, a: OcrBox) -> float:
    """``b``'s size if set in the face of ``a``: its ink height at ``a``'s ratio of spacing
    to ink height (its own estimate where either ink is unmeasured)."""
    if a.glyph and b.glyph:
        return b.glyph * a.pitch / a.glyph
    return b.size


def _ink_scale(boxes: list[OcrBox]) -> float:
    """Size per point of ink height in this document, calibrated like a text PDF's glyph
    box relates to its font size: the median ratio of character spacing to ink height over
    its long lines (0 when it has none). Justified lines stretch the spacing by a few per
    cent; the scale then follows for every line alike, so relative sizes hold."""
    r = [b.pitch / b.glyph for b in boxes if b.pitch and b.glyph and wide_count(b.text) >= SHORT]
    return statistics.median(r) if r else 0.0


def _line_size(b: OcrBox, ratio: float, scale: float, body: float) -> float:
    """One line's size before snapping. The ink height of its ideographs (times ``scale``,
    the body face's) where measured: it ignores justification, letter spacing and the
    detector's padding, so it decides short lines, which may be letter-spaced (目  录) or too
    short to have a spacing; on long lines near the body size (``body``: their median
    spacing) it is averaged with the spacing (each rounds a pixel its own way). Display
    type is often another face (楷体, 黑体 titles) whose ink fills its em differently: a long
    line whose spacing and box are both well above the body size keeps its spacing.
    Without ink: the spacing, else the width over the cells (as tight as type set without
    spacing), short lines capped by their box height."""
    size = b.pitch or (b.x1 - b.x0) / max(0.5, ink_cells(b.text))
    short = wide_count(b.text) < SHORT
    if short:
        size = min(size, SPACED * ratio * b.height)
    if scale and b.glyph:
        by_ink = scale * b.glyph
        if not b.pitch or short:
            return by_ink
        if body and min(b.pitch, ratio * b.height) >= DISPLAY * body:
            return b.pitch
        if abs(b.pitch - by_ink) <= AGREE * by_ink:
            return (b.pitch + by_ink) / 2
        # far apart: leader dots threw the recogniser's placing of characters off, or a
        # rule under a title reached into the glyphs' columns; the box height decides
        return statistics.median([b.pitch, by_ink, ratio * b.height])
    return size


def assign_sizes(boxes: list[OcrBox], text_sizes: list[tuple[float, int]]) -> None:
    """Give every box a glyph size (see the module doc); ``text_sizes`` are (size, glyphs)
    of the text pages of a mixed PDF, which OCR sizes snap to first."""
    ratios = [b.pitch / b.height for b in boxes if b.height > 0 and b.pitch and len(b.text) >= 6]
    ratio = statistics.median(ratios) if ratios else 0.8
    scale = _ink_scale(boxes)
    pitches = [b.pitch for b in boxes if b.pitch and wide_count(b.text) >= SHORT]
    body = statistics.median(pitches) if pitches else 0.0
    for b in boxes:
        b.size = _line_size(b, ratio, scale, body)
    _follow_line_above(boxes)
    _follow_row(boxes)
    own = _modes([(b.size, len(b.text)) for b in boxes if b.size > 0])
    printed = _modes(text_sizes) if text_sizes else []
    for b in boxes:
        s = _snap(b.size, own)
        b.size = round(_snap(s, printed) * 2) / 2 if printed else round(s * 4) / 4
