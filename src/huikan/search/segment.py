"""Document segments: the unit of work (and of reuse) of the search index.

Documents are numbered by (date, cluster, url) and cut into segments of consecutive documents
(:func:`segment_ranges`): whole segments of :data:`SEGMENT_DOCS`, then one segment of the
whole units of :data:`SEGMENT_UNIT` that follow, and the rest (:func:`segment_ranges` can put
a middle level between the two, :data:`SEGMENT_MIDDLE`; none by default, see below). Each
segment has its own term shards (``i/<segment>/<k>.json``) and its own store files
(``i/<segment>/d<chunk>.json``; a segment is a whole number of store chunks), and every byte
of them is a function of the segment's documents alone:

* posting values are document-local (BM25's tf part with a fixed field-length reference,
  :data:`huikan.search.index.LENGTH_REF`; the browser multiplies in idf from the document
  frequency it reads off the loaded postings and the manifest's document count);
* document numbers in a shard are counted from the segment's first document;
* a segment's shard boundaries depend on its own terms only (and the fixed shard budget,
  part of the key). The directories that find a term's shard in every segment
  (:func:`huikan.search.directory.directories`) are the archive's, few and small, and written
  again by every build from the segments' separators (kept in :class:`SegmentInfo`).

So a new bulletin — the newest, the common case — changes only the segments at the end: the
build recomputes :func:`segment_key` for every segment (a hash of its documents), keeps the
files of every segment whose key the previous build's manifest records, and indexes only the
others: the rest after the last whole unit (under :data:`SEGMENT_UNIT` documents, 2,048,
and the newest month's; at 5,000 bulletins on a 2-core machine a +1 build's search stage
took 2.5–4.1 s with a rest of ~2,000 articles, 2.2–2.7 s with one of ~300); when the new
documents complete a unit, the segment of units is indexed again with it (at most 129,024
documents, about every 128 bulletins: at 5,000 bulletins, 77,824 of them in ~64 s), and
when they complete a :data:`SEGMENT_DOCS`, that segment. Units are counted only up to the
newest month's first article (:func:`settled_count`): the next issue of a series sorts
among that month's other issues, not after them, so the month stays in the rest. A
log-structured merge with two levels: at most 1 + n / 131,072 whole segments and a partial
one. Memory is bounded by the postings of :data:`~huikan.search.merge.PART_DOCS` documents
(a larger segment is indexed in parts and merged, :mod:`huikan.search.merge`). A back issue
inserted in the middle shifts the numbers of every later document, so every segment from
there on is rebuilt (still byte-identical to a full build, just not cheap).

Why two levels, and segments of 131,072: a query term costs one shard request per segment,
whatever the segment's size, and on a small machine a request costs the browser a few ms of
CPU. At 5,000 bulletins (~79,700 articles) the three levels of before (65,536, units of
4,096, units of 512, the rest) made 4 segments, the last two holding 2.3 % of the articles
and 46 % of a query's shard requests; two levels under 65,536 make 3 (65,536, 12,288, the
rest), under 131,072 they make 2 (77,824 and the rest): 25, 22.5 and 19 requests a dev
query (median), each step ~10 % off the warm latency (per-query ratios 0.926 and 0.896,
same archive, same scripts, interleaved). The price is indexing more again: the rest
(under 2,048 articles instead of under 512) on every new bulletin, and the segment of
units, up to 129,024 articles, every 128 bulletins. Indexing a
segment at once holds ~1.1 GB of postings arrays for 16,384 documents, twice that at 32,768,
which put the search process over 4 GB at 5,000 bulletins; so segments are indexed in parts
of 16,384, kept compact (9 bytes a posting) and merged term by term.

What a reused segment contributes to the archive-wide figures (distinct terms, characters for
the traditional → simplified map, sizes) is kept in the cache under its key
(:class:`SegmentInfo`), so reusing a segment never reads its postings back.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import marshal
import os
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from huikan.search.arrays import unique_sorted
from huikan.search.index import FIELDS, LENGTH_REF, LunrIndex, build_index
from huikan.search.merge import merged_texts
from huikan.search.shard import pack_shards, separators, term_texts
from huikan.search.store import dumps
from huikan.search.vocab import FieldTerms, Vocabulary

SEGMENT_DOCS = 131072  # documents of the largest segment (indexed in parts of merge.PART_DOCS)
SEGMENT_MIDDLE: int | None = None  # a middle level's unit (divides SEGMENT_DOCS): none
SEGMENT_UNIT = 2048  # the lowest level's: divides SEGMENT_DOCS, a multiple of the store chunk
# 7: a big term's whole file too (w<k>.json); 6: a big term's levels in a file of their own
# (l<k>.json); 5: no directories in the segment
# folder (4: impact levels, 3: the store in the segment folder)
KEY_FORMAT = b"huikan-search-segment/7\0"


@dataclass
class SegmentInfo:
    """What the archive-wide files and figures need from a segment, cached under its key."""

    seps: str  # its shards' separators (shard.separators), space-separated
    shards: int
    levels: list[int]  # the split shards: levels and whole in files of their own (l, w<k>.json)
    big: str  # their terms, space-separated (the directories list them: directory.py)
    postings: int
    chars: str  # every character of its terms (for t2s.json)
    hashes: bytes  # 8-byte hashes of its distinct terms (to count distinct terms overall)
    index_bytes: int
    index_gzip: int
    store_bytes: int
    store_gzip: int

    def entry(self, start: int, count: int, key: str) -> list[Any]:
        """The segment's entry in manifest.json: [first doc, docs, version] (the version, a
        prefix of its key, also busts browser caches of its files)."""
        return [start, count, key[:16]]

    def separators(self) -> list[str]:
        return self.seps.split(" ") if self.seps else []

    def big_terms(self) -> list[str]:
        return self.big.split(" ") if self.big else []


@cache
def search_code() -> str:
    """Hash of the search package's files (code and data): new code, new index."""
    import huikan

    h = hashlib.sha256(huikan.__version__.encode())
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def segment_ranges(
    n: int,
    size: int = SEGMENT_DOCS,
    unit: int | None = None,
    middle: int | None = None,
    settled: int | None = None,
) -> list[tuple[int, int]]:
    """The segments of ``n`` documents, (first, end): as many of ``size`` as fit, then one of
    the whole units of ``middle`` after them (when ``unit`` < ``middle`` < ``size``), one of
    the whole units of ``unit`` after those (default ``size``: equal segments), then the
    rest. Adding documents changes only the segments after the highest level whose count of
    whole units changes, and never a whole ``size`` one.

    ``settled`` (default ``n``): how many of the first documents no new one will sort among
    (:func:`settled_count`). Whole segments and units are counted within those only, so
    the documents after them are all in the rest, the one segment a new issue indexes again."""
    unit = unit or size
    levels = [size, *(x for x in (middle, unit) if x and unit <= x < size)]
    if unit < 1 or size % unit or any(big % small for big, small in itertools.pairwise(levels)):
        raise ValueError(f"segment sizes {levels} do not divide each other")
    whole = n if settled is None else max(0, min(settled, n))
    out = [(start, start + size) for start in range(0, whole - whole % size, size)]
    start = whole - whole % size
    for step in levels[1:]:
        end = start + (whole - start) // step * step
        if end > start:
            out.append((start, end))
            start = end
    if start < n:
        out.append((start, n))
    return out


