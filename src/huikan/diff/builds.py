"""The two builds ``huikan diff`` compares, read from their ``manifest.json``."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEARCH_STATS = ("index", "store", "manifest")


class DiffError(Exception):
    """A build to compare is missing or unreadable."""


@dataclass
class ArticleInfo:
    url: str
    title: str
    bulletin: str  # bulletin slug
    source_file: str
    cluster: str
    text_sha256: str
    subtitle: str | None = None
    column: str | None = None
    date: str | None = None
    index: int | None = None  # reading order in its bulletin, when the manifest has it


@dataclass
class Build:
    """The parts of a manifest the diff compares."""

    manifest: dict[str, Any]
    folder: Path | None  # the build folder, when the manifest sits in one
    bulletins: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> entry
    articles: dict[str, ArticleInfo] = field(default_factory=dict)  # url -> article
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> page entry
    # search index files, listed one by one in format-1 manifests only (counted in
    # "search" since): kept apart, so comparing with a newer build does not see them go
    index_files: list[dict[str, Any]] = field(default_factory=list)

    @property
    def generator(self) -> str | None:
        return self.manifest.get("generator")


def load_build(path: str | Path) -> Build:
    """A build folder (with ``manifest.json``) or a manifest file. ``{}`` is an empty build."""
    path = Path(path)
    file = path / "manifest.json" if path.is_dir() else path
    if not file.is_file():
        raise DiffError(f"找不到 {file}（先用 huikan build 构建）")
    try:
        m = json.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DiffError(f"{file} 不是有效的 manifest.json：{e}") from e
    if not isinstance(m, dict):
        raise DiffError(f"{file} 不是有效的 manifest.json")
    b = Build(manifest=m, folder=file.parent)
    for entry in m.get("bulletins") or []:
        b.bulletins[entry["slug"]] = entry
    for p in m.get("pages") or []:
        if p.get("kind") == "search-index":
            b.index_files.append(p)
            continue
        b.pages[p["path"]] = p
        if p.get("kind") == "article":
            url = p.get("url") or p["path"]
            b.articles[url] = ArticleInfo(
                url=url,
                title=p.get("article_title") or p.get("title") or "",
                bulletin=p.get("bulletin") or "",
                source_file=p.get("source_file") or "",
                cluster=p.get("cluster") or "",
                text_sha256=p.get("text_sha256") or "",
                subtitle=p.get("subtitle"),
                column=p.get("column"),
                date=p.get("date"),
                index=p.get("index"),
            )
    return b


def search_size(build: Build) -> dict[str, Any] | None:
    """Raw and gzip bytes of the search index (index shards + document store + manifest)."""
    s = build.manifest.get("search")
    if isinstance(s, dict) and all(f"{k}_bytes" in s for k in SEARCH_STATS):
        raw = sum(int(s[f"{k}_bytes"]) for k in SEARCH_STATS)
        gz = (
            sum(int(s[f"{k}_gzip"]) for k in SEARCH_STATS)
            if all(f"{k}_gzip" in s for k in SEARCH_STATS)
            else None
        )
        extra = {k: s[k] for k in ("docs", "terms", "shards") if k in s}
        return {"raw": raw, "gzip": gz, **extra}
    files = build.index_files
    if not files:
        return None
    raw = sum(int(p.get("size") or 0) for p in files)
    gz: int | None = None
    if build.folder is not None and all((build.folder / p["path"]).is_file() for p in files):
        gz = sum(
            len(gzip.compress((build.folder / p["path"]).read_bytes(), 6, mtime=0)) for p in files
        )
    return {"raw": raw, "gzip": gz, "files": len(files)}
