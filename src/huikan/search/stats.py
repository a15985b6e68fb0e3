"""The figures of a search folder: for the build summary and ``build/manifest.json``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from huikan.search.segment import SegmentInfo, gzip_estimate, gzip_size


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
    # articles indexed again by this build (the rest, usually; all of them on a first build):
    # a slow build says why (the segment of units, every 128 bulletins, or a back issue)
    reindexed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        def kb(n: int) -> str:
            return f"{n / 1024:.1f} KB"

        redone = f"（重新索引 {self.reindexed} 篇）" if 0 < self.reindexed < self.docs else ""
        return [
            f"搜索索引：{self.docs} 篇文章{redone}，{self.terms} 个词项，{self.shards} 个分片，"
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
            "reindexed": self.reindexed,
            **self.extra,
        }


def stats_of(
    done: list[SegmentInfo],
    dirs: list[bytes],
    docs: int,
    facets: bytes,
    manifest: bytes,
    terms: int,
    t0: float,
    extra: dict[str, Any],
    reindexed: int = 0,
) -> SearchStats:
    """The figures of a search folder from its segments' figures and its global files."""
    return SearchStats(
        docs=docs,
        terms=terms,
        shards=sum(i.shards for i in done),
        index_bytes=sum(len(d) for d in dirs) + sum(i.index_bytes for i in done),
        index_gzip=gzip_estimate(dirs) + sum(i.index_gzip for i in done),
        store_bytes=len(facets) + sum(i.store_bytes for i in done),
        store_gzip=gzip_size(facets) + sum(i.store_gzip for i in done),
        manifest_bytes=len(manifest),
        manifest_gzip=gzip_size(manifest),
        seconds=time.perf_counter() - t0,
        reindexed=reindexed,
        extra={
            "postings": sum(i.postings for i in done),
            "directories": len(dirs),
            **extra,
        },
    )
