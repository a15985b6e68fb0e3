"""Split a segment's index by term range into shards the browser fetches one by one.

The site's index is cut into document segments (:mod:`huikan.search.segment`) and each
segment's terms into shards. Terms are in UTF-16 order (JavaScript's), so each shard holds a
contiguous range of terms and a lookup needs only the first term of each shard (the shortest
prefix that separates it from the previous one, :func:`separators`). The lookup has two
levels (:func:`huikan.search.directory.directories`), shared by all segments: the manifest
cuts the term space into ranges at a few bounds (``dirs``, about one per
:data:`DIRECTORY_SEPARATORS` separators of all segments together), and each range has a
directory file, ``g/<j>.json``, listing every segment's shard separators inside the range
(and its split terms, below):

    {"k": [<per segment: its shard holding the range's lowest term>, ...],
     "seps": ["<per segment: its separators inside the range>", ...],
     "big": ["<per segment: its split terms inside the range>", ...]}  (when any)

(space-separated). The browser finds a term's range in the manifest, its shard in each
segment from that one directory, and fetches ``i/<segment>/<k>.json``: small shards then cost
neither a large manifest (every cold search page loads all of it) nor neighbouring terms'
postings in every segment, and a query asks for one directory per range it touches, not one
per segment (80,000 articles, 8 segments then: a cold search page made 3 directory requests
for the median dev query instead of 15).
A shard is a compact encoding of its slice of the segment's postings (lossless, given the
quantised impacts the index holds):

    {"t": [term, ...],
     "p": [["<title postings>", "<body postings>", "<cluster postings>", …] per term]}

(one string per field in the manifest's ``fields`` order, trailing empty ones left out)

A frequent term (counted over :data:`SPLIT_FACTOR` × the budget) has a shard of its own whose
strings hold only its documents, ``{"t": [term], "l": 1, "p": [[...]]}``, a levels file
``l<k>.json``, ``{"l": [per field: the palette, if any, and the levels]}``
(:func:`huikan.search.postings.split_levels`), and a whole file ``w<k>.json`` with both,
``{"t": [term], "p": [[...]], "l": [...]}``. A query where the term only filters — a
gram inside one of the query's longest words (:func:`huikan.search.query.clauses`) — reads
its documents alone, three quarters of its bytes saved; one that surely scores it (the
directories tell) reads the whole file alone, one request instead of two; one that finds
out it scores the term after reading its documents reads the levels file. The documents and
levels are on disk twice (at 5,000 bulletins ~97 MB of a ~580 MB index) for one request
less on most queries and no byte more on any.

where a postings string (:func:`term_texts`; the code is :mod:`huikan.search.postings`)
holds the documents' gaps (doc - previous doc, the first counted from the segment's first
document) as variable-length base64url numbers and each posting's impact level — the level
of 1000 × BM25 tf part × field boost among the 244 of ``impacts`` in the manifest
(:data:`huikan.search.index.IMPACTS`) — in two digits, or in one, its place among the term's
distinct levels listed at the string's start — cheap to write for millions of postings, to
read in the browser, and few distinct values for gzip.
The tf part (``build_index(length_ref=…)``) is local to its document; decoding
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
from huikan.search.index import (
    IMPACTS,
    LUNR_VERSION,
    PIPELINE_FN,
    LunrIndex,
    idf,
    level_of,
    utf16_key,
)
from huikan.search.postings import (
    ALPHABET_BYTES,
    PALETTE_MARK,
    decode_postings,
    number_digits,
    put_levels,
    put_numbers,
    split_levels,
    to_bitmap,
    uses_palette,
)

# A query fetches its terms' shard in every segment, so the neighbours a shard carries cost once
# per segment and term; small shards cost only more directory entries (two-level lookup) and
# more files (build time, disk blocks, uploads). Measured on the dev queries at 80,000
# articles, 5 segments (the same archive built with each size; a cold search page, every
# response, gzip): 4 / 6 / 8 kB shards: 56,100 / 41,111 / 32,463 shard files, median page
# 149.5 / 155.9 / 160.9 kB, worst 323.6 / 333.6 / 343.3 kB. 4 kB: as many files as 8 kB
# shards made with 8 segments (~60,000 then), for 7 % less on the median page.
DEFAULT_SHARD_BYTES = 4_000
# Separators per directory (all segments together). A query asks for one directory per range its
# terms fall in, and the dev queries' terms fall in 2.4 ranges on average whatever the size
# (80,000 articles, 5 segments, 8 kB shards: 2.40 at 640, 2.43 at 240 and 160), so smaller
# directories cost bytes in the manifest's bounds only: a cold query's directories and bounds,
# median gzip, 4.3 kB at 640 separators (51 directories), 2.3 kB at 240 (135), 2.2 kB at 160
# (203). With 4 kB shards, 240 makes ~234 directories; a cold query's are 1.5 kB (median).
DIRECTORY_SEPARATORS = 240


# A shard of one term counted over this many times the shard budget keeps its levels in a file
# of their own (:func:`pack_shards`): the term is frequent, and a query where it only filters
# (huikan.search.query.clauses) reads its documents, not their levels. Its levels are ~75 % of
# its gzip bytes (能源 in a segment of 65,536 articles: 9.1 kB of documents, 34.0 of levels);
# a query that scores it asks for one file more.
SPLIT_FACTOR = 2


@dataclass
class Shard:
    terms: list[str]
    text: str  # the JSON file contents
    levels: str | None = None  # the levels file's contents ("l<k>.json"), when split
    whole: str | None = None  # the whole file's ("w<k>.json"): documents and levels


def unique_inverse(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(key, return_inverse=True)`` for keys that are nearly sorted already (a
    segment's (group, level) keys: groups in order, levels not): a stable sort finds the
    runs (at 48 million postings 2.2 s against ``np.unique``'s 7.9)."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new = np.ones(len(key), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(key), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def palettes(
    gid: np.ndarray, levels: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The palettes of ``groups`` groups of postings (``gid``: each posting's group, in
    order): every distinct (group, level) pair in order as two arrays, each group's first
    pair among them, and each posting's place in its group's palette."""
    uniq, place = unique_inverse(gid * 256 + levels)
    pal_group = uniq >> 8
    counts = np.bincount(pal_group, minlength=groups)
    pal_first = np.cumsum(counts) - counts
    place -= pal_first[gid]
    return pal_group, uniq & 255, pal_first, place


