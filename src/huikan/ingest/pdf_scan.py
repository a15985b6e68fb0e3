"""Scanned pages of a PDF: which pages need OCR, reading them, and what to say about the rest.

The PDF reader (:mod:`.pdf`) calls :func:`read_scanned_pages` right after reading the glyphs
of every page, so pages OCR reads go through the same layout pipeline as text pages, and
:func:`check_scans` once running heads are gone, for image pages that still have no text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from huikan.ingest.pdf_chars import FontInfo
from huikan.ingest.pdf_layout import PageData
from huikan.model import IngestError, Warning

if TYPE_CHECKING:
    from huikan.ingest.ocr import OcrOptions

GARBLED_SHARE = 0.3  # this much unreadable text and the file is not worth publishing
SCANNED_SHARE = 0.5  # this share of image-only pages and the file needs OCR first
SCAN_GLYPHS = 20  # a page with images and fewer glyphs than this is a picture of a page


def needs_ocr(pages: list[PageData]) -> list[int]:
    """Pages without a usable text layer: a picture of a page (images, hardly a glyph), or
    mostly glyphs without a Unicode mapping. When no page has any glyph at all, the text may
    have been turned into outlines, so every page is worth reading."""
    if not any(p.glyphs for p in pages):
        return [p.number for p in pages]
    out = []
    for p in pages:
        good = p.glyphs - p.garbage
        if (p.images and good < SCAN_GLYPHS) or (
            p.glyphs and p.garbage >= GARBLED_SHARE * p.glyphs
        ):
            out.append(p.number)
    return out


def read_scanned_pages(
    path: Path,
    pages: list[PageData],
    fonts: list[FontInfo],
    options: OcrOptions | None,
    warnings: list[Warning],
) -> tuple[list[int], bool]:
    """OCR the pages that need it: the pages where it read text, and whether it ran.

    Without the engine a wholly scanned file is refused with the command that enables OCR,
    and a partly scanned one goes on as before (its image pages are reported by
    :func:`check_scans`)."""
    from huikan.ingest import ocr

    numbers = needs_ocr(pages)
    if not numbers:
        return [], False
    try:
        opts = options or ocr.OcrOptions()
        return ocr.ocr_into_pages(path, pages, numbers, fonts, opts, warnings), True
    except ocr.OcrUnavailable as err:
        if len(numbers) >= SCANNED_SHARE * len(pages):
            raise IngestError(
                path.name,
                f"{len(numbers)}/{len(pages)} 页是扫描件或没有可用的文字层，需要OCR文字识别，"
                f"但{err}；安装后重新运行即可",
                code="scanned",
            ) from err
        warnings.append(
            Warning(
                "ocr-unavailable",
                f"第{'、'.join(map(str, numbers))}页需要OCR文字识别，但{err}",
                file=path.name,
            )
        )
        return [], False


def check_scans(
    pages: list[PageData], name: str, warnings: list[Warning], ocr_tried: bool = False
) -> None:
    """Refuse mostly scanned files; warn about single image pages.

    Runs after running heads are gone: a scanner app's watermark or an added page number
    does not make a picture of a page text.
    """
    image_only = [p for p in pages if p.images and sum(s.n for s in p.segs) < SCAN_GLYPHS]
    if image_only and len(image_only) >= SCANNED_SHARE * len(pages):
        raise IngestError(
            name,
            f"{len(image_only)}/{len(pages)} 页是扫描图片、没有文字层，"
            + ("OCR也没有识别出文字" if ocr_tried else "需要先做OCR文字识别"),
            code="scanned",
        )
    for p in image_only:
        warnings.append(
            Warning(
                "pdf-image-page",
                f"第{p.number}页只有图片没有文字"
                + ("（OCR也没有识别出文字）" if ocr_tried else "")
                + "，内容未收录",
                file=name,
                page=p.number,
            )
        )