def settled_count(dates: list[str], most: int) -> int:
    """How many of the documents (their dates, in number order) lie before the newest date's,
    when that date has at most ``most`` documents; else all of them.

    Documents are numbered by (date, cluster, url), and bulletins are dated by the month:
    the next issue of a series sorts among the issues of the other series that month, not
    after them. A segment ending inside that month would be indexed again with every issue
    of it — the whole segment of units, up to 129,024 articles, seven times in a month of
    eight series, when a unit's end fell there (measured at 5,000 bulletins: +1 builds of
    15–18 s where they took 6–8). The newest month stays in the rest. A newest date
    holding more than ``most`` documents (an archive imported with one date) is not held
    back: the rest would grow without bound."""
    if not dates:
        return 0
    newest = dates[-1]
    first = len(dates)
    while first and dates[first - 1] == newest:
        first -= 1
    return first if len(dates) - first <= most else len(dates)


def segment_key(common: bytes, start: int, docs: list[list[str]]) -> str:
    """Hash of everything a segment's files are made from: ``common`` (code, tokenizer,
    layout), its first document's number and each document's inputs (strings, each hashed
    with its length, so no two lists hash alike). Plain hashing, no JSON: a build computes
    the key of every segment of the archive."""
    h = hashlib.sha256(KEY_FORMAT + common)
    h.update(str(start).encode())
    for values in docs:
        h.update(b"\1")
        for v in values:
            h.update(f"{len(v)}:".encode())
            h.update(v.encode())
    return h.hexdigest()


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def gzip_estimate(files: list[bytes], samples: int = 256) -> int:
    """Sum of the files' gzip sizes, estimated from every eighth file, or from about
    ``samples`` files evenly spread in a large segment (compressing thousands of small files
    one by one costs more than writing them: every eighth file of a cold build of 5,000
    bulletins was ~13,500 compressions for a figure of the build report)."""
    sample = files[:: max(8, len(files) // samples)]
    raw = sum(len(d) for d in sample)
    if not raw:
        return 0
    return round(sum(gzip_size(d) for d in sample) * sum(len(d) for d in files) / raw)


def index_part(terms: list[dict[str, FieldTerms]], vocab: Vocabulary) -> LunrIndex:
    """The index of consecutive documents (their field terms), numbered from 0."""
    return build_index(
        [str(i) for i in range(len(terms))], terms, vocab, fields=FIELDS, length_ref=LENGTH_REF
    )


def store_files(
    records: list[dict[str, Any]], first_chunk: int, store_chunk: int
) -> dict[str, bytes]:
    """The store files of consecutive documents, ``store_chunk`` a file, named within the
    segment's folder ("d<chunk>.json")."""
    return {
        f"d{first_chunk + k}.json": dumps({"docs": records[i : i + store_chunk]})
        for k, i in enumerate(range(0, len(records), store_chunk))
    }


def store_sizes(store: dict[str, bytes]) -> tuple[int, int]:
    """Bytes and estimated gzip bytes of store files (:func:`gzip_estimate`)."""
    return sum(len(d) for d in store.values()), gzip_estimate([store[k] for k in sorted(store)])


def shard_budget(shard_bytes: int, docs: int, segment_docs: int) -> int:
    """The shard size of a segment of ``docs`` documents, ``shard_bytes`` being that of a
    full one (``segment_docs``): in proportion to the square root of its size, not under a
    quarter. A query term costs its shard in every segment, about the budget each for a
    rare term, and a segment makes (its postings / budget) files: for a given number of
    files the bytes a query reads are fewest when each budget goes as the square root of
    its segment's postings (Lagrange). The small segments at the archive's end (8,192 to 54
    articles at 5,000 bulletins when sizes halved down to 512) then cost ~0.6 kB a term
    instead of ~1.7."""
    scaled = round(shard_bytes * (min(docs, segment_docs) / segment_docs) ** 0.5)
    return max(shard_bytes // 4, scaled)


def build_segment(
    parts: list[LunrIndex],
    *,
    part_docs: int,
    shard_bytes: int,
    store: tuple[int, int],
    split_bytes: int,
    segment_docs: int,
) -> tuple[SegmentInfo, dict[str, bytes]]:
    """A segment's info and its shard files ({"<k>.json": data}) from the indexes of its
    parts (consecutive, ``part_docs`` documents each but the last: one part, or several
    merged by :func:`huikan.search.merge.merged_texts`); ``store``: its store files' bytes
    and gzip bytes (:func:`store_sizes`, written as each part was indexed). Its shards are
    of :func:`shard_budget` (``shard_bytes`` in a segment of ``segment_docs``), a term
    counted over ``split_bytes`` alone with its levels file ("l<k>.json") and whole file
    ("w<k>.json")."""
    if len(parts) == 1:
        terms = parts[0].terms
        texts, counted = term_texts(parts[0])
    else:
        terms, texts, counted = merged_texts(parts, part_docs)
    postings = sum(p.postings for p in parts)
    docs = sum(len(p.refs) for p in parts)
    parts.clear()  # the postings: the texts hold what the shards need
    budget = shard_budget(shard_bytes, docs, segment_docs)  # a smaller segment, smaller shards
    shards = pack_shards(terms, texts, counted, budget, split_bytes)
    del texts, counted
    files = {f"{k}.json": s.text.encode() for k, s in enumerate(shards)}
    for k, sh in enumerate(shards):
        if sh.levels and sh.whole:
            files[f"l{k}.json"] = sh.levels.encode()
            files[f"w{k}.json"] = sh.whole.encode()
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest()) for t in terms],
        dtype=np.uint64,
    )
    info = SegmentInfo(
        seps=" ".join(separators(shards)),
        shards=len(shards),
        levels=[k for k, s in enumerate(shards) if s.levels],
        big=" ".join(s.terms[0] for s in shards if s.levels),
        postings=postings,
        chars="".join(sorted({c for t in terms for c in t})),
        hashes=unique_sorted(hashes).tobytes(),
        index_bytes=sum(len(d) for d in files.values()),
        index_gzip=gzip_estimate([files[k] for k in sorted(files)]),
        store_bytes=store[0],
        store_gzip=store[1],
    )
    return info, files


class InfoCache:
    """:class:`SegmentInfo` by segment key, one small marshal file each in ``folder``."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> SegmentInfo | None:
        if self.folder is None:
            return None
        try:
            data = marshal.loads((self.folder / f"{key}.marshal").read_bytes())
            info = SegmentInfo(**data)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if {f.name for f in fields(SegmentInfo)} != set(data):
            return None
        self.used.add(key)
        return info

    def put(self, key: str, info: SegmentInfo) -> None:
        self.used.add(key)
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.marshal"
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(marshal.dumps(asdict(info)))
        os.replace(tmp, path)

    def prune(self) -> None:
        """Forget segments this build did not use (their documents changed)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for p in self.folder.glob("*.marshal"):
            if p.stem not in self.used:
                p.unlink(missing_ok=True)


def distinct_terms(infos: list[SegmentInfo]) -> int:
    if not infos:
        return 0
    return len(unique_sorted(np.concatenate([np.frombuffer(i.hashes, np.uint64) for i in infos])))
