"""Title markers the recogniser has no character for.

A scanned title marker (★, ◆, ■ …) is a glyph the recogniser's alphabet may lack; it reads
the nearest shape it knows, differently each time ("7", "7D", "D"), boxed on its own before
the title, and the layout joined it to the title: "7D两仪泰和大健康产业…". Such a box is
one or two Latin letters or digits, set at most :data:`SMALL` of the height of the line it
stands before on its row, right before that line's print (less than the line's height of
white between, overlapping it by less than its own width; a page number after lost leaders
stands far from the next column's line). It is read as the marker :data:`MARK`, which the
splitter strips from the title and counts as this bulletin's title marker
(:mod:`..decor`). A number heading a line ("1 总体要求") is set at the line's own height.

Or the marker is boxed with its title and read as its first character, with doubt: "?" at
0.3, then "●", "+" ("?中国科学院院士…"). A line's first character that the recogniser
hesitated over (it has runners-up, :func:`~.engine.runners`) between symbols only, one of
them a symbol proper (Unicode category S: ● ▼ + √) or a marker (:data:`..decor.MARKERS`),
before a Chinese character or an opening quote, is read as :data:`MARK` too. Letters,
digits, opening brackets and quotes and dashes begin real lines and are never among its
candidates; a comma, full stop or question mark that a layout without line breaking rules
put at a line's start has only punctuation among them; and a first character read as a
marker already stays as read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from huikan.ingest.decor import MARKERS
from huikan.ingest.ocr.engine import OcrLine, OcrPage

SMALL = 0.6  # of the title's box height, at most, for a box read as its marker
MARK = "◆"
_LATIN = re.compile(r"[A-Za-z0-9]{1,2}")
# what begins lines: words (letters, digits, CJK), opening brackets and quotes, dashes,
# ellipses, a note's asterisk
_BEGINS_LINES = re.compile(r"[\w“‘「『《〈（(【〔\[—–\-…*＊]")
_AFTER_MARK = re.compile(r"[\u4e00-\u9fff“‘「《（【]")


def _marks(i: int, boxes: list[tuple[float, float, float, float]], lines: list[OcrLine]) -> bool:
    """Is line ``i`` a small Latin box standing before a larger line on its row?"""
    if not _LATIN.fullmatch(lines[i].text.strip()):
        return False
    x0, y0, x1, y1 = boxes[i]
    h = y1 - y0
    mid = (y0 + y1) / 2
    for j, (ox0, oy0, ox1, oy1) in enumerate(boxes):
        if j == i or _LATIN.fullmatch(lines[j].text.strip()):
            continue
        if not oy0 <= mid <= oy1 or h > SMALL * (oy1 - oy0):
            continue
        # right before it (white of less than the line's height between), overlapping it by
        # less than its own width
        if ox1 > x1 and x1 - ox0 < x1 - x0 and ox0 - x1 < oy1 - oy0:
            return True
    return False


def _leading_mark(line: OcrLine) -> bool:
    """Is the line's first character a marker read with doubt (see the module doc)?"""
    if len(line.text) < 2 or not line.alts or line.alts[0][0] != 0:
        return False
    cands = line.alts[0][1]
    return (
        line.text[0] not in MARKERS
        and any(ch in MARKERS or unicodedata.category(ch)[0] == "S" for ch, _ in cands)
        and all(not ch.isspace() and not _BEGINS_LINES.match(ch) for ch, _ in cands)
        and _AFTER_MARK.match(line.text[1]) is not None
    )


def _marked(line: OcrLine) -> OcrLine:
    """The line with its first character read as :data:`MARK` (one character for one: the
    character places and the other doubts keep their indices)."""
    return replace(line, text=MARK + line.text[1:], alts=line.alts[1:])


def read_symbols(page: OcrPage) -> OcrPage:
    """The page with title markers read as :data:`MARK` (see the module doc): one per title,
    the other boxes of the same mark dropped, a marker read as a line's first character
    replaced; the page itself when there are none."""
    boxes = [ln.box for ln in page.lines]
    marks = [i for i in range(len(page.lines)) if _marks(i, boxes, page.lines)]
    leading = [i for i, ln in enumerate(page.lines) if _leading_mark(ln)]
    if not marks and not leading:
        return page
    lines = list(page.lines)
    for i in leading:
        lines[i] = _marked(lines[i])
    gone: set[int] = set()
    for i in marks:
        if i in gone:
            continue
        lines[i] = replace(lines[i], text=MARK, chars=[], alts=[], gaps=[])
        for k in marks:  # a mark read as two boxes ("7", "D") side by side
            if (
                k != i
                and k not in gone
                and boxes[k][0] <= boxes[i][2]
                and boxes[k][2] >= boxes[i][0]
            ):
                gone.add(k)
    return page.kept(lines, [i for i in range(len(lines)) if i not in gone])