def term_texts(index: LunrIndex) -> tuple[list[str], list[int]]:
    """Each term's postings as JSON text, and the size it counts for when shards are packed.

    The text: one string per field, trailing empty fields left out. A field's string (empty
    when it has no postings): its postings' document gaps
    (:func:`~huikan.search.postings.encode_numbers`, the first counted from the segment's
    first document), then each posting's level in two digits (levels of
    :data:`huikan.search.index.IMPACTS`). When the postings share at most 63 levels and that
    is shorter, the string starts with a *palette*
    instead — :data:`PALETTE_MARK`, the count P in one digit, the P distinct levels in order,
    two digits each — and a posting's level is one digit, its place in the palette.

    Why a palette: a frequent term's postings share a few dozen levels (~5 bits of entropy);
    two digits a posting cost ~6.9 bits after gzip, an index into the palette ~5.2 (at
    80,000 articles, the levels of 能源's 12,875 body postings in a full segment: 11.1 → 8.4 kB
    gzip).

    Millions of terms on a cold build of a large archive: all of it is worked out with numpy
    over the postings (one postings-long array at a time: a segment has ~15 million
    postings, 120 MB an array), and a term's text is one slice per kept field.

    The size counted is the text's length with every level in two digits: a shard's gzip
    size follows the postings it holds more than its characters (one palette digit carries
    what two plain digits do), so shards packed by it gzip to about half their budget, as before
    palettes, and a query's rare terms bring no more neighbours' postings."""
    nf, n = len(index.fields), len(index.terms)
    firsts, sizes, cells = _groups(index.tid * nf + index.fld)
    text, offset, head, use = _postings_text(index, firsts, sizes)
    saved = np.bincount(cells // nf, weights=np.where(use, sizes - head, 0), minlength=n)
    out = _term_jsons(text, offset, cells, n, nf)
    counted = [len(x) + int(extra) for x, extra in zip(out, saved.tolist(), strict=True)]
    return out, counted


def _groups(group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal ``group`` (each posting's term × fields + field; postings are sorted by
    it): each (term, field) group's first posting, its size and its cell number. A group is
    one postings string, so every array below is indexed by it."""
    p = len(group)
    start = np.ones(p, dtype=bool)
    start[1:] = group[1:] != group[:-1]
    firsts = np.flatnonzero(start)  # each (term, field) group's first posting
    sizes = np.diff(np.append(firsts, p))
    return firsts, sizes, group[firsts]


def _postings_text(
    index: LunrIndex, firsts: np.ndarray, sizes: np.ndarray
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """Every group's postings string, one after the other in one text, and each group's
    first character, palette length (0: none) and whether it has a palette. Laid out first
    (each string's length is known from its digit counts), then written in place."""
    levels = level_of(index.milli)
    gid = np.repeat(np.arange(len(firsts), dtype=np.int64), sizes)
    pal_group, pal_level, pal_first, place = palettes(gid, levels, len(firsts))
    distinct = np.diff(np.append(pal_first, len(pal_group)))
    use = uses_palette(distinct, sizes)
    gaps = _doc_gaps(index.doc, firsts)
    digits = number_digits(gaps)
    gap_end = np.cumsum(digits, dtype=np.int64)
    gap_before = np.concatenate([[0], gap_end])[firsts]
    gap_chars = gap_end[firsts + sizes - 1] - gap_before
    head = np.where(use, 2 + 2 * distinct, 0)  # the palette, if any
    length = head + gap_chars + np.where(use, sizes, 2 * sizes)
    offset = np.cumsum(length) - length  # each group's first character
    text = np.empty(int(length.sum()), dtype=np.uint8)
    _put_palettes(text, offset, use, distinct, (pal_group, pal_level, pal_first))
    del pal_group, pal_level
    put_numbers(text, gaps, digits, (offset + head - gap_before)[gid] + gap_end - 1)
    del gaps, digits, gap_end
    lev_at = (offset + head + gap_chars)[gid]  # each posting's group's first level
    _put_posting_levels(text, lev_at, firsts, gid, use, place, levels)
    del lev_at, place, levels, gid
    return text.tobytes().decode("ascii"), offset, head, use


def _doc_gaps(doc: np.ndarray, firsts: np.ndarray) -> np.ndarray:
    """Each posting's document minus the previous posting's; a group's first counts from the
    segment's first document (its own number)."""
    gaps = doc.copy()
    gaps[1:] -= doc[:-1]
    gaps[firsts] = doc[firsts]
    return gaps


def _put_palettes(
    text: np.ndarray,
    offset: np.ndarray,
    use: np.ndarray,
    distinct: np.ndarray,
    pal: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Write the palette at the start of each group that has one: the mark, its size in one
    digit, its levels in two (``pal``: :func:`palettes`' pairs and each group's first)."""
    pal_group, pal_level, pal_first = pal
    text[offset[use]] = ord(PALETTE_MARK)
    text[offset[use] + 1] = ALPHABET_BYTES[distinct[use]]
    has = use[pal_group]
    ug = pal_group[has]
    put_levels(text, pal_level[has], offset[ug] + 2 + 2 * (np.flatnonzero(has) - pal_first[ug]))


def _put_posting_levels(
    text: np.ndarray,
    lev_at: np.ndarray,
    firsts: np.ndarray,
    gid: np.ndarray,
    use: np.ndarray,
    place: np.ndarray,
    levels: np.ndarray,
) -> None:
    """Write each posting's level after its group's gaps (``lev_at``): its place in the
    palette in one digit, or the level itself in two when the group has no palette."""
    within = np.arange(len(gid), dtype=np.int64) - firsts[gid]
    one = use[gid]
    text[lev_at[one] + within[one]] = ALPHABET_BYTES[place[one]]
    two = ~one
    put_levels(text, levels[two], lev_at[two] + 2 * within[two])


def _term_jsons(text: str, offset: np.ndarray, cells: np.ndarray, n: int, nf: int) -> list[str]:
    """Each term's JSON list of field strings, sliced from ``text``: its fields up to the
    last one with postings (at least one), an empty string for a field without any."""
    # every (term, field) cell's slice: empty cells (no group) are empty slices
    bounds = np.append(offset, len(text))
    b = bounds[np.searchsorted(cells, np.arange(n * nf + 1))].tolist()
    out = []
    for t, k in enumerate(_kept_fields(cells, n, nf)):
        a = t * nf
        if k == 1:  # most terms: one field, no list to join
            out.append('["' + text[b[a] : b[a + 1]] + '"]')
        elif k == 2:
            out.append('["' + text[b[a] : b[a + 1]] + '","' + text[b[a + 1] : b[a + 2]] + '"]')
        else:
            out.append('["' + '","'.join(text[b[f] : b[f + 1]] for f in range(a, a + k)) + '"]')
    return out


def _kept_fields(cells: np.ndarray, n: int, nf: int) -> list[int]:
    """How many fields each term's list holds: trailing fields without postings are left
    out, so the many terms found in the text only cost no metadata fields."""
    filled = np.zeros(n * nf, dtype=bool)
    filled[cells] = True
    filled = filled.reshape(n, nf)
    # fields kept: up to the last one with postings, at least one
    return np.where(filled.any(axis=1), nf - np.argmax(filled[:, ::-1], axis=1), 1).tolist()


def make_shards(index: LunrIndex, max_bytes: int = DEFAULT_SHARD_BYTES) -> list[Shard]:
    """Pack consecutive terms into shards of about ``max_bytes`` (a big term gets its own),
    counting each term as :func:`term_texts` says."""
    return pack_shards(index.terms, *term_texts(index), max_bytes)


def pack_shards(
    terms: list[str],
    texts: list[str],
    counted: list[int],
    max_bytes: int = DEFAULT_SHARD_BYTES,
    split_bytes: int | None = None,
) -> list[Shard]:
    """Shards of consecutive ``terms`` (UTF-16 order) from their postings ``texts`` and the
    sizes :func:`term_texts` counts them for. A term counted over ``split_bytes`` (default
    :data:`SPLIT_FACTOR` × ``max_bytes``) has a shard of its own with its documents, its
    levels in the shard's :attr:`Shard.levels` and both in :attr:`Shard.whole` (``"l":1`` in
    the shard says so)."""
    split = SPLIT_FACTOR * max_bytes if split_bytes is None else split_bytes
    shards: list[Shard] = []
    cur: list[int] = []
    size = 0

    def flush() -> None:
        names = [terms[t] for t in cur]
        head = json.dumps(names, ensure_ascii=False, separators=(",", ":"))
        if counted[cur[0]] > split:  # alone in its shard
            gaps, levels = zip(*map(split_levels, json.loads(texts[cur[0]])), strict=True)
            docs = [to_bitmap(g) for g in gaps]
            p = compact(docs).decode()
            lv = compact(list(levels)).decode()
            text = f'{{"t":{head},"l":1,"p":[{p}]}}'
            whole = f'{{"t":{head},"p":[{p}],"l":{lv}}}'
            shards.append(Shard(names, text, f'{{"l":{lv}}}', whole))
            return
        body = ",".join(texts[t] for t in cur)
        shards.append(Shard(names, f'{{"t":{head},"p":[{body}]}}'))

    for t, term in enumerate(terms):
        n = counted[t] + len(term.encode()) + 4
        alone = counted[t] > split
        if cur and (alone or size + n > max_bytes):
            flush()
            cur, size = [], 0
        cur.append(t)
        size += n
        if alone:
            flush()
            cur, size = [], 0
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
