"""Full-text search: a prebuilt, sharded lunr index the browser loads piece by piece.

The site build calls :func:`write_search_index` with one :class:`SearchDoc` per article; it
writes a small manifest, the index shards and the document store under ``<site>/search/``.
"""

from __future__ import annotations

import gzip
import hashlib
import marshal
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huikan.config import SiteConfig
from huikan.search.cache import TokenCache
from huikan.search.index import FIELDS, LUNR_VERSION, PIPELINE_FN, build_index
from huikan.search.shard import DEFAULT_SHARD_BYTES, index_width, make_shards, separators
from huikan.search.store import dumps, plain_text
from huikan.search.t2s import build_map
from huikan.search.tokenize import Tokenizer
from huikan.search.trend import month_key

FORMAT = "huikan-search/1"
STORE_CHUNK = 4  # documents per store file: fewer files to write, little more to fetch


@dataclass
class SearchDoc:
    """One article as search sees it; ``url`` is site-relative (no base URL, no leading /)."""

    url: str
    title: str
    body: str
    date: str | None
    cluster: str
    cluster_slug: str
    bulletin: str  # display title, with the number as printed (科技参考 第8期（总第39期）)
    bulletin_slug: str
    column: str = ""  # 栏目 printed above the article
    source: str = ""  # 来源 / 供稿
    byline: str = ""  # 作者


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


def cluster_names(config: SiteConfig, cluster: str) -> list[str]:
    """A cluster's display name and its aliases from site.yml (just the name if unknown)."""
    for c in config.taxonomy.clusters:
        if c.name == cluster:
            return c.names()
    return [cluster]


def field_values(
    docs: list[SearchDoc], texts: list[str], config: SiteConfig
) -> dict[str, list[str]]:
    """The text of every index field of every document (``texts``: the plain bodies).

    The cluster field holds the cluster's name and aliases (``新能源、绿色低碳能源、…``):
    "、" keeps one name's last character and the next name's first from forming a bigram.
    """
    return {
        "title": [d.title for d in docs],
        "body": texts,
        "cluster": ["、".join(cluster_names(config, d.cluster)) for d in docs],
        "column": [d.column for d in docs],
        "source": [d.source for d in docs],
        "byline": [d.byline for d in docs],
        "bulletin": [d.bulletin for d in docs],
    }


def _aliases(config: SiteConfig, cluster: str) -> list[list[str]]:
    aliases = cluster_names(config, cluster)[1:]
    return [aliases] if aliases else []


def _ranges(keys: list[str]) -> list[list[Any]]:
    """[key, first, last] for each run of equal keys (documents are numbered by date, so
    each year and each month is one run)."""
    out: list[list[Any]] = []
    for i, key in enumerate(keys):
        if out and out[-1][0] == key:
            out[-1][2] = i
        else:
            out.append([key, i, i])
    return out


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def write_search_index(
    docs: list[SearchDoc],
    out_dir: Path,
    config: SiteConfig,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    write: Callable[[str, bytes], object] | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    store_chunk: int = STORE_CHUNK,
    previous: Path | None = None,
) -> SearchStats:
    """Write ``manifest.json``, ``facets.json`` (cluster of each document, month ranges),
    ``t2s.json`` (traditional → simplified, :mod:`huikan.search.t2s`), index shards
    ``i/N.json`` and the document store ``d/N.json`` (``store_chunk`` consecutive documents
    each) into ``out_dir`` (``<site>/search/``).

    * ``cache_dir``: the site's cache folder (default ``.huikan-cache`` beside site.yml);
      search keeps its token cache in ``cache_dir/search``.
    * ``jobs``: worker processes for tokenising uncached text (default: CPUs).
    * ``write(rel_path, data)``: when given, every file goes through it (paths relative to
      ``out_dir``) instead of being written here — e.g. an incremental writer that
      hard-links files unchanged since the previous build. Documents are numbered by
      (date, url), so adding a newer bulletin leaves every other store file unchanged.
    * ``previous``: the previous build's search folder; files identical to its files are
      hard-linked from it (found by itself when ``out_dir`` is huikan's staging folder).
    """
    t0 = time.perf_counter()
    if cache_dir is None:
        cache_dir = config.root / ".huikan-cache"
    ordered = sorted(docs, key=lambda d: (d.date or "", d.url))
    seen: set[str] = set()
    for d in ordered:
        if d.url in seen:
            raise ValueError(f"两篇文章的网址相同：{d.url}")
        seen.add(d.url)

    # index the text the store keeps (Markdown marks removed), so what a result shows
    # and what it was found by are the same text
    texts = [plain_text(d.body) for d in ordered]
    values = field_values(ordered, texts, config)
    with TokenCache(cache_dir / "search", Tokenizer.for_config(config)) as cache:
        terms = {f: cache.field_terms(values[f], jobs) for f in FIELDS}
    t1 = time.perf_counter()

    index = build_index(
        [str(i) for i in range(len(ordered))],
        [{f: terms[f][i] for f in FIELDS} for i in range(len(ordered))],
        cache.vocab,
    )
    shards = make_shards(index, shard_bytes)
    t2 = time.perf_counter()

    clusters = [(c.name, c.slug) for c in config.taxonomy.clusters]
    for d in ordered:
        if d.cluster not in {name for name, _ in clusters}:
            clusters.append((d.cluster, d.cluster_slug))
    cluster_no = {name: i for i, (name, _) in enumerate(clusters)}

    shard_files = [(f"i/{k}.json", s.text.encode()) for k, s in enumerate(shards)]
    records = []
    for d, text in zip(ordered, texts, strict=True):
        record: dict[str, Any] = {
            "url": d.url,
            "title": d.title,
            "date": d.date or "",
            "cluster": cluster_no[d.cluster],
            "bulletin": d.bulletin,
            "text": text,
        }
        for key in ("column", "source", "byline"):  # only when printed: most have none
            if getattr(d, key):
                record[key] = getattr(d, key)
        records.append(record)
    store_files = [
        (f"d/{k}.json", dumps({"docs": records[i : i + store_chunk]}).encode())
        for k, i in enumerate(range(0, len(records), store_chunk))
    ]
    facets = dumps(
        {
            "cluster": [cluster_no[d.cluster] for d in ordered],
            "months": _ranges([month_key(d.date) for d in ordered]),
        }
    ).encode()
    t2s = build_map({c for t in index.terms for c in t})
    t2s_file = dumps(t2s).encode()

    manifest = {
        "format": FORMAT,
        "lunr": LUNR_VERSION,
        "fields": list(index.fields),
        "pipeline": [PIPELINE_FN],
        "docs": len(ordered),
        "terms": len(index.terms),
        "shards": " ".join(separators(shards)),
        "w": index_width(index),
        "v": _digest(data for _, data in shard_files),
        "sv": _digest([facets, *(data for _, data in store_files)]),
        "store": store_chunk,
        # [name, slug, aliases] (aliases only when site.yml gives some)
        "clusters": [[name, slug, *_aliases(config, name)] for name, slug in clusters],
        "years": _ranges([(d.date or "")[:4] for d in ordered]),
        "t2s": _digest([t2s_file]),
    }
    raw_manifest = dumps(manifest).encode()
    files = [
        *shard_files,
        *store_files,
        ("facets.json", facets),
        ("t2s.json", t2s_file),
        ("manifest.json", raw_manifest),
    ]
    if write is None:
        _write_dir(out_dir, files, previous if previous is not None else _previous_build(out_dir))
    else:
        for rel, data in files:
            write(rel, data)
    t3 = time.perf_counter()

    sizes = GzipSizes(cache_dir / "search" / "gzip-sizes.marshal")
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        index_gz = sum(sizes.of([data for _, data in shard_files], pool))
        store_gz = sum(sizes.of([facets, *(data for _, data in store_files)], pool))
    sizes.save()
    return SearchStats(
        docs=len(ordered),
        terms=len(index.terms),
        shards=len(shards),
        index_bytes=sum(len(data) for _, data in shard_files),
        index_gzip=index_gz,
        store_bytes=len(facets) + sum(len(data) for _, data in store_files),
        store_gzip=store_gz,
        manifest_bytes=len(raw_manifest),
        manifest_gzip=_gzip_size(raw_manifest),
        seconds=time.perf_counter() - t0,
        extra={
            "postings": index.postings,
            "token_cache_hits": cache.hits,
            "token_cache_misses": cache.misses,
            "token_cache_line_misses": cache.line_misses,
            "tokenize_seconds": round(t1 - t0, 3),
            "index_seconds": round(t2 - t1, 3),
            "write_seconds": round(t3 - t2, 3),
        },
    )


