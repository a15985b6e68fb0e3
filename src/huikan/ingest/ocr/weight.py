"""The weight of OCR lines: which lines print in a heavier face than the body text.

A text PDF names its fonts; a scan shows only ink. A line printed with clearly more ink per
area than body text of its size is set in a bold or black face (:func:`mark_heavy`), and
the splitter sees it as emphasis, as it sees a bold font in a text PDF. The lines of one
title are weighed together (:func:`display_runs`): a title does not change weight from line
to line, while a single line's ink share varies with its characters.
"""

from __future__ import annotations

import math
import statistics

from huikan.ingest.ocr.glyphs import OcrBox, ink_centred
from huikan.ingest.ocr.sizes import SNAP, stacked
from huikan.ingest.pdf_layout import is_wide

HEAVY_INK = 1.45  # ink share over the body text's that reads as a bold face


def display_runs(boxes: list[OcrBox], body_size: float) -> list[list[OcrBox]]:
    """The boxes in runs that are printed in one face: a line of display type (a size above
    the body's) and the lines of the same size right under it, overlapping it across, are
    one title, and a title does not change weight from line to line. Any other line is a
    run of its own: at the body size a bold lead line over regular text is common.

    Weight is read from the ink share of a line's box (:func:`mark_heavy`), and that share
    varies from line to line with the characters: a full line of a bold Ming title and its
    six-character end fell on either side of the bar (0.195 and 0.232 against 0.230) and
    were split into two titles at the change of weight. Pooled over the run, the title is
    read as one weight."""
    runs: list[list[OcrBox]] = []
    open_run: dict[int, list[OcrBox]] = {}  # page → the display run its last line ends
    for b in sorted(boxes, key=lambda b: (b.page, b.top, b.x0)):
        display = b.size > (1 + SNAP) * body_size
        run = open_run.get(b.page)
        if run is not None:
            last = run[-1]
            if display and b.size == last.size and stacked(last, b):
                run.append(b)
                continue
            if b.top >= last.bottom:
                del open_run[b.page]
        runs.append([b])
        if display:
            open_run[b.page] = runs[-1]
    return runs


def mark_heavy(boxes: list[OcrBox], body_size: float) -> None:
    """Lines whose ink share is clearly above the body text's print in a heavier face."""
    body = [
        b.ink for b in boxes if abs(b.size - body_size) <= SNAP * body_size and len(b.text) >= 6
    ]
    if not body:
        return
    normal = statistics.median(body)
    for run in display_runs(boxes, body_size):
        # Thin strokes of small type blur to grey and count less than those of large type:
        # the bar rises with the size (a large regular title is no bold).
        size = run[0].size
        bar = HEAVY_INK * normal * math.sqrt(max(1.0, size / body_size))
        area = [max(0.0, (b.x1 - b.x0) * b.height) for b in run]
        total = sum(area)
        ink = sum(b.ink * a for b, a in zip(run, area, strict=True)) / total if total else 0.0
        wide = sum(1 for b in run for ch in b.text if is_wide(ch))
        for b in run:
            b.heavy = wide >= 2 and ink >= bar
    for b in boxes:
        # too little ink to judge: fewer than four ideographs (punctuation and brackets are
        # thin strokes in any face: "法（试行）" under a bold title read as regular)
        if b.follows is not None and sum(1 for ch in b.text if ink_centred(ch)) < 4:
            b.heavy = b.follows.heavy
