"""Split a segment's index by term range into shards the browser fetches one by one.

The site's index is cut into document segments (:mod:`huikan.search.segment`) and each
segment's terms into shards. Terms are in UTF-16 order (JavaScript's), so each shard holds a
contiguous range of terms and a lookup needs only the first term of each shard (the shortest
prefix that separates it from the previous one, :func:`separators`). The lookup has two
levels (:func:`directories`), shared by all segments: the manifest cuts the term space into
ranges at a few bounds (``dirs``, about one per :data:`DIRECTORY_SEPARATORS` separators of
all segments together), and each range has a directory file, ``g/<j>.json``, listing every
segment's shard separators inside the range:

    {"k": [<per segment: its shard holding the range's lowest term>, ...],
     "seps": ["<per segment: its separators inside the range>", ...]}

(space-separated). The browser finds a term's range in the manifest, its shard in each
segment from that one directory, and fetches ``i/<segment>/<k>.json``: small shards then cost
neither a large manifest (every cold search page loads all of it) nor neighbouring terms'
postings in every segment, and a query asks for one directory per range it touches, not one
per segment (80,000 articles, 8 segments: a cold search page makes 3 directory requests for
the median dev query instead of 15).
A shard is a compact encoding of its slice of the segment's postings (lossless, given the
quantised impacts the index holds):

    {"t": [term, ...],
     "p": [["<title postings>", "<body postings>", "<cluster postings>", …] per term]}

(one string per field in the manifest's ``fields`` order, trailing empty ones left out)

where a postings string holds the documents' gaps (doc - previous doc, the first counted from
the segment's first document) as variable-length base64url numbers, then each posting's
impact level in two digits: the level of 1000 × BM25 tf part × field boost among the 244 of
``impacts`` in the manifest (:data:`huikan.search.index.IMPACTS`) — cheap to write for
millions of postings, to read in the browser, and few distinct values for gzip. The tf part
(``build_index(length_ref=…)``) is local to its document; decoding
(:func:`to_lunr` here, ``decodePostings``/``toLunr`` in ``static/search-rank.js``) multiplies
in lunr's idf from the term's document frequency — the postings of the term in every segment,
all loaded for a query — and the manifest's document count, and gives lunr's serialisation for
those terms. So the browser merges the shards a query needs into one small ``lunr.Index`` whose
scores equal those of the index of every shard: lunr's score is a dot product of the query
vector with field vectors, and every element it touches lives in the loaded shards. Merging
(rather than querying shards one by one) keeps the AND of required terms exact too.
"""

from __future__ import annotations

import bisect
import itertools
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from huikan.compactjson import dumps as compact
from huikan.search.index import (
    IMPACTS,
    LUNR_VERSION,
    PIPELINE_FN,
    LunrIndex,
    idf,
    level_of,
    utf16_key,
)

# A query fetches its terms' shard in every segment, so the neighbours a shard carries cost once
# per segment and term; small shards cost only more directory entries (two-level lookup) and
# more files. Measured on the dev queries at 80,000 articles (terms of one build repacked):
# 4 / 8 / 12 / 24 kB shards: 106,255 / 60,014 / 42,337 / 22,755 shard files, a cold query's
# index and manifest median 192 / 201 / 210 / 313 kB gzip. 8 kB: within 5 % of the smallest
# payload with 44 % fewer files than 4 kB (files cost build time, disk blocks and uploads).
DEFAULT_SHARD_BYTES = 8_000
# Separators per directory (all segments together): a directory is ~1.5 kB gzip at 80,000
# articles (39,000 shards, 62 directories, the manifest ~60 bounds). Larger ones cost bytes on
# every query; smaller ones requests (each ~4-5 ms in a browser here) on queries whose terms
# spread over the term space.
DIRECTORY_SEPARATORS = 640


@dataclass
class Shard:
    terms: list[str]
    text: str  # the JSON file contents


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url
_ALPHABET = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)


