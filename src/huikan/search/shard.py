"""Split a segment's index by term range into shards the browser fetches one by one.

The site's index is cut into document segments (:mod:`huikan.search.segment`) and each
segment's terms into shards. Terms are in UTF-16 order (JavaScript's), so each shard holds a
contiguous range of terms and a lookup needs only the first term of each shard (the shortest
prefix that separates it from the previous one, :func:`separators`). The lookup has two
levels (:func:`groups`): consecutive shards are grouped by :data:`GROUP_SHARDS`, the manifest
holds one separator per group (the separator of the group's first shard) and each group has a
small directory file, ``g<j>.json`` in the segment's folder:

    {"k": <number of the group's first shard>, "seps": "<separators of its other shards>"}

(space-separated). The browser finds a term's group in the manifest, its shard in the group's
directory, and fetches ``<k>.json``: small shards then cost neither a large manifest (every
cold search page loads all of it) nor neighbouring terms' postings in every segment.
A shard is a compact, lossless encoding of its slice of the segment's postings:

    {"t": [term, ...],
     "p": [["<title postings>", "<body postings>", "<cluster postings>", …] per term]}

(one string per field in the manifest's ``fields`` order, trailing empty ones left out)

where a postings string holds pairs (doc - previous doc, 1000 × BM25 tf part) as fixed-width
base64url numbers (the segment's width ``w`` in the manifest; the first doc is counted from the
segment's first document) — cheap to write for millions of postings and to read in the
browser. The tf part (``build_index(length_ref=…)``) is local to its document; decoding
(:func:`to_lunr` here, ``decodePostings``/``toLunr`` in ``static/search-rank.js``) multiplies
in lunr's idf from the term's document frequency — the postings of the term in every segment,
all loaded for a query — and the manifest's document count, and gives lunr's serialisation for
those terms. So the browser merges the shards a query needs into one small ``lunr.Index`` whose
scores equal those of the index of every shard: lunr's score is a dot product of the query
vector with field vectors, and every element it touches lives in the loaded shards. Merging
(rather than querying shards one by one) keeps the AND of required terms exact too.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from huikan.compactjson import dumps as compact
from huikan.search.index import LUNR_VERSION, PIPELINE_FN, LunrIndex, idf, utf16_key

# A query fetches its terms' shard in every segment, so the neighbours a shard carries cost once
# per segment and term; small shards cost only more directory entries (two-level lookup) and
# more files. Measured on the dev queries at 80,000 articles (terms of one build repacked):
# 4 / 8 / 12 / 24 kB shards: 106,255 / 60,014 / 42,337 / 22,755 shard files, a cold query's
# index and manifest median 192 / 201 / 210 / 313 kB gzip. 8 kB: within 5 % of the smallest
# payload with 44 % fewer files than 4 kB (files cost build time, disk blocks and uploads).
DEFAULT_SHARD_BYTES = 8_000
# Shards per group: a directory lists this many separators (~500 bytes gzip) and the manifest
# one per group (80,000 articles: ~830 groups, ~5 kB gzip manifest; 64 would make it ~8 kB and
# save ~200 bytes per directory fetched, a wash for a cold query).
GROUP_SHARDS = 128


@dataclass
class Shard:
    terms: list[str]
    text: str  # the JSON file contents


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url
_ALPHABET = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)


def width_for(largest: int) -> int:
    """Characters per number so that every number up to ``largest`` fits (6 bits each)."""
    return max(1, -(-max(1, int(largest).bit_length()) // 6))


def encode_ints(x: np.ndarray, width: int) -> str:
    """Non-negative integers as fixed-width base64url digits, most significant first."""
    out = np.empty((len(x), width), dtype=np.uint8)
    for k in range(width):
        out[:, k] = _ALPHABET[(x >> (6 * (width - 1 - k))) & 63]
    return out.tobytes().decode("ascii")


def decode_ints(text: str, width: int) -> list[int]:
    value = {c: i for i, c in enumerate(ALPHABET)}
    out = []
    for i in range(0, len(text), width):
        n = 0
        for c in text[i : i + width]:
            n = n * 64 + value[c]
        out.append(n)
    return out


def term_texts(index: LunrIndex, width: int) -> list[str]:
    """Each term's postings as JSON text: one string per field of (Δdoc, 1000 × score) pairs,
    trailing empty fields left out.

    Millions of terms on a cold build of a large archive: which fields a term keeps is worked
    out with numpy, and a term's text is one slice per kept field of the encoded postings
    (most terms are in one or two fields)."""
    nf = len(index.fields)
    n = len(index.terms)
    tid, fld, doc, milli = index.tid, index.fld, index.doc, index.milli
    p = len(tid)
    group = tid * nf + fld
    start = np.ones(p, dtype=bool)
    start[1:] = group[1:] != group[:-1]
    prev = np.zeros(p, dtype=np.int64)
    prev[1:] = doc[:-1]
    flat = np.empty(2 * p, dtype=np.int64)
    flat[0::2] = np.where(start, doc, doc - prev)
    flat[1::2] = milli
    text = encode_ints(flat, width)
    cuts = np.searchsorted(group, np.arange(n * nf + 1))
    filled = (cuts[1:] > cuts[:-1]).reshape(n, nf)
    # fields kept: up to the last one with postings, at least one
    kept = np.where(filled.any(axis=1), nf - np.argmax(filled[:, ::-1], axis=1), 1).tolist()
    b = (cuts * (2 * width)).tolist()
    out = []
    for t, k in enumerate(kept):
        at = t * nf
        if k == 1:
            out.append('["' + text[b[at] : b[at + 1]] + '"]')
        elif k == 2:
            out.append('["' + text[b[at] : b[at + 1]] + '","' + text[b[at + 1] : b[at + 2]] + '"]')
        else:
            parts = [text[b[at + f] : b[at + f + 1]] for f in range(k)]
            out.append('["' + '","'.join(parts) + '"]')
    return out


def index_width(index: LunrIndex) -> int:
    largest = max(int(index.milli.max()) if len(index.milli) else 0, len(index.refs))
    return width_for(largest)


def make_shards(index: LunrIndex, max_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """Pack consecutive terms into shards of about ``max_bytes`` (a big term gets its own)."""
    texts = term_texts(index, index_width(index))
    shards: list[Shard] = []
    cur: list[int] = []
    size = 0

    def flush() -> None:
        terms = [index.terms[t] for t in cur]
        body = ",".join(texts[t] for t in cur)
        text = (
            f'{{"t":{json.dumps(terms, ensure_ascii=False, separators=(",", ":"))},"p":[{body}]}}'
        )
        shards.append(Shard(terms, text))

    for t, term in enumerate(index.terms):
        n = len(texts[t]) + len(term.encode()) + 4
        if cur and size + n > max_bytes:
            flush()
            cur, size = [], 0
        cur.append(t)
        size += n
    if cur:
        flush()
    return shards


def separators(shards: list[Shard]) -> list[str]:
    """For each shard after the first, the shortest prefix of its first term that sorts after
    the previous shard's last term: term t lives in the last shard whose separator <= t."""
    out = []
    for prev, cur in itertools.pairwise(shards):
        last, first = utf16_key(prev.terms[-1]), cur.terms[0]
        for n in range(1, len(first) + 1):
            if utf16_key(first[:n]) > last:
                out.append(first[:n])
                break
    return out


