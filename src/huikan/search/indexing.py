"""Index one segment's documents: their field terms, store files and shards.

:func:`huikan.search.write_search_index` decides which segments are indexed afresh (the others
are reused from the previous build); :func:`index_segment` does it, in parts of
``part_docs`` documents (:mod:`huikan.search.merge`) so the part size, not the segment size,
bounds memory. (:mod:`huikan.search.index` computes a lunr index from terms; this module feeds
it a segment's documents.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from huikan.config import SiteConfig
from huikan.memory import release_memory
from huikan.search.cache import TokenCache
from huikan.search.files import Writer
from huikan.search.index import FIELDS
from huikan.search.merge import compact
from huikan.search.segment import SegmentInfo, build_segment, index_part, store_files, store_sizes
from huikan.search.store import plain_text

if TYPE_CHECKING:
    from huikan.search import SearchDoc


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


def store_record(d: SearchDoc, text: str, cluster_no: dict[str, int]) -> dict[str, Any]:
    """A document's record in the store (``text``: its plain body): what a result shows,
    without loading the article's page."""
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
class IndexJob:
    """What indexing a segment needs besides its documents."""

    config: SiteConfig
    cache: TokenCache
    jobs: int | None
    writer: Writer
    cluster_no: dict[str, int]
    timing: dict[str, float]
    store_chunk: int
    shard_bytes: int
    part_docs: int  # documents indexed at once
    split_bytes: int  # a term's levels in a file of their own above (shard.py)
    segment_docs: int  # a full segment's documents: smaller ones, smaller shards


def index_segment(job: IndexJob, part: list[SearchDoc], s: int, start: int) -> SegmentInfo:
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
        records = [store_record(d, t, job.cluster_no) for d, t in zip(docs, texts, strict=True)]
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
        split_bytes=job.split_bytes,
        segment_docs=job.segment_docs,
    )
    for rel, data in files.items():
        job.writer.put(f"i/{s}/{rel}", data)
    job.timing["index_seconds"] += time.perf_counter() - t1
    return info
