"""One size for the small print repeated in a page's top or bottom band.

A running head ("新华健康周刊" over one section's pages, "理论" over the next) is set in one
small style on every page; the text PDF's reader drops it as one style printed at one height
on most pages (:func:`huikan.ingest.pdf_layout.remove_running_heads`). OCR measures each one
from a few glyphs of ink, and two or six characters come out a size step apart (7.25 and
8.0 pt for one 7.5 pt style), so the style split in two, the smaller half was dropped, and a
section name left at the top of a page was taken for a column label over an article. Small
lines printed at the same height in the band of several pages get their median size.
"""

from __future__ import annotations

import statistics

from huikan.ingest.ocr.glyphs import OcrBox

BAND = 0.12  # top/bottom share of the page height where running heads live (as pdf_layout)
SAME_HEIGHT = 0.01  # of the page height: one slot
MIN_PAGES = 3
SPREAD = 0.2  # sizes within this of the slot's median are one style measured apart
SMALL = 0.95  # of the body size: only type smaller than the body is furniture-like


def one_size_per_slot(pages: dict[int, list[OcrBox]], heights: dict[int, float], body: float):
    """Give the small boxes printed in the same band slot of ``MIN_PAGES`` or more pages
    (``pages``: the boxes of each page; ``heights``: its height in points) one size."""
    marks: list[tuple[str, float, int, OcrBox]] = []
    for n, boxes in pages.items():
        h = heights[n]
        for b in boxes:
            if b.size >= SMALL * body:
                continue
            if b.bottom <= BAND * h:
                marks.append(("top", (b.top + b.bottom) / 2 / h, n, b))
            elif b.top >= (1 - BAND) * h:
                marks.append(("bottom", (b.top + b.bottom) / 2 / h, n, b))
    marks.sort(key=lambda m: (m[0], m[1]))
    slots: list[list[tuple[str, float, int, OcrBox]]] = []
    for m in marks:
        if slots and slots[-1][0][0] == m[0] and m[1] - slots[-1][-1][1] <= SAME_HEIGHT:
            slots[-1].append(m)
        else:
            slots.append([m])
    for slot in slots:
        if len({n for _, _, n, _ in slot}) < MIN_PAGES:
            continue
        size = statistics.median_low(b.size for *_, b in slot)
        for *_, b in slot:
            if abs(b.size - size) <= SPREAD * size:
                b.size = size
