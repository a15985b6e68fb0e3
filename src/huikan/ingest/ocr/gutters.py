"""Column gutters the text detector boxed over: one OCR line across two columns, cut in two.

Where two columns stand close (a gutter of about one em), the detector may draw one box
over a line of each column ("…化学合成自动化、" and "术，对眼象进行…" came out as one line), and
the glyphs spread over that box filled the gutter: the layout pipeline found no columns and
read the page across, line by line. The recogniser places each character it reads
(:attr:`~.engine.OcrLine.chars`), so the white between the columns is still there, inside
those lines, and this module finds it and cuts the lines there, from the cached reading
(no second recognition).

A gutter is a vertical white band that lines on both sides keep to:
  - a candidate is where the wide gaps (:data:`GAP` em or more between two neighbouring
    characters; text set solid leaves half an em at most, beside punctuation) of at least
    :data:`SUPPORT` lines of a page overlap, the page straightened first; or, for a line
    alone in being boxed over both columns, where the white between the neighbouring boxes
    of :data:`SUPPORT` rows overlaps (the columns' own gutter): such a band only cuts;
  - lines whose print crosses the band (a title over both columns, a passage set across
    the page) cut the page into stretches, and a stretch is a two-column stretch only if
    at least :data:`SUPPORT` of its lines end at the band's left edge and as many start at
    its right edge (within :data:`EDGE` em: the justified edges of two columns), and both
    sides are text columns (:data:`COLUMN` em wide, as the layout pipeline's own gutter rule
    asks), not a page number beside its TOC entry;
  - in such a stretch a line is cut where a gap of its holds the band, unless it is
    letter-spaced (its usual gap is not clearly narrower: "本 期 要 目" and "目  录" keep
    their spacing), too short to tell (:data:`MIN_CHARS`), or display type (characters
    wider than the body's: a title with a word space over the gutter stays whole).
A piece that only re-reads print another line already holds (the detector's box reached
over the last character of the left column, and its edge was read as "刀") is dropped. The
other lines of the stretch end their boxes at their print on the gutter's side: the
detector pads a box by a few pixels, which in a gutter of one em left less white between
the columns' boxes than the layout pipeline asks of a gutter (0.8 em).
"""

from __future__ import annotations

import itertools
import statistics

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.ocr.gutter_band import (
    SLACK,
    SUPPORT,
    Band,
    PrintLine,
    body_em,
    gap_bands,
    ideograph_widths,
    print_lines,
    row_bands,
)

COLUMN = 8.0  # em: a text column holds at least 8 characters a line (as pdf_columns)
# The gap at the band is this many times the line's usual gap (the median of the others):
# letter-spaced type has all its gaps wide, solid type a few beside punctuation and digits.
SPACED = 2.0
MIN_CHARS = 4  # characters a line needs before it is cut
DISPLAY = 1.3  # ideographs this many times the body's width are display type
# em: a box reaching this far past the first or last character the recogniser placed in it
# overhangs (the detector pads a box by a few pixels, a fraction of an em)
OVERHANG = 1.0


def _stretches(lines: list[PrintLine], sides: dict[int, str]) -> list[list[PrintLine]]:
    """The lines top to bottom in runs between lines that cross the band (two characters
    or more: a lone mark does not interrupt a column)."""
    out: list[list[PrintLine]] = [[]]
    for line in sorted(lines, key=lambda ln: (ln.top + ln.bottom) / 2):
        if sides[line.i] != "cross" or len(line.xs) < 2:
            out[-1].append(line)
        else:
            out.append([])
    return [s for s in out if s]


def _two_columns(
    stretch: list[PrintLine], sides: dict[int, str], band: Band, em: float, support: int = SUPPORT
) -> bool:
    """Whether ``support`` lines on each side of the band keep to it, and both sides are
    columns."""
    ends = starts = 0
    lo, hi = band.g0, band.g1
    for line in stretch:
        side = sides[line.i]
        if side in ("inside", "cross"):
            continue
        gap = band.held(line) if side == "cut" else None
        ink = line.print_(band)
        if side != "right":
            ends += band.keeps_end(gap[0] if gap else ink[-1][1], em)
            lo = min(lo, ink[0][0])
        if side != "left":
            starts += band.keeps_start(gap[1] if gap else ink[0][0], em)
            hi = max(hi, ink[-1][1])
    wide = band.g0 - lo >= COLUMN * em and hi - band.g1 >= COLUMN * em
    return ends >= support and starts >= support and wide


