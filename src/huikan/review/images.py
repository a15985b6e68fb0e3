"""PDF pages as images for the review, rendered once per file content.

pypdfium2 renders each page about 1,000 px wide in grey (the coloured boxes drawn over it stand
out better, and grey compresses well); each page is stored as a 16-level grey PNG (4 bits a
pixel), about 100 KB for a page of dense text, so a 20-page review stays well under 3 MB.
Images are cached under ``<cache>/review/<hash>/`` keyed by the file's bytes and the render
settings: a rebuild does not render them again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

WIDTH = 1000  # pixels
LEVELS = 16  # grey levels (4-bit PNG)
RENDER_VERSION = "1"
_PALETTE = [v for i in range(LEVELS) for v in (i * 255 // (LEVELS - 1),) * 3]
_LUT = [(v * (LEVELS - 1) + 127) // 255 for v in range(256)]


@dataclass
class PageImage:
    number: int  # 1-based
    path: Path  # the cached file
    name: str  # file name in the review folder, e.g. "p-001.png"
    width: int
    height: int


def cache_key(data: bytes) -> str:
    h = hashlib.sha256(f"review-pages:{RENDER_VERSION}:{WIDTH}:{LEVELS}:".encode())
    h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def _name(n: int) -> str:
    return f"p-{n:03d}.png"


def _read_index(folder: Path) -> list[PageImage] | None:
    try:
        lines = (folder / "pages.txt").read_text("utf-8").split()
    except OSError:
        return None
    out = []
    for rec in lines:
        n, w, h = (int(x) for x in rec.split(","))
        p = folder / _name(n)
        if not p.is_file():
            return None
        out.append(PageImage(n, p, _name(n), w, h))
    return out


def render_pdf_pages(source: Path, cache_dir: Path | None) -> list[PageImage]:
    """Every page of ``source`` as a PNG in the cache (rendered only if not cached yet)."""
    data = Path(source).read_bytes()
    key = cache_key(data)
    root = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "huikan-review-cache"
    folder = root / "review" / key[:2] / key
    cached = _read_index(folder)
    if cached is not None:
        return cached
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    try:
        index = _render_into(data, tmp)
        (tmp / "pages.txt").write_text(index, "utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:  # another process cached it first
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result = _read_index(folder)
    if result is None:
        raise OSError(f"页面图片缓存不可用：{folder}")
    return result


def _render_into(data: bytes, folder: Path) -> str:
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(data)
    records = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                w, _h = page.get_size()
                bitmap = page.render(scale=WIDTH / max(w, 1.0), grayscale=True)
                img = bitmap.to_pil().convert("L").point(_LUT)
            finally:
                page.close()
            pal = Image.frombytes("P", img.size, img.tobytes())
            pal.putpalette(_PALETTE)
            pal.save(folder / _name(i + 1), "PNG", bits=4, compress_level=6)
            records.append(f"{i + 1},{img.width},{img.height}")
    finally:
        pdf.close()
    return "\n".join(records) + "\n"