def number_digits(x: np.ndarray) -> np.ndarray:
    """Characters of each number in :func:`put_numbers`' code (base-32 digits)."""
    digits = np.ones(len(x), dtype=np.uint8)
    for k in range(1, 13):
        more = x >= (1 << (5 * k))
        if not more.any():
            break
        digits += more
    return digits


def put_numbers(out: np.ndarray, x: np.ndarray, digits: np.ndarray, last: np.ndarray) -> None:
    """Write non-negative integers as variable-length base64url into ``out`` (bytes), number
    j's last character at ``last[j]``: base-32 digits, most significant first, each digit but
    a number's last offset by 32 — so gaps under 32, most of them, take one character."""
    out[last] = _ALPHABET[x & 31]
    for k in range(1, int(digits.max()) if len(x) else 0):
        has = np.flatnonzero(digits > k)
        out[last[has] - k] = _ALPHABET[((x[has] >> (5 * k)) & 31) + 32]


def encode_numbers(x: np.ndarray) -> tuple[str, np.ndarray]:
    """Numbers one after the other in :func:`put_numbers`' code → the text and each
    number's end in it."""
    x = np.asarray(x, dtype=np.int64)
    digits = number_digits(x)
    ends = np.cumsum(digits, dtype=np.int64)
    out = np.empty(int(ends[-1]) if len(x) else 0, dtype=np.uint8)
    put_numbers(out, x, digits, ends - 1)
    return out.tobytes().decode("ascii"), ends


def encode_levels(levels: np.ndarray) -> str:
    """Impact levels (< 4096) as two base64url digits each."""
    out = np.empty(2 * len(levels), dtype=np.uint8)
    put_levels(out, levels, 2 * np.arange(len(levels)))
    return out.tobytes().decode("ascii")


def put_levels(out: np.ndarray, levels: np.ndarray, at: np.ndarray) -> None:
    out[at] = _ALPHABET[levels >> 6]
    out[at + 1] = _ALPHABET[levels & 63]


def decode_postings(text: str) -> list[tuple[int, int]]:
    """One field's postings string → [(Δdoc, impact level)] (as ``shardTerm`` in
    static/search-rank.js): gap numbers until the characters left are two per number read."""
    value = {c: i for i, c in enumerate(ALPHABET)}
    gaps: list[int] = []
    i = 0
    while i + 2 * len(gaps) < len(text):
        n = 0
        while value[text[i]] >= 32:
            n = n * 32 + value[text[i]] - 32
            i += 1
        gaps.append(n * 32 + value[text[i]])
        i += 1
    if i + 2 * len(gaps) != len(text):
        raise ValueError("postings string cut short")
    levels = [value[text[i + 2 * j]] * 64 + value[text[i + 2 * j + 1]] for j in range(len(gaps))]
    return list(zip(gaps, levels, strict=True))


