"""Scanned versions of text PDFs, for the OCR tests and ``bench/ocr.py``.

``python bench/scans.py SRC.pdf DST.pdf [--seed N] [--dpi D] [--text-pages 1,3]``

A scan here is what an office copier makes of a printed bulletin: each page rendered in grey
at 150–300 dpi, turned by up to ±0.6°, softened by a slight blur, sprinkled with sensor noise,
JPEG-compressed and written as an image-only PDF (Pillow). Everything random is drawn from
``numpy.random.default_rng(seed)``, so the same seed gives the same bytes; the dpi is drawn
from the seed unless given. ``text_pages`` keeps those (1-based) pages as the original text
pages, which makes a mixed PDF: the case of a bulletin where only some pages were scanned.
Nothing generated here is committed: the tests make a small fixture at test time.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class ScanStyle:
    """How one scanned file was degraded (reported by the benchmark next to its scores)."""

    dpi: int
    max_angle: float = 0.6  # degrees, either way
    noise: float = 6.0  # standard deviation of the grey-level noise
    blur: float = 0.5  # Gaussian blur radius in pixels
    quality: int = 80  # JPEG quality


def draw_style(seed: int, dpi: int | None = None) -> ScanStyle:
    rng = np.random.default_rng([seed, 0])
    return ScanStyle(dpi=dpi or int(rng.choice([150, 200, 240, 300])))


def scan_page(page: pdfium.PdfPage, style: ScanStyle, rng: np.random.Generator) -> Image.Image:
    """One page as a copier would image it: grey, slightly turned, blurred and noisy."""
    img = page.render(scale=style.dpi / 72, grayscale=True).to_pil().convert("L")
    angle = float(rng.uniform(-style.max_angle, style.max_angle))
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(style.blur))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + rng.normal(0.0, style.noise, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def _image_pdf(img: Image.Image, dpi: int, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=float(dpi), quality=quality)
    return buf.getvalue()


def make_scan(
    src: Path,
    dst: Path,
    *,
    seed: int = 0,
    dpi: int | None = None,
    pages: Collection[int] | None = None,
    text_pages: Collection[int] = (),
) -> ScanStyle:
    """Write ``dst``: the (1-based) ``pages`` of ``src`` (default all) scanned, except
    ``text_pages``, which stay the original text pages. Returns the style used."""
    style = draw_style(seed, dpi)
    rng = np.random.default_rng([seed, 1])
    source = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    try:
        numbers = sorted(pages) if pages else list(range(1, len(source) + 1))
        for n in numbers:
            if n in text_pages:
                out.import_pages(source, [n - 1])
                continue
            page = source[n - 1]
            img = scan_page(page, style, rng)
            page.close()
            one = pdfium.PdfDocument(_image_pdf(img, style.dpi, style.quality))
            out.import_pages(one, [0])
            one.close()
        dst.parent.mkdir(parents=True, exist_ok=True)
        out.save(str(dst))
    finally:
        out.close()
        source.close()
    return style


def mix(text_pdf: Path, scan_pdf: Path, scanned: Collection[int], dst: Path) -> None:
    """A PDF with the (1-based) ``scanned`` pages taken from ``scan_pdf`` and the others from
    ``text_pdf`` (same page count): a bulletin where only some pages were scanned, whose
    scanned pages are pixel for pixel those of the all-scanned version."""
    text, scan = pdfium.PdfDocument(str(text_pdf)), pdfium.PdfDocument(str(scan_pdf))
    out = pdfium.PdfDocument.new()
    try:
        for n in range(1, len(text) + 1):
            out.import_pages(scan if n in scanned else text, [n - 1])
        dst.parent.mkdir(parents=True, exist_ok=True)
        out.save(str(dst))
    finally:
        out.close()
        text.close()
        scan.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=int, default=None)
    ap.add_argument("--pages", default="", help="1-based pages to keep, e.g. 1,2,3")
    ap.add_argument("--text-pages", default="", help="1-based pages kept as text, e.g. 1,3")
    a = ap.parse_args()
    nums = [int(x) for x in a.pages.split(",") if x]
    text = {int(x) for x in a.text_pages.split(",") if x}
    style = make_scan(a.src, a.dst, seed=a.seed, dpi=a.dpi, pages=nums or None, text_pages=text)
    print(f"{a.dst}: {style}")


if __name__ == "__main__":
    main()
