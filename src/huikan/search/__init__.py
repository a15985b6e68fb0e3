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
from huikan.memory import release_memory
from huikan.search.cache import TokenCache
from huikan.search.files import Folder, Writer, digest, previous_build, previous_segments
from huikan.search.index import FIELDS, IMPACTS, LUNR_VERSION, PIPELINE_FN
from huikan.search.merge import PART_DOCS, compact
from huikan.search.segment import (
    SEGMENT_DOCS,
    SEGMENT_UNIT,
    InfoCache,
    SegmentInfo,
    build_segment,
    distinct_terms,
    index_part,
    search_code,
    segment_key,
    segment_ranges,
    store_files,
    store_sizes,
)
from huikan.search.shard import DEFAULT_SHARD_BYTES, DIRECTORY_SEPARATORS, directories
from huikan.search.stats import SearchStats, stats_of
from huikan.search.store import dumps, plain_text
from huikan.search.t2s import build_map
from huikan.search.tokenize import Tokenizer
from huikan.search.trend import month_key

# 8: palettes of levels, documents numbered by (date, cluster, url); 7: one set of directories
# for all segments (6: impact levels, 5: the store in the segments). static/search-engine.js
# names the format it reads and refuses any other.
FORMAT = "huikan-search/8"
# Documents per store file. One: a query's results are scattered over the archive, so a file of
# four held three articles nobody asked for — 3/4 of a cold search page's bytes went there.
STORE_CHUNK = 1
# facets.json gives each document's cluster as one character, chr(CLUSTER_CHAR + number):
# a string of 80,000 characters gzips to 16.5 kB where the list of numbers took 21 kB, of
# every cold search page (the page needs every result's cluster for its counts).
CLUSTER_CHAR = 48


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


