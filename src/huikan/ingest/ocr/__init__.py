"""OCR of scanned pages, feeding the PDF reader's own layout pipeline.

A page without a usable text layer (a picture of a page, or glyphs without a Unicode
mapping) is rendered (:mod:`.raster`), read by RapidOCR (:mod:`.engine`; pages in parallel
and cached, :mod:`.pages`, :mod:`.store`), and its lines become glyphs with positions and
sizes (:mod:`.glyphs`, text repaired by :mod:`.normalize`). The PDF reader then treats them
like any other page, so columns, running heads, titles and TOCs are found by the same rules.
Per page, so a PDF where only some pages were scanned works too.
"""

from __future__ import annotations

from pathlib import Path

from huikan.ingest.ocr.bands import one_size_per_slot
from huikan.ingest.ocr.engine import INSTALL_HINT, OcrPage, OcrUnavailable, available
from huikan.ingest.ocr.glyphs import glyphs, page_boxes
from huikan.ingest.ocr.gutters import split_gutters, trim_overhangs
from huikan.ingest.ocr.leaders import join_tail_boxes, restore_leaders
from huikan.ingest.ocr.pages import OcrOptions, recognise_pages
from huikan.ingest.ocr.sizes import assign_sizes
from huikan.ingest.ocr.symbols import read_symbols
from huikan.ingest.ocr.weight import mark_heavy
from huikan.ingest.pdf_chars import FontInfo
from huikan.ingest.pdf_layout import PageData, build_segments
from huikan.model import Warning

__all__ = ["INSTALL_HINT", "OcrOptions", "OcrUnavailable", "available", "ocr_into_pages"]

LOW_SCORE = 0.8  # a line read with less confidence than this is worth an editor's look


def _low_confidence(page: OcrPage, name: str) -> Warning | None:
    low = [ln for ln in page.lines if ln.score < LOW_SCORE]
    if not low:
        return None
    worst = min(low, key=lambda ln: ln.score)
    return Warning(
        "ocr-low-confidence",
        f"有 {len(low)} 行OCR识别把握不大（最低 {worst.score:.2f}：“{worst.text[:24]}”），"
        "请对照原件核对",
        file=name,
        page=page.number,
    )


def _cleaned(page: OcrPage) -> OcrPage:
    """The engine's lines made ready for the layout: title markers read, lines boxed across a
    gutter cut, overhangs trimmed, TOC lines whole again with their leaders (second readings
    go later, with the boxes: :func:`~.glyphs.page_boxes`)."""
    page = split_gutters(read_symbols(page))
    return restore_leaders(join_tail_boxes(trim_overhangs(page)))


def ocr_into_pages(
    path: Path,
    pages: list[PageData],
    numbers: list[int],
    fonts: list[FontInfo],
    options: OcrOptions,
    warnings: list[Warning],
) -> list[int]:
    """Replace the text of pages ``numbers`` (1-based) by what OCR reads on them; returns
    the pages where OCR found text (the others stay as they were, for the reader's own
    checks to report). Adds the two OCR faces (regular, heavy) to ``fonts``; low-confidence
    lines become warnings with their page number. Raises :class:`OcrUnavailable` without
    the engine.
    """
    if not available():
        raise OcrUnavailable(f"没有安装OCR组件（{INSTALL_HINT}）")
    read = recognise_pages(path, numbers, options)
    numbers = [n for n in numbers if read[n].lines]
    by_number = {p.number: p for p in pages}
    boxes = {
        n: page_boxes(
            _cleaned(read[n]),
            by_number[n].width / read[n].width,
        )
        for n in numbers
    }
    text_sizes = [(s.size, s.n) for p in pages if p.number not in read for s in p.segs if s.n]
    every = [b for n in numbers for b in boxes[n]]
    assign_sizes(every, text_sizes)
    sizes: dict[float, int] = {}
    for b in every:
        sizes[b.size] = sizes.get(b.size, 0) + len(b.text)
    if sizes:
        body = max(sizes, key=sizes.__getitem__)
        heights = {n: by_number[n].height for n in numbers}
        one_size_per_slot(boxes, heights, body)
        mark_heavy(every, body)
    regular = len(fonts)
    fonts.append(FontInfo(name="OCR", weight=400, serif=True))
    fonts.append(FontInfo(name="OCR-heavy", weight=700, sans=True))
    for n in numbers:
        page = by_number[n]
        chars = [c for b in boxes[n] for c in glyphs(b, regular, regular + 1)]
        page.segs = build_segments(chars)
        page.glyphs = sum(1 for c in chars if not c[4].isspace())
        page.garbage = 0
        if w := _low_confidence(read[n], path.name):
            warnings.append(w)
    return numbers
