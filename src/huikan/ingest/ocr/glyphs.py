"""OCR lines → glyphs in PDF points, so scanned pages go through the same layout pipeline.

The PDF reader's layout code (:mod:`huikan.ingest.pdf_layout`) reads typography from glyph
positions and sizes: line height as size, centring, columns, spacing, running heads and
page-number positions. OCR gives a box per line instead, so this module makes glyphs that
carry the same cues:
  - the page is deskewed (a scan is rarely straight: the median angle of long lines is
    turned back), so rows share a baseline and columns share a left edge;
  - the glyph size of a line comes from the ink height of its ideographs (measured in the
    pixels, :mod:`.metrics`), scaled by the ratio of spacing to ink height the document's
    own long lines show, the way a text PDF's glyph box relates to its font size: it holds
    in justified and letter-spaced lines and whatever padding the detector drew. On long
    lines it is averaged with the spacing of their CJK characters (their centres, over
    whole runs: :func:`pitch`); without ink, the spacing, else the width over the length
    in cells (CJK one em, Latin about half), short lines capped by the box height;
  - sizes are snapped to the document's modes (noise of a pixel or two must not look like
    a size change), and in a mixed PDF to the sizes the text pages use;
  - glyphs of lines printed with clearly more ink per area than body text get a heavy font
    (:mod:`.weight` decides which): bold and black heading faces are what a splitter sees
    as emphasis.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from huikan.ingest.ocr.engine import OcrPage
from huikan.ingest.ocr.lexicon import correct
from huikan.ingest.ocr.normalize import normalize_line
from huikan.ingest.pdf_chars import Char
from huikan.ingest.pdf_layout import is_wide

SNAP = 0.08  # sizes within 8% of a mode are that mode (headings differ by 12%+)
NARROW = 0.55  # width of a Latin letter or digit, in em
SPACE = 0.3
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
# Two texts over the same print this alike (difflib's ratio) are two readings of one line
ALIKE = 0.8


@dataclass
class OcrBox:
    """One OCR line on the page, deskewed, in PDF points (y grows downwards)."""

    text: str
    score: float
    x0: float
    x1: float
    top: float
    bottom: float
    ink: float
    pitch: float = 0.0  # em measured from the CJK character centres (0: not measurable)
    glyph: float = 0.0  # ink height of its ideographs (:mod:`.metrics`; 0: not measured)
    fill: float = 0.0  # dark share inside its glyphs' ink boxes (0: not measured)
    size: float = 0.0
    heavy: bool = False
    follows: OcrBox | None = None  # the measured line this short line continues
    page: int = 0  # the page it is printed on

    @property
    def height(self) -> float:
        return self.bottom - self.top


def cells(text: str) -> float:
    """Length of a line in em: CJK one, Latin half-ish, spaces a third."""
    return sum(SPACE if ch.isspace() else 1.0 if is_wide(ch) else NARROW for ch in text)


# Full-width punctuation prints on one side of its em cell, and the detector's box ends
# at the ink: a line ending in 。 is half a cell shorter than its cells, one opening with
# “ or （ too.
_INK_LEFT = frozenset("。，、；：！？”’）》」』】〕")
_INK_RIGHT = frozenset("“‘（《「『【〔")


def ink_cells(text: str) -> float:
    """Length of a line in em as its box measures it: :func:`cells`, less the empty half
    cell of punctuation at either end."""
    n = cells(text)
    if text[-1:] and text[-1] in _INK_LEFT:
        n -= 0.5
    if text[:1] and text[0] in _INK_RIGHT:
        n -= 0.5
    return n


def wide_count(text: str) -> int:
    return sum(1 for ch in text if is_wide(ch))


def _wide_share(text: str) -> float:
    vis = [ch for ch in text if not ch.isspace()]
    return sum(1 for ch in vis if is_wide(ch)) / len(vis) if vis else 0.0


def ink_centred(ch: str) -> bool:
    """A CJK ideograph or kana: its ink is centred in its em cell. Not punctuation: the
    recogniser places 。，、” at their ink, a third of an em off the cell's centre, which
    at the end of a run made its span, and the em of a short line, 3-5 % small."""
    return is_wide(ch) and ch.isalpha()


def pitch(text: str, chars: list[tuple[float, float]]) -> float:
    """The em of a line from the centres of its CJK characters (pixels), or 0.

    Centres, because the detector pads a line's box by a fraction of its height at both
    ends; runs of neighbouring CJK ideographs only (:func:`ink_centred`), because Latin
    letters and digits have no fixed width (a line mixing them is still measured on its
    Chinese). Each run gives its
    span (first centre to last) and its number of steps; the em is the spans' sum over the
    steps' sum. The recogniser places characters on a coarse grid (a step of its feature
    map, a few pixels), so one step is off by up to a grid cell, but a span of twenty steps
    only by a twentieth of one: sizes come out within 2-3 %, where the median single step
    scattered by 5-10 % and split one body size into two. Fewer than three steps: 0 (the
    box decides)."""
    if len(chars) != len(text):
        return 0.0
    span = 0.0
    steps = 0
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and ink_centred(text[j]):
            j += 1
        if j - i >= 2:
            span += (chars[j - 1][0] + chars[j - 1][1] - chars[i][0] - chars[i][1]) / 2
            steps += j - 1 - i
        i = j + 1
    return span / steps if steps >= 3 else 0.0


def skew(page: OcrPage) -> float:
    """The page's tilt in radians: the median slope of the top edges of long lines."""
    angles = []
    for ln in page.lines:
        (x0, y0), (x1, y1) = ln.quad[0], ln.quad[1]
        if x1 - x0 > 8 * abs(ln.quad[3][1] - y0) and len(ln.text) >= 8:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def page_boxes(page: OcrPage, pt_per_px: float) -> list[OcrBox]:
    """The page's lines as deskewed, normalised boxes in points."""
    a = skew(page)
    cos, sin = math.cos(-a), math.sin(-a)
    cx, cy = page.width / 2, page.height / 2
    out = []
    for i, ln in enumerate(page.lines):
        text = normalize_line(correct(ln.text, ln.alts).strip())
        if not text:
            continue
        em = pitch(ln.text, ln.chars) * pt_per_px  # on the text as read: chars match it
        xs, ys = [], []
        for x, y in ln.quad:
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * cos - dy * sin)
            ys.append(cy + dx * sin + dy * cos)
        ink = page.ink[i] if i < len(page.ink) else 0.0
        glyph = page.glyph[i] * pt_per_px if i < len(page.glyph) else 0.0
        fill = page.fill[i] if i < len(page.fill) else 0.0
        out.append(
            OcrBox(
                text,
                ln.score,
                min(xs) * pt_per_px,
                max(xs) * pt_per_px,
                min(ys) * pt_per_px,
                max(ys) * pt_per_px,
                ink,
                em,
                glyph,
                fill,
                page=page.number,
            )
        )
    return _drop_rereads(out)