def groups(seps: list[str], size: int = GROUP_SHARDS) -> tuple[list[str], list[bytes]]:
    """Group the shards of a segment (``seps``: their separators) by ``size``: the coarse
    separators (of each group after the first, the separator of its first shard) and each
    group's directory file. Shard k is in group k // size; the separator of shard k is
    ``seps[k - 1]``, so the directory of group j lists ``seps[j*size : (j+1)*size - 1]``."""
    coarse = [seps[j * size - 1] for j in range(1, len(seps) // size + 1)]
    files = [
        compact({"k": first, "seps": " ".join(seps[first : first + size - 1])})
        for first in range(0, len(seps) + 1, size)
    ]
    return coarse, files


def to_lunr(shards: list[dict[str, Any]], manifest: dict[str, Any]) -> dict[str, Any]:
    """Decode shards (parsed JSON with their segment number as ``"s"``, any order) into the
    lunr serialisation of their slice: terms numbered in UTF-16 order, each posting's value
    idf × tf part, idf from the term's field postings in the given shards and ``docs``."""
    fields, segs, n = manifest["fields"], manifest["segs"], manifest["docs"]
    found: dict[str, list[list[tuple[int, int]]]] = {}
    for shard in sorted(shards, key=lambda s: s["s"]):
        start, width = segs[shard["s"]][0], segs[shard["s"]][2]
        for term, plists in zip(shard["t"], shard["p"], strict=True):
            per_field = found.setdefault(term, [[] for _ in fields])
            for f, text in enumerate(plists):  # trailing empty fields left out
                flat = decode_ints(text, width)
                doc = start
                for j in range(0, len(flat), 2):
                    doc += flat[j]
                    per_field[f].append((doc, flat[j + 1]))
    inverted = []
    vectors: dict[str, list[float]] = {}
    for index, term in enumerate(sorted(found, key=utf16_key)):
        per_field = found[term]
        weight = idf(sum(len(p) for p in per_field), n)
        posting: dict[str, Any] = {f: {} for f in fields}
        for f, postings in zip(fields, per_field, strict=True):
            for doc, q in postings:
                posting[f][str(doc)] = {}
                vectors.setdefault(f"{f}/{doc}", []).extend([index, weight * q / 1000])
        posting["_index"] = index
        inverted.append([term, posting])
    return {
        "version": LUNR_VERSION,
        "fields": fields,
        "fieldVectors": [[k, v] for k, v in vectors.items()],
        "invertedIndex": inverted,
        "pipeline": [PIPELINE_FN],
    }
