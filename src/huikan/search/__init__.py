"""Full-text search: a prebuilt, sharded lunr index the browser loads piece by piece.

The site build calls :func:`write_search_index` with one :class:`SearchDoc` per article; it
writes a small manifest, the index shards and the document store under ``<site>/search/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huikan.config import SiteConfig


@dataclass
class SearchDoc:
    """One article as search sees it; ``url`` is site-relative (no base URL, no leading /)."""

    url: str
    title: str
    body: str
    date: str | None
    cluster: str
    cluster_slug: str
    bulletin: str
    bulletin_slug: str


@dataclass
class SearchStats:
    """Figures for the build summary and ``build/manifest.json``."""

    docs: int = 0
    terms: int = 0
    shards: int = 0
    index_bytes: int = 0
    index_gzip: int = 0
    store_bytes: int = 0
    store_gzip: int = 0
    manifest_bytes: int = 0
    manifest_gzip: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        def kb(n: int) -> str:
            return f"{n / 1024:.1f} KB"

        return [
            f"搜索索引：{self.docs} 篇文章，{self.terms} 个词项，{self.shards} 个分片，"
            f"{self.seconds:.1f} 秒",
            f"  索引 {kb(self.index_bytes)}（gzip {kb(self.index_gzip)}），"
            f"文档库 {kb(self.store_bytes)}（gzip {kb(self.store_gzip)}），"
            f"清单 {kb(self.manifest_bytes)}（gzip {kb(self.manifest_gzip)}）",
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "docs": self.docs,
            "terms": self.terms,
            "shards": self.shards,
            "index_bytes": self.index_bytes,
            "index_gzip": self.index_gzip,
            "store_bytes": self.store_bytes,
            "store_gzip": self.store_gzip,
            "manifest_bytes": self.manifest_bytes,
            "manifest_gzip": self.manifest_gzip,
            "seconds": round(self.seconds, 3),
            **self.extra,
        }


def write_search_index(
    docs: list[SearchDoc], out_dir: Path, config: SiteConfig, *, cache_dir: Path | None = None
) -> SearchStats:
    """Write the search manifest, index shards and document store into ``out_dir``.

    Placeholder until the sharded index lands: writes a manifest listing the documents.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"version": 0, "docs": [{"url": d.url, "title": d.title} for d in docs]}
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    (out_dir / "manifest.json").write_bytes(raw)
    return SearchStats(docs=len(docs), manifest_bytes=len(raw))


__all__ = ["SearchDoc", "SearchStats", "write_search_index"]