def write_search_index(
    docs: list[SearchDoc],
    out_dir: Path,
    config: SiteConfig,
    *,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    write: Callable[[str, bytes], object] | None = None,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    directory_size: int = DIRECTORY_SEPARATORS,
    store_chunk: int = STORE_CHUNK,
    previous: Path | None = None,
    segment_docs: int = SEGMENT_DOCS,
    segment_unit: int | None = None,
    part_docs: int = PART_DOCS,
    keep: Callable[[str], bool] | None = None,
    made: Callable[[str, Folder], None] | None = None,
) -> SearchStats:
    """Write ``manifest.json``, ``facets.json`` (cluster of each document as a character,
    :data:`CLUSTER_CHAR`; documents per month),
    ``t2s.json`` (traditional → simplified, :mod:`huikan.search.t2s`), index shards
    ``i/<segment>/<k>.json`` of about ``shard_bytes``, the document store
    ``i/<segment>/d<N>.json`` (``store_chunk`` consecutive documents each), and the
    directories ``g/<j>.json`` that find a term's shard in every segment (about
    ``directory_size`` shard separators each) into ``out_dir`` (``<site>/search/``): all of a
    segment's files are in its folder.
    Documents are numbered by (date, cluster, url) and indexed in segments of at most
    ``segment_docs``, the last ones halving down to ``segment_unit`` (default
    :data:`SEGMENT_UNIT`, or ``segment_docs`` when that is smaller: equal segments;
    :mod:`huikan.search.segment`), each indexed in parts of at most ``part_docs``
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
    segment_unit = segment_unit or min(SEGMENT_UNIT, segment_docs)
    if segment_unit % store_chunk or part_docs % store_chunk:
        # a store file never straddles two segments, nor two parts of one
        raise ValueError("segment_unit and part_docs must be multiples of store_chunk")
    ordered, clusters = _order(docs, config)
    cluster_no = {name: i for i, (name, _) in enumerate(clusters)}
    names = {name: "、".join(cluster_names(config, name)) for name in cluster_no}
    if write is None and previous is None:
        previous = previous_build(out_dir)
    writer = Writer(out_dir, write, track=made is not None)
    tokenizer = Tokenizer.for_config(config)
    layout = (store_chunk, shard_bytes)  # part of every segment's key
    common = "\0".join([search_code(), tokenizer.key, *map(str, layout)])
    old = previous_segments(previous, FORMAT)
    infos = InfoCache(cache_dir / "search" / "segments")
    done: list[SegmentInfo] = []
    entries: list[list[Any]] = []
    timing = {"tokenize_seconds": 0.0, "index_seconds": 0.0}
    built = 0
    with TokenCache(cache_dir / "search", tokenizer) as cache:
        job = _Job(config, cache, jobs, writer, cluster_no, timing, *layout, part_docs)
        for s, (a, b) in enumerate(segment_ranges(len(ordered), segment_docs, segment_unit)):
            part = ordered[a:b]
            key = segment_key(common.encode(), a, [_key_inputs(d, names, cluster_no) for d in part])
            info = infos.get(key) if old.get(s) == (a, b - a, key[:16]) else None
            files = _segment_files(s, a, b, info, store_chunk) if info else []
            folder = f"i/{s}"
            kept = info is not None and keep is not None and keep(folder)
            if kept:
                writer.kept.update(files)  # never swept from out_dir by Writer.finish
            elif info is None or not writer.link(previous, files):
                info = _index_segment(job, part, s, a)
                infos.put(key, info)
                built += 1
            if made is not None and not kept:
                made(folder, writer.folder(folder))
            done.append(info)
            entries.append(info.entry(a, b - a, key))
        cache.prune = built == len(entries)
        infos.prune()  # under the token cache's lock, like every other cache write
    t2 = time.perf_counter()
    facets = dumps(
        {
            "cluster": "".join(chr(CLUSTER_CHAR + cluster_no[d.cluster]) for d in ordered),
            # [month, documents] for each run (documents are numbered by date): the page
            # adds the counts up (as [month, first, last] these were 5.2 kB gzip, now 2.1)
            "months": [[k, b - a + 1] for k, a, b in _ranges([month_key(d.date) for d in ordered])],
        }
    )
    t2s_file = dumps(build_map({c for i in done for c in i.chars}))
    bounds, dir_files = directories([i.separators() for i in done], directory_size)
    manifest = {
        "format": FORMAT,
        "lunr": LUNR_VERSION,
        "fields": list(FIELDS),
        "pipeline": [PIPELINE_FN],
        "docs": len(ordered),
        "terms": distinct_terms(done),
        "segs": entries,  # per segment: [first doc, docs, version]
        # the lookup's term ranges: directory j (g/<j>.json) covers [dirs[j-1], dirs[j])
        "dirs": " ".join(bounds),
        "dv": digest(dir_files),
        "impacts": IMPACTS.tolist(),  # a posting's impact level → 1000 × its tf part
        "store": store_chunk,
        "fv": digest([facets]),
        # [name, slug, aliases] (aliases only when site.yml gives some)
        "clusters": [[name, slug, *_aliases(config, name)] for name, slug in clusters],
        "years": _ranges([(d.date or "")[:4] for d in ordered]),
        "t2s": digest([t2s_file]),
    }
    raw_manifest = dumps(manifest)
    for rel, data in (("facets.json", facets), ("t2s.json", t2s_file)):
        writer.put(rel, data)
    for j, data in enumerate(dir_files):
        writer.put(f"g/{j}.json", data)
    writer.put("manifest.json", raw_manifest)
    writer.finish()
    timing["write_seconds"] = time.perf_counter() - t2
    extra = {
        "segments": len(done),
        "segment_cache_hits": len(done) - built,  # reused from the previous build
        "token_cache_hits": cache.hits,
        "token_cache_misses": cache.misses,
        "token_cache_line_misses": cache.line_misses,
        **{k: round(v, 3) for k, v in timing.items()},
    }
    return stats_of(
        done, dir_files, len(ordered), facets, raw_manifest, manifest["terms"], t0, extra
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


def _record(d: SearchDoc, text: str, cluster_no: dict[str, int]) -> dict[str, Any]:
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
    return record


@dataclass
class _Job:
    """What indexing a segment needs besides its documents."""

    config: SiteConfig
    cache: TokenCache
    jobs: int | None
    writer: Writer
    cluster_no: dict[str, int]
    timing: dict[str, float]
    store_chunk: int
    shard_bytes: int
    part_docs: int = PART_DOCS  # documents indexed at once


def _index_segment(job: _Job, part: list[SearchDoc], s: int, start: int) -> SegmentInfo:
    """Tokenise (from the cache) and index one segment, in parts of at most ``job.part_docs``
    documents (:mod:`huikan.search.merge`), write its files, return its info."""
    indexes = []
    store_bytes = store_gzip = 0
    for a in range(0, len(part), job.part_docs):
        docs = part[a : a + job.part_docs]
        t0 = time.perf_counter()
        # index the text the store keeps (Markdown marks removed), so what a result shows
        # and what it was found by are the same text
        texts = [plain_text(d.text()) for d in docs]
        values = field_values(docs, texts, job.config)
        terms = {f: job.cache.field_terms(values[f], job.jobs) for f in FIELDS}
        job.cache.release()  # before the index, the segment's largest memory
        if len(docs) * 4 >= job.part_docs:
            # and the freed heap given back, or the process only grows; a small segment's
            # postings are small, and a collection walks the whole heap (a +1 build indexes
            # only the newest few hundred documents)
            release_memory()
        t1 = time.perf_counter()
        records = [_record(d, t, job.cluster_no) for d, t in zip(docs, texts, strict=True)]
        files = store_files(records, (start + a) // job.store_chunk, job.store_chunk)
        del texts, values, records
        raw, gz = store_sizes(files)
        store_bytes += raw
        store_gzip += gz
        for rel, data in files.items():
            job.writer.put(f"i/{s}/{rel}", data)
        del files
        cells = [{f: terms[f][i] for f in FIELDS} for i in range(len(docs))]
        del terms
        index = index_part(cells, job.cache.vocab)
        del cells
        indexes.append(index if len(part) <= job.part_docs else compact(index))
        del index
        job.timing["tokenize_seconds"] += t1 - t0
        job.timing["index_seconds"] += time.perf_counter() - t1
    t1 = time.perf_counter()
    info, files = build_segment(
        indexes,
        part_docs=job.part_docs,
        shard_bytes=job.shard_bytes,
        store=(store_bytes, store_gzip),
    )
    for rel, data in files.items():
        job.writer.put(f"i/{s}/{rel}", data)
    job.timing["index_seconds"] += time.perf_counter() - t1
    return info


def _segment_files(s: int, a: int, b: int, info: SegmentInfo, store_chunk: int) -> list[str]:
    """The files of segment ``s`` (documents a..b-1), relative to the search folder."""
    names = [f"{k}.json" for k in range(info.shards)]
    names += [f"d{c}.json" for c in range(a // store_chunk, -(-b // store_chunk))]
    return [f"i/{s}/{name}" for name in names]


__all__ = ["SearchDoc", "SearchStats", "write_search_index"]
