"""Ingest: one bulletin file in, articles with metadata out.

``ingest_file`` is pure (it reads the file and its sidecar and returns data), so results can
be cached by content hash and bulletins ingested in parallel processes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from huikan.config import SiteConfig
from huikan.ingest.assemble import assemble
from huikan.ingest.decor import read_decorations
from huikan.ingest.layout import build_regions
from huikan.ingest.metadata import parse_masthead
from huikan.ingest.selfcheck import check_split
from huikan.ingest.sidecar import Sidecar, load_sidecar, sidecar_path
from huikan.ingest.split import RawArticle, split_blocks
from huikan.model import BulletinMeta, Document, IngestError, IngestResult, Warning

if TYPE_CHECKING:
    from huikan.ingest.ocr import OcrOptions

# Bump when ingest output changes for the same input: it invalidates every cached result.
INGEST_VERSION = "1"

SUFFIXES = {".pdf": "pdf", ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text"}


def read_document(path: Path, ocr: OcrOptions | None = None) -> Document:
    """Dispatch on the file type to the PDF or text reader (``ocr``: how to run OCR on
    scanned PDF pages)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "pdf":
        from huikan.ingest.pdf import read_pdf

        return read_pdf(path, ocr)
    if kind == "text":
        from huikan.ingest.text import read_text

        return read_text(path)
    raise IngestError(
        path.name, f"不支持的文件类型 “{path.suffix}”（可用 .pdf、.txt、.md）", code="type"
    )


def ingest_file(
    path: Path, config: SiteConfig, *, use_sidecar: bool = True, ocr: OcrOptions | None = None
) -> IngestResult:
    """Read, split, describe and classify one bulletin (``ocr``: workers, page cache and
    progress for scanned pages; only how, never what, is read)."""
    path = Path(path)
    data = path.read_bytes()
    sidecar = Sidecar()
    if use_sidecar and (sp := sidecar_path(path)):
        sidecar = load_sidecar(sp, config.taxonomy)
    doc = read_document(path, ocr)
    read_decorations(doc.blocks)
    dropped = []
    if sidecar.drop:
        keys = [d.strip() for d in sidecar.drop if d.strip()]
        dropped = [b for b in doc.blocks if any(b.text.strip().startswith(k) for k in keys)]
        doc.blocks = [b for b in doc.blocks if b not in dropped]
    sp_ = split_blocks(
        doc.blocks,
        config.taxonomy,
        measure=doc.measure,
        outline=doc.outline,
        extra_titles=sidecar.split,
        merge_titles=sidecar.merge,
    )
    meta = parse_masthead(sp_.front, doc.meta_title)
    meta.source_file = path.name
    meta.pages = doc.pages
    meta.preface = sp_.preface
    meta.kind = SUFFIXES[path.suffix.lower()]
    meta.ocr_pages = list(doc.ocr_pages)
    for k, v in sidecar.meta.items():
        setattr(meta, k, v)
    warnings = list(doc.warnings)
    kept: list[RawArticle] = []
    articles = assemble(sp_, doc, config.taxonomy, sidecar, path.name, warnings, kept)
    if not sp_.used_fallback:
        warnings += check_split(sp_, articles, doc.blocks, doc.pages, path.name, config.taxonomy)
    leftover = [b.text for b in sp_.leftover] + [b.text for b in dropped]
    _meta_warnings(meta, path.name, warnings)
    return IngestResult(
        bulletin=meta,
        articles=articles,
        warnings=warnings,
        sha256=hashlib.sha256(data).hexdigest(),
        leftover=leftover,
        regions=build_regions(doc, sp_, kept, dropped),
        page_sizes=[list(s) for s in doc.page_sizes],
    )


def _meta_warnings(meta: BulletinMeta, name: str, warnings: list[Warning]) -> None:
    if not meta.date:
        warnings.append(
            Warning("no-date", "没有找到出版日期：请在旁注文件中写 date: YYYY-MM。", file=name)
        )
