"""Full-text search: a prebuilt, sharded lunr index the browser loads piece by piece.

The site build calls :func:`write_search_index` with one :class:`SearchDoc` per article; it
writes a small manifest, the index shards with the directories that find them
(:mod:`huikan.search.shard`) and the document store under ``<site>/search/``,
segment by segment of documents (:mod:`huikan.search.segment`): a segment whose documents did
not change since the previous build is kept (or hard-linked) from it, so a new issue costs one
segment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from huikan.config import SiteConfig
from huikan.search.cache import TokenCache
from huikan.search.files import Folder, Writer, previous_build, previous_segments
from huikan.search.indexing import IndexJob, cluster_names, index_segment
from huikan.search.manifest import TopFiles, top_files
from huikan.search.merge import PART_DOCS
from huikan.search.segment import (
    SEGMENT_DOCS,
    SEGMENT_MIDDLE,
    SEGMENT_UNIT,
    InfoCache,
    SegmentInfo,
    search_code,
    segment_key,
    segment_ranges,
    settled_count,
)
from huikan.search.shard import DEFAULT_SHARD_BYTES, DIRECTORY_SEPARATORS, SPLIT_FACTOR
from huikan.search.stats import SearchStats, stats_of
from huikan.search.tokenize import Tokenizer

# 10: a big term's whole file too (documents and levels: a query that surely scores the term
# reads it alone); 9: a big term's levels in a file of their own, read only when the query
# scores the term; 8: palettes of levels, documents numbered by (date, cluster, url); 7: one
# set of directories for all segments (6: impact levels, 5: the store in the segments).
# static/search-files.js names the format it reads and refuses any other.
FORMAT = "huikan-search/10"
# Documents per store file. One: a query's results are scattered over the archive, so a file of
# four held three articles nobody asked for — 3/4 of a cold search page's bytes went there.
STORE_CHUNK = 1


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
    # A string that changes whenever any field above does (the site's article ident): the
    # segment key then hashes it instead of the fields, so a build can tell which segments
    # changed without the bodies. With it, ``body`` may be left empty and ``load_body``
    # given: bodies are loaded only for the segments indexed again.
    ident: str = ""
    load_body: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    def text(self) -> str:
        """The body, loaded (and not kept) when the caller deferred it: a document's body is
        read once, when its segment is indexed."""
        return self.body if self.load_body is None else self.load_body()


def _aliases(config: SiteConfig, cluster: str) -> list[list[str]]:
    aliases = cluster_names(config, cluster)[1:]
    return [aliases] if aliases else []


def write_search_index(
    docs: list[SearchDoc],
    out_dir: Path,
    config: SiteConfig,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    write: Callable[[str, bytes], object] | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    split_bytes: int | None = None,
    directory_size: int = DIRECTORY_SEPARATORS,
    store_chunk: int = STORE_CHUNK,
    previous: Path | None = None,
    segment_docs: int = SEGMENT_DOCS,
    segment_unit: int | None = None,
    segment_middle: int | None = SEGMENT_MIDDLE,
    part_docs: int = PART_DOCS,
    keep: Callable[[str], bool] | None = None,
    made: Callable[[str, Folder], None] | None = None,
) -> SearchStats:
    """Write ``manifest.json``, ``facets.json`` (cluster of each document as a character,
    :data:`~huikan.search.manifest.CLUSTER_CHAR`; documents per month),
    ``t2s.json`` (traditional → simplified, :mod:`huikan.search.t2s`), index shards
    ``i/<segment>/<k>.json`` of about ``shard_bytes`` in a full segment, less in a smaller
    one (:func:`~huikan.search.segment.shard_budget`), a term counted over ``split_bytes``
    (default twice ``shard_bytes``) alone with its levels in ``l<k>.json`` and both in
    ``w<k>.json``, the document store
    ``i/<segment>/d<N>.json`` (``store_chunk`` consecutive documents each), and the
    directories ``g/<j>.json`` that find a term's shard in every segment (about
    ``directory_size`` shard separators each) into ``out_dir`` (``<site>/search/``): all of a
    segment's files are in its folder.
    Documents are numbered by (date, cluster, url) and indexed in segments of
    ``segment_docs``, then one of whole units of ``segment_middle`` (when it lies between),
    one of whole units of ``segment_unit`` (default :data:`SEGMENT_UNIT`, or
    ``segment_docs`` when that is smaller: equal segments) and the rest
    (:mod:`huikan.search.segment`), each indexed in parts of at most ``part_docs``
    (:mod:`huikan.search.merge`: the part size bounds memory, not the segment size).

    * ``cache_dir``: the site's cache folder (default ``.huikan-cache`` beside site.yml);
      search keeps its token cache and segment figures in ``cache_dir/search``.
    * ``jobs``: worker processes for tokenising uncached text (default: CPUs).
    * ``write(rel_path, data)``: when given, every file goes through it (paths relative to
      ``out_dir``) instead of being written here, and every segment is indexed.
    * ``previous``: the previous build's search folder (found by itself when ``out_dir`` is
      huikan's staging folder): a segment whose key its manifest records is hard-linked
      from there instead of being indexed again.
    * ``keep(folder)``: asked first for such a segment's folder (``i/<segment>``); True when
      the caller keeps it where it is (huikan's output folder is updated in place: the
      previous build's files are already in the site), so it is neither linked nor written.
    * ``made(folder, record)``: called with each segment folder this build wrote or linked
      and its :class:`~huikan.search.files.Folder` record (hashed as it was written).
    """
    t0 = time.perf_counter()
    if cache_dir is None:
        cache_dir = config.root / ".huikan-cache"
    segment_unit = _segment_unit(segment_unit, segment_docs, part_docs, store_chunk)
    ordered, clusters = _order(docs, config)
    cluster_no = {name: i for i, (name, _) in enumerate(clusters)}
    if write is None and previous is None:
        previous = previous_build(out_dir)
    writer = Writer(out_dir, write, track=made is not None, previous=previous)
    tokenizer = Tokenizer.for_config(config)
    if split_bytes is None:
        split_bytes = SPLIT_FACTOR * shard_bytes
    # part of every segment's key (the full segment's size sets a smaller one's shard size)
    layout = (store_chunk, shard_bytes, split_bytes, segment_docs)
    reuse = _Reuse.of(config, tokenizer, cluster_no, layout, previous, cache_dir, keep)
    timing = {"tokenize_seconds": 0.0, "index_seconds": 0.0}
    with TokenCache(cache_dir / "search", tokenizer) as cache:
        job = IndexJob(
            config,
            cache,
            jobs,
            writer,
            cluster_no,
            timing,
            store_chunk,
            shard_bytes,
            part_docs,
            split_bytes,
            segment_docs,
        )
        settled = settled_count([d.date or "" for d in ordered], segment_unit)
        ranges = segment_ranges(len(ordered), segment_docs, segment_unit, segment_middle, settled)
        done, entries, built = _each_segment(job, reuse, ordered, ranges, made)
        cache.prune = len(built) == len(entries)
        reuse.infos.prune()  # under the token cache's lock, like every other cache write
    t2 = time.perf_counter()
    rows = [[name, slug, *_aliases(config, name)] for name, slug in clusters]
    top = top_files(ordered, rows, cluster_no, done, entries, FORMAT, store_chunk, directory_size)
    top.write(writer)
    writer.finish()
    timing["write_seconds"] = time.perf_counter() - t2
    return _stats(ordered, done, built, top, cache, timing, t0)


def _segment_unit(unit: int | None, segment_docs: int, part_docs: int, store_chunk: int) -> int:
    """The smallest segment (default :data:`SEGMENT_UNIT`, or ``segment_docs`` when that is
    smaller), checked: a store file never straddles two segments, nor two parts of one."""
    unit = unit or min(SEGMENT_UNIT, segment_docs)
    if unit % store_chunk or part_docs % store_chunk:
        raise ValueError("segment_unit and part_docs must be multiples of store_chunk")
    return unit


@dataclass
class _Reuse:
    """What tells whether a segment of the previous build can be reused (its files are
    linked from the previous build's folder by the Writer)."""

    common: bytes  # what every segment's key starts with: code, tokenizer, layout
    names: dict[str, str]  # each cluster's field text (its names and aliases)
    old: dict[int, tuple[int, int, str]]  # the previous manifest's segments
    infos: InfoCache
    keep: Callable[[str], bool] | None

    @classmethod
    def of(
        cls,
        config: SiteConfig,
        tokenizer: Tokenizer,
        cluster_no: dict[str, int],
        layout: tuple[int, int, int, int],
        previous: Path | None,
        cache_dir: Path,
        keep: Callable[[str], bool] | None,
    ) -> _Reuse:
        """Gathered once a build: a segment's key covers the code, the tokenizer and the file
        layout as well as its documents, so a change to any of them indexes it again."""
        names = {name: "、".join(cluster_names(config, name)) for name in cluster_no}
        common = "\0".join([search_code(), tokenizer.key, *map(str, layout)])
        old = previous_segments(previous, FORMAT)
        infos = InfoCache(cache_dir / "search" / "segments")
        return cls(common.encode(), names, old, infos, keep)


def _each_segment(
    job: IndexJob,
    reuse: _Reuse,
    ordered: list[SearchDoc],
    ranges: list[tuple[int, int]],
    made: Callable[[str, Folder], None] | None,
) -> tuple[list[SegmentInfo], list[list[Any]], list[int]]:
    """Reuse or index every segment (``ranges``: its documents a..b-1), in order: their
    infos, their manifest entries and the document counts of those indexed afresh."""
    done: list[SegmentInfo] = []
    entries: list[list[Any]] = []
    built: list[int] = []
    for s, (a, b) in enumerate(ranges):
        info, key, indexed = _segment(job, reuse, ordered[a:b], s, a, made)
        if indexed:
            built.append(b - a)
        done.append(info)
        entries.append(info.entry(a, b - a, key))
    return done, entries, built


def _segment(
    job: IndexJob,
    reuse: _Reuse,
    part: list[SearchDoc],
    s: int,
    a: int,
    made: Callable[[str, Folder], None] | None,
) -> tuple[SegmentInfo, str, bool]:
    """Segment ``s`` (documents ``part``, the first numbered ``a``): kept where it is, linked
    from the previous build when its key matches what that build recorded, else indexed.
    Its info, its key and whether it was indexed."""
    b = a + len(part)
    key = segment_key(reuse.common, a, [_key_inputs(d, reuse.names, job.cluster_no) for d in part])
    info = reuse.infos.get(key) if reuse.old.get(s) == (a, b - a, key[:16]) else None
    files = _segment_files(s, a, b, info, job.store_chunk) if info else []
    folder = f"i/{s}"
    kept = info is not None and reuse.keep is not None and reuse.keep(folder)
    indexed = False
    if kept:
        job.writer.kept.update(files)  # never swept from out_dir by Writer.finish
    elif info is None or not job.writer.link(files):
        info = index_segment(job, part, s, a)
        reuse.infos.put(key, info)
        indexed = True
    if made is not None and not kept:
        made(folder, job.writer.folder(folder))
    return info, key, indexed


def _stats(
    ordered: list[SearchDoc],
    done: list[SegmentInfo],
    built: list[int],
    top: TopFiles,
    cache: TokenCache,
    timing: dict[str, float],
    t0: float,
) -> SearchStats:
    """The build's figures, with what the caches saved and where the time went."""
    extra = {
        "segments": len(done),
        "segment_cache_hits": len(done) - len(built),  # reused from the previous build
        "token_cache_hits": cache.hits,
        "token_cache_misses": cache.misses,
        "token_cache_line_misses": cache.line_misses,
        **{k: round(v, 3) for k, v in timing.items()},
    }
    terms = top.manifest["terms"]
    return stats_of(
        done,
        top.directories,
        len(ordered),
        top.facets,
        top.raw_manifest,
        terms,
        t0,
        extra,
        reindexed=sum(built),
    )


def _order(docs: list[SearchDoc], config: SiteConfig) -> tuple[list[SearchDoc], list[Any]]:
    """Documents in number order and the clusters, (name, slug): site.yml's, then any other
    in order of first use.

    The order is (date, cluster, url); a URL twice is an error. Date first, so a new issue
    changes only the numbers at the end and the months are runs. Cluster next, so the
    articles of one date — the issues of every series that month — fall in a few runs of
    the same cluster: facets.json's one character a document then compresses to a third
    (80,000 articles: 18.8 → 6.2 kB gzip on every cold search page)."""
    ordered = sorted(docs, key=lambda d: (d.date or "", d.cluster, d.url))
    seen: set[str] = set()
    for d in ordered:
        if d.url in seen:
            raise ValueError(f"两篇文章的网址相同：{d.url}")
        seen.add(d.url)
    clusters = [(c.name, c.slug) for c in config.taxonomy.clusters]
    known = {name for name, _ in clusters}
    for d in ordered:
        if d.cluster not in known:
            known.add(d.cluster)
            clusters.append((d.cluster, d.cluster_slug))
    return ordered, clusters


_KEYED = [f.name for f in fields(SearchDoc) if f.name not in ("ident", "load_body")]


def _key_inputs(d: SearchDoc, names: dict[str, str], cluster_no: dict[str, int]) -> list[str]:
    """Every input of a document's store record and index fields (the body unprocessed, or
    the document's ident when it has one; the cluster field's text, names and aliases, from
    ``names``)."""
    if d.ident:
        values = ["ident", d.ident, d.url, d.date or "", d.cluster]
    else:
        values = [str(getattr(d, name)) for name in _KEYED]
    return [*values, str(cluster_no[d.cluster]), names[d.cluster]]


def _segment_files(s: int, a: int, b: int, info: SegmentInfo, store_chunk: int) -> list[str]:
    """The files of segment ``s`` (documents a..b-1), relative to the search folder."""
    names = [f"{k}.json" for k in range(info.shards)]
    names += [f"{x}{k}.json" for k in info.levels for x in "lw"]
    names += [f"d{c}.json" for c in range(a // store_chunk, -(-b // store_chunk))]
    return [f"i/{s}/{name}" for name in names]


__all__ = ["SearchDoc", "SearchStats", "write_search_index"]