def _at(quad: list[list[float]], x: float) -> tuple[list[float], list[float]]:
    """The points at image column ``x`` on the top and bottom edges of a line's quad."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    t = (x - x0) / (x1 - x0) if x1 != x0 else 0.0
    u = (x - x3) / (x2 - x3) if x2 != x3 else 0.0
    return [x, y0 + t * (y1 - y0)], [x, y3 + u * (y2 - y3)]


def _piece(ln: OcrLine, idx: list[int], x0: float, x1: float) -> OcrLine:
    """The characters ``idx`` of ``ln`` (with the spaces between them) in a box from image
    column x0 to x1, with the doubts (:attr:`~.engine.OcrLine.alts`, ``gaps``) about them."""
    picked = [k for k in range(idx[0], idx[-1] + 1) if k in idx or ln.text[k].isspace()]
    top_l, bot_l = _at(ln.quad, x0)
    top_r, bot_r = _at(ln.quad, x1)
    text = "".join(ln.text[k] for k in picked)
    at = {k: j for j, k in enumerate(picked)}
    alts = [(at[k], c) for k, c in ln.alts if k in at]
    # a place between two characters stays only when both are in the piece
    gaps = [(at[k], c) for k, c in ln.gaps if k in at and k - 1 in at]
    quad = [top_l, top_r, bot_r, bot_l]
    return OcrLine(text, ln.score, quad, [ln.chars[k] for k in picked], alts, gaps)


def _column_edges(
    lines: list[PrintLine], sides: dict[int, str], band: Band, em: float
) -> tuple[float, float]:
    """Where the columns end and start at the band, as the page's whole lines show it
    (straightened pixels): the median print end of the left lines that keep to the band
    and the median print start of such right lines (the band's edges without them). Over
    the page, not a stretch: a short stretch under a title may hold no whole line."""
    ends, starts = [], []
    for line in lines:
        side = sides[line.i]
        ink = line.print_(band)
        if side == "left" and band.keeps_end(ink[-1][1], em):
            ends.append(ink[-1][1])
        elif side == "right" and band.keeps_start(ink[0][0], em):
            starts.append(ink[0][0])
    end = statistics.median(ends) if ends else band.g0
    start = statistics.median(starts) if starts else band.g1
    return end, start


def _end_at(line: PrintLine, last: tuple[float, float], edges: tuple[float, float]) -> float:
    """Where a left-column piece ending in character ``last`` ends (image columns): at the
    character's end, but no further into the gutter than the column (``edges``, straightened
    pixels), and never before the character starts."""
    return min(last[1], max(edges[0] - line.shift, last[0]))


def _start_at(line: PrintLine, first: tuple[float, float], edges: tuple[float, float]) -> float:
    """Where a right-column piece starting with character ``first`` starts (as :func:`_end_at`)."""
    return max(first[0], min(edges[1] - line.shift, first[1]))


def _cut(line: PrintLine, band: Band, edges: tuple[float, float]) -> list[OcrLine] | None:
    """The line cut at the gap that holds the band (marks read into the band dropped), or
    None when it must stay whole.

    The pieces end at the gutter no further into it than their columns do (``edges``,
    :func:`_column_edges`): the recogniser places characters to a few pixels, and a
    closing quote opening the right column was placed a third of the gutter to the left of
    it; in a gutter of about an em the two pieces' glyphs then stood closer than the layout
    pipeline's gap between runs (0.8 em) and were joined again into one run across both
    columns."""
    if len(line.xs) < MIN_CHARS:
        return None
    at = band.held(line)
    if at is None:
        return None
    usual = statistics.median([g[1] - g[0] for g in line.gaps(band) if g[2:] != at[2:]] or [0.0])
    if at[1] - at[0] < SPACED * max(0.0, usual):
        return None  # letter-spaced: the band only falls into one of its even gaps
    left = [k for *_, k in line.print_(band) if k <= at[2]]
    right = [k for *_, k in line.print_(band) if k >= at[3]]
    ln = line.ln
    qx = [p[0] for p in ln.quad]
    return [
        _piece(ln, left, min(qx), _end_at(line, ln.chars[left[-1]], edges)),
        _piece(ln, right, _start_at(line, ln.chars[right[0]], edges), max(qx)),
    ]


APART = 1.5  # line pitches: a line this far from the lines above and below stands apart


def _pitch(lines: list[PrintLine], sides: dict[int, str]) -> float:
    """The page's line pitch in pixels: the median step from a column line to the next
    one on its side (0: too few)."""
    steps = []
    for side in ("left", "right"):
        col = sorted((ln for ln in lines if sides[ln.i] == side), key=lambda ln: ln.top)
        for a, b in itertools.pairwise(col):
            h = max(a.bottom - a.top, b.bottom - b.top)
            if 0 < b.top - a.top <= 3 * h:
                steps.append(b.top - a.top)
    return statistics.median(steps) if len(steps) >= SUPPORT else 0.0


def _apart(line: PrintLine, lines: list[PrintLine], pitch: float) -> bool:
    """Whether the line stands apart from the lines above and below it (each at least
    :data:`APART` pitches away, top to top): a passage set across the page between two
    paragraphs (a title) is; two column lines boxed as one keep the columns' rhythm on one
    side at least. A line with nothing above or below does not count as apart."""
    if not pitch:
        return False
    above = [line.top - o.top for o in lines if o is not line and o.top < line.top - 1]
    below = [o.top - line.top for o in lines if o is not line and o.top > line.top + 1]
    return bool(above and below) and min(above) >= APART * pitch and min(below) >= APART * pitch


def _display(line: PrintLine, em: float) -> bool:
    """Display type: ideographs :data:`DISPLAY` times the body's width or more. Not the box
    height, which a line boxed over two columns whose rows stand apart doubles."""
    widths = ideograph_widths(line)
    return bool(widths) and statistics.median(widths) >= DISPLAY * em


def _trim(line: PrintLine, side: str, band: Band, edges: tuple[float, float]) -> OcrLine | None:
    """The line with its box ending at its print on the band's side, and no further into
    the gutter than its column (``edges``, as :func:`_cut`), marks read into the band
    dropped (None: nothing to change)."""
    ln = line.ln
    idx = [k for *_, k in line.print_(band) if k >= 0]
    if not idx:
        return None
    qx = [p[0] for p in ln.quad]
    x0, x1 = min(qx), max(qx)
    if side == "left":
        right = _end_at(line, ln.chars[idx[-1]], edges)
        if x1 > right or len(idx) < len(line.xs):
            return _piece(ln, idx, x0, right)
    if side == "right":
        left = _start_at(line, ln.chars[idx[0]], edges)
        if x0 < left or len(idx) < len(line.xs):
            return _piece(ln, idx, left, x1)
    return None


def _between(line: PrintLine, stretch: list[PrintLine], sides: dict[int, str]) -> bool:
    """Whether lines of both columns stand on the row of ``line``."""

    def beside(where: tuple[str, str]) -> bool:
        return any(
            sides[o.i] in where and min(o.bottom, line.bottom) > max(o.top, line.top)
            for o in stretch
        )

    return beside(("left", "cut")) and beside(("right", "cut"))


def _reread(piece: OcrLine, whole: PrintLine, lines: list[PrintLine]) -> bool:
    """A short piece lying over the print of another line on its row: the detector's box
    reached over that line's end, and the recogniser read its edge as a character."""
    if sum(1 for ch in piece.text if not ch.isspace()) > 2:
        return False
    a = min(c[0] for c in piece.chars) + whole.shift
    b = max(c[1] for c in piece.chars) + whole.shift
    for o in lines:
        if o is whole:
            continue
        over = min(o.bottom, whole.bottom) - max(o.top, whole.top)
        ink = o.print_()
        row = over >= 0.5 * min(o.bottom - o.top, whole.bottom - whole.top)
        if row and min(b, ink[-1][1]) - max(a, ink[0][0]) >= 0.5 * (b - a):
            return True
    return False


