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
import statistics
from dataclasses import dataclass

from huikan.ingest.ocr.engine import OcrPage
from huikan.ingest.ocr.lexicon import correct
from huikan.ingest.ocr.normalize import normalize_line
from huikan.ingest.pdf_chars import Char
from huikan.ingest.pdf_layout import is_wide

NARROW = 0.55  # width of a Latin letter or digit, in em
SPACE = 0.3
# Two texts over the same print this alike (difflib's ratio) are two readings of one line
ALIKE = 0.8
INSIDE = 0.8  # of a box's area inside a larger box: a second reading of its print


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
        text = normalize_line(correct(ln.text, ln.alts, ln.gaps).strip())
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
    enough, on one row texts that alike are one print.

    A box lying almost wholly (:data:`INSIDE` of its area) inside a larger box is a second
    reading whatever its text: right of a title marker the recogniser cannot read, the
    engine's second look ran through a large title's own print and read it again, worse
    ("内仅泰和大健康飞" inside "两仪泰和大健康产"), and the layout joined it into the title.
    Two lines of a page never share their print so."""
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

    def inside(b: OcrBox, o: OcrBox) -> bool:
        area = (b.x1 - b.x0) * b.height
        if area <= 0 or (o.x1 - o.x0) * o.height <= area:
            return False
        w = min(b.x1, o.x1) - max(b.x0, o.x0)
        h = min(b.bottom, o.bottom) - max(b.top, o.top)
        return w > 0 and h > 0 and w * h >= INSIDE * area

    return [
        b
        for b in first
        if not any(
            o is not b
            and (
                (keys[id(b)] in keys[id(o)] and len(o.text) > len(b.text) and within(b, o))
                or inside(b, o)
            )
            for o in first
        )
    ]


def _alike(a: str, b: str) -> bool:
    """Two readings of one line: equal, or equal but for a character or two in ten."""
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


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