def _link_same(old: Path, target: Path, data: bytes) -> bool:
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        if target.exists():
            target.unlink()
        os.link(old, target)
    except OSError:
        return False
    return True


class GzipSizes:
    """gzip sizes (for the build summary) remembered by content hash: unchanged files are not
    compressed again."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.old: dict[bytes, int] = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            self.old = {}
        self.new: dict[bytes, int] = {}

    def of(self, blobs: list[bytes], pool: ThreadPoolExecutor) -> list[int]:
        keys = [hashlib.blake2b(b, digest_size=12).digest() for b in blobs]
        todo = [i for i, k in enumerate(keys) if k not in self.old and k not in self.new]
        for i, n in zip(todo, pool.map(_gzip_size, [blobs[i] for i in todo]), strict=True):
            self.new[keys[i]] = n
        out = []
        for k in keys:
            n = self.new.get(k, self.old.get(k))
            assert n is not None
            self.new[k] = n
            out.append(n)
        return out

    def save(self) -> None:
        if self.new.keys() != self.old.keys():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.tmp{os.getpid()}")
            tmp.write_bytes(marshal.dumps(dict(sorted(self.new.items()))))
            os.replace(tmp, self.path)


def _digest(chunks: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(hashlib.sha256(c).digest())
    return h.hexdigest()[:12]


def _previous_build(out_dir: Path) -> Path | None:
    """The previous build's search folder when writing into huikan's staging folder
    (``<out>.tmp-<pid>/search``, see huikan.site.output), else None."""
    m = re.fullmatch(r"(.+)\.tmp-\d+", out_dir.parent.name)
    if m is None:
        return None
    prev = out_dir.parent.parent / m.group(1) / out_dir.name
    return prev if prev.is_dir() else None


def _write_dir(out_dir: Path, files: list[tuple[str, bytes]], previous: Path | None) -> None:
    """Write ``files`` under ``out_dir``, deleting stale shards and store files; a file
    identical to the one at the same place in ``previous`` is hard-linked from there (much
    cheaper than writing it: most store files do not change from one build to the next)."""
    keep: dict[Path, set[str]] = {}
    for rel, data in files:
        target = out_dir / rel
        if target.parent not in keep:
            target.parent.mkdir(parents=True, exist_ok=True)
            keep[target.parent] = set()
        keep[target.parent].add(target.name)
        if previous is not None and _link_same(previous / rel, target, data):
            continue
        if target.exists():
            target.unlink()  # never write through a hard link into an older build
        target.write_bytes(data)
    for sub in ("i", "d"):
        for old in (out_dir / sub).glob("*.json"):
            if old.name not in keep.get(out_dir / sub, set()):
                old.unlink()


__all__ = ["SearchDoc", "SearchStats", "write_search_index"]