def _drop_rereads(boxes: list[OcrBox]) -> list[OcrBox]:
    """Boxes without a second reading of the same print. The engine reads the strip right
    of a line again for what the detector skipped (a TOC page number), and where another
    box already covered that strip ("徐州…共同体" / "...13" / "13") the number came twice
    and the entry's page read 1313. A box lying within another on its row, whose text the
    other already has, is that second reading. So is a box over the same print as an
    earlier box whose text is all but the same ("价为37.3万美元，…" twice, one box inside
    the other by a few pixels; "…一旦蔓延到…" read again as "…一旦曼延到…！"): the first
    reading stays.

    A box gives way only to a box that stays: the first reading of "…奠定了坚实" lay within
    its second reading "…奠定了坚实实", and the second was all but the first; each dropped
    the other and the line was lost. So the second readings go first, then what lies
    within a box that is left. A second reading may cover only part of the first ("根本动力力"
    inside "根本动力。", its box short of the 。): one box lying mostly within the other is
    enough, on one row texts that alike are one print."""
    keys = {id(b): "".join(b.text.split()) for b in boxes}

    def within(b: OcrBox, o: OcrBox) -> bool:
        return (
            min(b.x1, o.x1) - max(b.x0, o.x0) >= 0.8 * (b.x1 - b.x0)
            and min(b.bottom, o.bottom) - max(b.top, o.top) >= 0.5 * b.height
        )

    first: list[OcrBox] = []
    for b in boxes:
        if not any(
            (within(b, o) or within(o, b)) and _alike(keys[id(b)], keys[id(o)]) for o in first
        ):
            first.append(b)
    return [
        b
        for b in first
        if not any(
            o is not b and keys[id(b)] in keys[id(o)] and len(o.text) > len(b.text) and within(b, o)
            for o in first
        )
    ]


def _alike(a: str, b: str) -> bool:
    """Two readings of one line: equal, or equal but for a character or two in ten."""
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


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


def glyphs(box: OcrBox, regular: int, heavy: int) -> list[Char]:
    """The box's text as glyphs spread over its width by cell length, on a common baseline."""
    size = box.size
    base = (box.top + box.bottom) / 2 + 0.3 * size  # ASCENT 0.8, DESCENT 0.2 about the middle
    n = cells(box.text)
    step = (box.x1 - box.x0) / n if n else 0.0
    fid = heavy if box.heavy else regular
    out: list[Char] = []
    x = box.x0
    for ch in box.text:
        w = step * (SPACE if ch.isspace() else 1.0 if is_wide(ch) else NARROW)
        out.append((x, x + w, base, size, ch, fid, False))
        x += w
    return out
