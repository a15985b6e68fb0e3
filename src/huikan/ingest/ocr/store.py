"""On-disk cache of OCR results, one JSON file a page, keyed by what the result depends on.

OCR is by far the slowest part of ingest (seconds a page), and the ingest cache is dropped
whenever the splitter changes; recognising every scanned page again after a change to the
splitter would turn a rebuild into a coffee break. So each page is also kept on its own:
keyed by the rendered page's pixels, the render settings, the engine version and
:data:`OCR_VERSION` (bump it when the recognition step changes). Writes go through a
temporary file and a rename, so concurrent workers never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from huikan.ingest.ocr.engine import OcrPage, engine_version
from huikan.ingest.ocr.raster import LONG_SIDE, MAX_DPI

OCR_VERSION = "3"  # 3: runners-up of uncertain characters and of dropped ones (alts, gaps)


def page_key(grey: np.ndarray) -> str:
    """Key of one rendered page: its pixels (so the same scan inside another PDF, or the same
    page after the file's metadata changed, is not read twice) and the OCR settings."""
    h = hashlib.sha256(f"ocr:{OCR_VERSION}:{engine_version()}:{LONG_SIDE}:{MAX_DPI}:".encode())
    h.update(repr(grey.shape).encode())
    h.update(grey.tobytes())
    return h.hexdigest()


class OcrStore:
    """``OcrStore(dir)``: get/put :class:`OcrPage` results; ``None`` dir keeps nothing."""

    def __init__(self, directory: Path | str | None):
        self.dir = Path(directory) if directory else None

    def _entry(self, key: str) -> Path | None:
        return self.dir / key[:2] / f"{key}.json" if self.dir else None

    def get(self, key: str) -> OcrPage | None:
        p = self._entry(key)
        if p is None:
            return None
        try:
            return OcrPage.from_json(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or from an incompatible version: recognise again

    def put(self, key: str, page: OcrPage) -> None:
        p = self._entry(key)
        if p is None:
            return
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(page.to_json(), f, ensure_ascii=False)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