def split_gutters(page: OcrPage, rounds: int = 3) -> OcrPage:
    """The page with lines that run across a column gutter cut in two (see the module doc);
    pieces keep their line's pixel measures (ink share, glyph height, fill). The page
    itself when it has no such gutter. Again on the result (up to ``rounds`` times), for a
    line boxed over three columns."""
    lines = print_lines(page)
    em = body_em(lines)
    if rounds <= 0 or not em:
        return page
    replace: dict[int, list[OcrLine]] = {}
    bands = [(g0, g1, False) for g0, g1 in gap_bands(lines, em, page.width)]
    bands += [
        (g0, g1, True)
        for g0, g1 in row_bands(lines, em, page.width)
        if not any(min(g1, b1) > max(g0, b0) for b0, b1, _ in bands)
    ]
    for g0, g1, cut_only in bands:
        band = Band(g0, g1, SLACK * em)
        sides = {line.i: band.side(line) for line in lines}
        edges = _column_edges(lines, sides, band, em)
        pitch = _pitch(lines, sides)
        stretches = _stretches(lines, sides)
        proven = [_two_columns(stretch, sides, band, em) for stretch in stretches]
        for stretch, ok in zip(stretches, proven, strict=True):
            # A short stretch (the end of an article: three rows, one a centred credit) has
            # too few lines to prove a gutter; one that a longer stretch of the page proved
            # needs only a line on each side keeping to it.
            if not ok and not (any(proven) and _two_columns(stretch, sides, band, em, 1)):
                continue
            for line in stretch:
                side = sides[line.i]
                if line.i in replace or (cut_only and side != "cut"):
                    continue
                if side in ("inside", "cross"):  # a mark at most (see _stretches)
                    if _between(line, stretch, sides):
                        replace[line.i] = []  # a speck read as print, in the white band
                    elif side == "inside" and line.xs:
                        # a mark alone on its row at the band's edge (a closing quote
                        # wrapped to a line of its own): it belongs to the column on its
                        # side, and its box ends where that column does
                        ink = line.print_(band)
                        mid = (ink[0][0] + ink[-1][1]) / 2
                        near = "right" if mid >= (band.g0 + band.g1) / 2 else "left"
                        if new := _trim(line, near, band, edges):
                            replace[line.i] = [new]
                elif side == "cut" and not _display(line, em) and not _apart(line, lines, pitch):
                    if pieces := _cut(line, band, edges):
                        replace[line.i] = [p for p in pieces if not _reread(p, line, lines)]
                elif (
                    side in ("left", "right")
                    and line.xs
                    and (new := _trim(line, side, band, edges))
                ):
                    replace[line.i] = [new]
    if not replace:
        return page
    order = [i for i in range(len(page.lines)) for _ in replace.get(i, [None])]
    kept = [p for i, ln in enumerate(page.lines) for p in replace.get(i, [ln])]

    def per_line(values: list[float]) -> list[float]:
        return [values[i] for i in order] if len(values) == len(page.lines) else []

    out = OcrPage(
        page.number,
        page.width,
        page.height,
        kept,
        per_line(page.ink),
        per_line(page.glyph),
        per_line(page.fill),
    )
    return split_gutters(out, rounds - 1) if len(kept) > len(page.lines) else out


def trim_overhangs(page: OcrPage) -> OcrPage:
    """The page with boxes that reach :data:`OVERHANG` em or more past their print ended
    at their first and last character. The detector now and then draws a box well past
    the end of a line ("…颗粒之间、" boxed 1.5 em into the white beyond it): in a gutter
    of about an em that left less white between the columns' boxes than the layout
    pipeline asks of a gutter, and those rows were read across both columns. The page
    itself when no box overhangs."""
    lines = print_lines(page)
    em = body_em(lines)
    if not em:
        return page
    kept = list(page.lines)
    for line in lines:
        ln = line.ln
        idx = sorted(line.xs)
        if len(idx) < 2:
            continue
        qx = [p[0] for p in ln.quad]
        x0, x1 = min(qx), max(qx)
        a, b = ln.chars[idx[0]][0], ln.chars[idx[-1]][1]
        left, right = a - x0 >= OVERHANG * em, x1 - b >= OVERHANG * em
        if left or right:
            kept[line.i] = _piece(ln, idx, a if left else x0, b if right else x1)
    if kept == page.lines:
        return page
    return OcrPage(page.number, page.width, page.height, kept, page.ink, page.glyph, page.fill)
