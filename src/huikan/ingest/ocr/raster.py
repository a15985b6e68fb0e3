"""PDF pages as grey images for OCR (pypdfium2, already a dependency for ``huikan review``).

The recogniser works on images at most 2,000 px on the long side (RapidOCR shrinks anything
larger), so a page is rendered straight to that size instead of being rendered larger and
shrunk twice. An A4 page comes out at about 170 dpi, an A5 booklet page at about 240 dpi
(its text is smaller); never above :data:`MAX_DPI`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

LONG_SIDE = 2000  # pixels; RapidOCR's max_side_len
MAX_DPI = 300


@dataclass
class Raster:
    """A rendered page: the grey pixels and how many pixels make one PDF point."""

    number: int
    grey: np.ndarray
    scale: float  # pixels per point


def scale_for(width_pt: float, height_pt: float) -> float:
    return min(LONG_SIDE / max(width_pt, height_pt, 1.0), MAX_DPI / 72)


def render_page(path: Path, number: int) -> Raster:
    """Page ``number`` (1-based) of the PDF at ``path`` as a grey image."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        w, h = page.get_size()
        scale = scale_for(w, h)
        bitmap = page.render(scale=scale, grayscale=True)
        img = bitmap.to_numpy()
        grey = img if img.ndim == 2 else img[..., 0]
        page.close()
        return Raster(number, np.ascontiguousarray(grey, dtype=np.uint8), scale)
    finally:
        pdf.close()