def term_texts(index: LunrIndex) -> list[str]:
    """Each term's postings as JSON text: one string per field, trailing empty fields left
    out; a field's string is its postings' document gaps (:func:`encode_numbers`, the first
    counted from the segment's first document) followed by their impact levels (two digits
    each, levels of :data:`huikan.search.index.IMPACTS`).

    Millions of terms on a cold build of a large archive: which fields a term keeps is worked
    out with numpy, and a term's text is one slice per kept field of the encoded postings
    (most terms are in one or two fields)."""
    nf = len(index.fields)
    n = len(index.terms)
    tid, fld, doc = index.tid, index.fld, index.doc
    p = len(tid)
    group = tid * nf + fld
    start = np.ones(p, dtype=bool)
    start[1:] = group[1:] != group[:-1]
    gaps = doc.copy()
    gaps[1:] -= doc[:-1]
    gaps[start] = doc[start]
    # one text for all: a (term, field) group's gap characters, then its levels; so posting
    # j's gap ends at its end among all gaps + 2 × the postings before its group, and its
    # level is at the end of its group's gaps + 2j (one postings-long array at a time: a
    # segment has ~15 million postings, 120 MB an array)
    digits = number_digits(gaps)
    gap_end = np.cumsum(digits, dtype=np.int64)
    firsts = np.flatnonzero(start)
    sizes = np.diff(np.append(firsts, p))
    text = np.empty(int(gap_end[-1]) + 2 * p if p else 0, dtype=np.uint8)
    at = np.repeat(2 * firsts, sizes)
    at += gap_end
    at -= 1
    put_numbers(text, gaps, digits, at)
    del gaps, digits
    at = np.repeat(gap_end[firsts + sizes - 1], sizes)
    at += np.arange(0, 2 * p, 2)
    levels = level_of(index.milli)
    put_levels(text, levels, at)
    del at, levels
    text = text.tobytes().decode("ascii")
    cuts = np.searchsorted(group, np.arange(n * nf + 1))
    filled = (cuts[1:] > cuts[:-1]).reshape(n, nf)
    # fields kept: up to the last one with postings, at least one
    kept = np.where(filled.any(axis=1), nf - np.argmax(filled[:, ::-1], axis=1), 1).tolist()
    b = (np.concatenate([[0], gap_end])[cuts] + 2 * cuts).tolist()  # each group's slice
    out = []
    for t, k in enumerate(kept):
        a = t * nf
        if k == 1:  # most terms: one field, no list to join
            out.append('["' + text[b[a] : b[a + 1]] + '"]')
        elif k == 2:
            out.append('["' + text[b[a] : b[a + 1]] + '","' + text[b[a + 1] : b[a + 2]] + '"]')
        else:
            out.append('["' + '","'.join(text[b[f] : b[f + 1]] for f in range(a, a + k)) + '"]')
    return out


def make_shards(index: LunrIndex, max_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """Pack consecutive terms into shards of about ``max_bytes`` (a big term gets its own)."""
    texts = term_texts(index)
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


def directories(
    segment_seps: list[list[str]], size: int = DIRECTORY_SEPARATORS
) -> tuple[list[str], list[bytes]]:
    """The lookup's ranges for segments whose shards have the separators ``segment_seps``:
    the bounds (every ``size``-th of all segments' separators in UTF-16 order, so a directory
    lists at most ``size``) and each range's directory file. A term t in range j,
    [bounds[j-1], bounds[j]), is in segment s's shard ``k[s] + shard_of(t, seps[s])``:
    ``k[s]`` counts the segment's separators <= the range's lowest bound, ``seps[s]`` are
    those inside it."""
    every = sorted((sep for seps in segment_seps for sep in seps), key=utf16_key)
    bounds = [b for b, _ in itertools.groupby(every[size::size])]  # segments share separators
    keys = [[utf16_key(sep) for sep in seps] for seps in segment_seps]
    edges = [None, *(utf16_key(b) for b in bounds), None]
    files = []
    for lo, hi in itertools.pairwise(edges):
        first, inside = [], []
        for seps, sk in zip(segment_seps, keys, strict=True):
            a = 0 if lo is None else bisect.bisect_right(sk, lo)
            b = len(sk) if hi is None else bisect.bisect_left(sk, hi)
            first.append(a)
            inside.append(" ".join(seps[a:b]))
        files.append(compact({"k": first, "seps": inside}))
    return bounds, files


def to_lunr(shards: list[dict[str, Any]], manifest: dict[str, Any]) -> dict[str, Any]:
    """Decode shards (parsed JSON with their segment number as ``"s"``, any order) into the
    lunr serialisation of their slice: terms numbered in UTF-16 order, each posting's value
    idf × tf part, idf from the term's field postings in the given shards and ``docs``."""
    fields, segs, n = manifest["fields"], manifest["segs"], manifest["docs"]
    found: dict[str, list[list[tuple[int, int]]]] = {}
    for shard in sorted(shards, key=lambda s: s["s"]):
        start = segs[shard["s"]][0]
        for term, plists in zip(shard["t"], shard["p"], strict=True):
            per_field = found.setdefault(term, [[] for _ in fields])
            for f, text in enumerate(plists):  # trailing empty fields left out
                doc = start
                for gap, level in decode_postings(text):
                    doc += gap
                    per_field[f].append((doc, int(IMPACTS[level])))
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
