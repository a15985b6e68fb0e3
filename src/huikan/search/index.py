"""Build the lunr index: lunr.py's BM25 field vectors, computed without lunr.py's Builder.

lunr.py builds an index from 8,000 articles (~5 million postings) in minutes; the arithmetic
below is lunr's own (same formula, same operation order, same rounding), so the serialised
index is identical — ``tests/test_search_index.py`` proves it against lunr.py's Builder.

lunr's default pipeline (trimmer, stop-word filter, stemmer) would destroy Chinese terms in
lunr.js, whose trimmer strips every non-ASCII "non-word" character. Instead the index (and the
browser, ``static/search-core.js``) registers one pipeline function, ``huikanNormalize``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from lunr.builder import Builder
from lunr.pipeline import Pipeline

from huikan.search.tokenize import normalize
from huikan.search.vocab import FieldTerms, Vocabulary

LUNR_VERSION = "2.3.9"  # lunr.js version the serialised index targets (package.json pins it)
# title and body first: a shard lists a term's postings per field and drops trailing empty
# fields, so the metadata fields cost nothing for the many terms found in the text only.
FIELDS: tuple[str, ...] = ("title", "body", "cluster", "column", "source", "byline", "bulletin")
# A hit in the title or in the article's cluster (its name and aliases) counts far more than
# a passing mention in the text; the printed credits in between.
BOOSTS: dict[str, float] = {
    "title": 5,
    "body": 1,
    "cluster": 4,
    "column": 2,
    "source": 2,
    "byline": 2,
    "bulletin": 1,
}
K1 = 1.2
B = 0.75
# The site's index scores field lengths against these fixed references (terms per field,
# about the average of real bulletins) instead of the archive's average field length: an
# average moves with every new article and would change every posting of every shard, a
# constant keeps each posting's value a function of its own document (see segment.py).
LENGTH_REF: dict[str, float] = {
    "title": 18,
    "body": 1200,
    "cluster": 10,
    "column": 4,
    "source": 6,
    "byline": 4,
    "bulletin": 10,
}
PIPELINE_FN = "huikanNormalize"
# The site's posting values are quantised to 256 impact levels, spaced evenly on a log scale
# (as quantised indexes such as PISA's and JASS's keep 8-bit impacts): a value read is within
# 1.3 % of BM25's (consecutive levels are 2.6 % apart) and, with few distinct values, the
# postings compress. Measured at 5,000 bulletins (cold search page, gzip, all requests): the
# dev queries' median 309 → 241 kB, the worst (新能源消纳) 703 → 473 kB; the top 10 results
# kept 98.7 % of their documents (mean; worst query 9 of 10), the rest near-ties reordered.
# From IMPACT_LOW (a one-off mention in a text ~150 times its field's reference length;
# lower values take the lowest level) to IMPACT_HIGH (the highest boost × (k1 + 1) × 1000).
IMPACT_LOW = 16
IMPACT_HIGH = 11_000
IMPACT_STEPS = 256


def huikan_normalize(token: Any, i: int, tokens: list[Any]) -> Any:
    """lunr pipeline function: NFKC + lower case; drops tokens that end up empty."""
    token.update(lambda s, metadata: normalize(s))
    return token if str(token) else None


Pipeline.register_function(huikan_normalize, PIPELINE_FN)


def idf(df: int, n: int) -> float:
    """lunr's idf (``lunr.idf``) of a term with ``df`` field postings among ``n`` documents."""
    return math.log(1 + abs((n - df + 0.5) / (df + 0.5)))


def utf16_key(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units), which lunr.js requires."""
    return term.encode("utf-16-be")


@dataclass
class LunrIndex:
    """A lunr index as flat posting arrays sorted by (term, field, doc).

    ``milli`` holds lunr's field-vector values times 1000 as integers (lunr rounds them to
    three decimals); ``doc`` holds positions in ``refs``. A term's lunr ``_index`` is its
    position in ``terms`` (UTF-16 order), unless ``term_index`` says otherwise.
    """

    fields: tuple[str, ...]
    refs: list[str]
    terms: list[str]
    tid: np.ndarray = field(repr=False)
    fld: np.ndarray = field(repr=False)
    doc: np.ndarray = field(repr=False)
    milli: np.ndarray = field(repr=False)
    term_index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def postings(self) -> int:
        return len(self.tid)

    def term_starts(self) -> np.ndarray:
        """``starts[i]:starts[i+1]`` is the slice of term i's postings."""
        return np.searchsorted(self.tid, np.arange(len(self.terms) + 1))

    def serialize(self) -> dict[str, Any]:
        """The whole index as lunr serialises it (what ``lunr.Index.load`` reads)."""
        index = self.term_index or {t: i for i, t in enumerate(self.terms)}
        starts = self.term_starts()
        fld, doc, milli = (a.tolist() for a in (self.fld, self.doc, self.milli))
        inverted = []
        vectors: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for t, term in enumerate(self.terms):
            posting: dict[str, Any] = {f: {} for f in self.fields}  # lunr.py's key order
            posting["_index"] = index[term]
            for k in range(starts[t], starts[t + 1]):
                posting[self.fields[fld[k]]][self.refs[doc[k]]] = {}
                vectors.setdefault((doc[k], fld[k]), []).append((index[term], milli[k]))
            inverted.append([term, posting])
        field_vectors = []
        for d in range(len(self.refs)):
            for fi, f in enumerate(self.fields):
                flat: list[float] = []
                for i, s in sorted(vectors.get((d, fi), [])):
                    flat += [i, s / 1000]
                field_vectors.append([f"{f}/{self.refs[d]}", flat])
        return {
            "version": LUNR_VERSION,
            "fields": list(self.fields),
            "fieldVectors": field_vectors,
            "invertedIndex": inverted,
            "pipeline": [PIPELINE_FN],
        }


def build_index(
    refs: list[str],
    docs: list[dict[str, FieldTerms]],
    vocab: Vocabulary,
    *,
    fields: tuple[str, ...] = FIELDS,
    boosts: dict[str, float] = BOOSTS,
    lunr_numbering: bool = False,
    length_ref: dict[str, float] | None = None,
) -> LunrIndex:
    """lunr's ``Builder.build()``: BM25 (k1=1.2, b=0.75), idf over field postings, boosts.

    The same floating-point operations in the same order as lunr.py, vectorised with numpy
    (idf with ``math.log`` as lunr.py does). ``lunr_numbering`` numbers terms in first-seen
    order like lunr's Builder (for the byte-for-byte equality test); by default a term's
    number is its rank in sorted order, so a shard of consecutive terms needs only its first.

    With ``length_ref`` (the site's index: :data:`LENGTH_REF`) the values are document-local:
    field lengths are compared with those fixed references instead of the average, and idf is
    left out (the browser multiplies it in from the document frequency it sees in the loaded
    shards and the manifest's document count), so adding a document changes no other
    document's postings; and they are quantised to :data:`IMPACTS`.
    """
    n, nf = len(docs), len(fields)
    cells = [doc[f] for doc in docs for f in fields]  # doc-major, field-minor
    counts = np.array([len(c.ids) for c in cells], dtype=np.int64)
    lengths = np.array([c.length for c in cells], dtype=np.float64).reshape(n, nf)
    if n == 0 or not counts.sum():
        empty = np.zeros(0, dtype=np.int64)
        return LunrIndex(
            fields, refs, [], empty, empty, empty, empty, {} if lunr_numbering else None
        )
    terms, tid = _number_terms(cells, vocab)
    term_index = _first_seen_numbers(terms, tid) if lunr_numbering else None
    # Scores in document order (each cell's field-length factor is a plain repeat), then one
    # sort of (term, field, doc, score) packed into an int64 groups the postings by term and
    # field with documents ascending — bit fields unpack without any division.
    weight, kd = _weights(tid, len(terms), lengths, fields, length_ref)
    milli = _posting_values(tid, weight, kd, cells, counts, fields, boosts, length_ref)
    bits = _key_bits(milli, n, nf, len(terms))
    if bits is None:  # pragma: no cover - astronomically large archives
        grouped = _argsort_postings(tid, milli, counts, nf)
        return LunrIndex(fields, refs, terms, *grouped, term_index)
    key = _posting_keys(tid, milli, counts, nf, bits)
    del tid, milli  # the postings' arrays are the index's memory: each is freed once used
    key.sort()
    return LunrIndex(fields, refs, terms, *_unpack_keys(key, bits), term_index)


def _number_terms(cells: list[FieldTerms], vocab: Vocabulary) -> tuple[list[str], np.ndarray]:
    """The terms present, in UTF-16 order, and each posting's term number (its rank there):
    lunr.js needs its terms in JavaScript's order, and by rank a shard of consecutive terms
    needs only its first."""
    vid = np.concatenate([c.ids for c in cells]).astype(np.int64)
    present = np.flatnonzero(np.bincount(vid, minlength=len(vocab)))
    order = sorted(present.tolist(), key=lambda i: utf16_key(vocab.terms[i]))
    terms = [vocab.terms[i] for i in order]
    rank = np.full(len(vocab), -1, dtype=np.int64)
    rank[order] = np.arange(len(terms))
    return terms, rank[vid]


def _first_seen_numbers(terms: list[str], tid: np.ndarray) -> dict[str, int]:
    """Each term's ``_index`` as lunr's Builder numbers terms, in order of first occurrence
    (doc-major): only the byte-for-byte comparison with lunr.py needs it."""
    _, first = np.unique(tid, return_index=True)  # first occurrence, doc-major order
    return {terms[t]: k for k, t in enumerate(np.argsort(first, kind="stable").tolist())}


def _weights(
    tid: np.ndarray,
    n_terms: int,
    lengths: np.ndarray,
    fields: tuple[str, ...],
    length_ref: dict[str, float] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each term's weight and each (doc, field)'s length factor ``kd`` (``lengths``: one row
    a document): lunr's idf and the average field length, or — the site's document-local
    values — 1 and the fixed ``length_ref``."""
    n = len(lengths)
    if length_ref is None:
        dfreq = np.bincount(tid, minlength=n_terms).tolist()
        weight = np.array([idf(c, n) for c in dfreq])
        avg = lengths.sum(axis=0) / n
    else:
        weight = np.ones(n_terms)
        avg = np.array([float(length_ref.get(f, 1)) for f in fields])
    with np.errstate(divide="ignore", invalid="ignore"):  # a field empty in every document
        kd = (K1 * (1 - B + B * (lengths / avg))).ravel()  # per (doc, field)
    return weight, kd


def _posting_values(
    tid: np.ndarray,
    weight: np.ndarray,
    kd: np.ndarray,
    cells: list[FieldTerms],
    counts: np.ndarray,
    fields: tuple[str, ...],
    boosts: dict[str, float],
    length_ref: dict[str, float] | None,
) -> np.ndarray:
    """Every posting's BM25 value × 1000 as lunr rounds it, in document order — with
    ``length_ref``, quantised to :data:`IMPACTS`. In place where it can be: each
    postings-long array is freed as soon as it is used."""
    n = len(cells) // len(fields)
    boost = np.tile(np.array([float(boosts.get(f, 1)) for f in fields]), n)
    tf = np.concatenate([c.tfs for c in cells]).astype(np.int64)
    tff = tf.astype(np.float64)
    del tf
    denominator = np.repeat(kd, counts)
    denominator += tff
    score = weight[tid]
    tff *= K1 + 1
    score *= tff  # same operations, same order as lunr: idf * ((k1+1)*tf) / (kd+tf)
    del tff
    score /= denominator
    del denominator
    score *= np.repeat(boost, counts)
    milli = _milli(score)
    del score
    if length_ref is not None:  # the site's index: impacts (a shard stores their levels)
        np.minimum(milli, IMPACT_HIGH, out=milli)
        milli = _TO_IMPACT[milli]
    return milli


def _key_bits(milli: np.ndarray, n: int, nf: int, n_terms: int) -> tuple[int, int, int] | None:
    """The bits of a packed posting key's value, document and field parts, or None when
    (term, field, doc, value) do not fit in an int64."""
    b_m = max(1, int(milli.max()).bit_length())
    b_d = max(1, (n - 1).bit_length())
    b_f = max(1, (nf - 1).bit_length())
    if b_m + b_d + b_f + max(1, n_terms.bit_length()) <= 63:
        return b_m, b_d, b_f
    return None  # pragma: no cover - astronomically large archives


def _posting_keys(
    tid: np.ndarray, milli: np.ndarray, counts: np.ndarray, nf: int, bits: tuple[int, int, int]
) -> np.ndarray:
    """Each posting as one int64, (term, field, doc, value) from the high bits down: one sort
    of these groups the postings by term and field, documents ascending."""
    b_m, b_d, b_f = bits
    cell = np.arange(len(counts), dtype=np.int64)
    cell_bits = ((cell % nf) << (b_d + b_m)) | ((cell // nf) << b_m)
    key = tid << (b_f + b_d + b_m)
    key |= np.repeat(cell_bits, counts)
    key |= milli
    return key


def _unpack_keys(
    key: np.ndarray, bits: tuple[int, int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted posting keys (:func:`_posting_keys`) back into term, field, doc and value
    arrays: bit fields, no division."""
    b_m, b_d, b_f = bits
    milli = key & ((1 << b_m) - 1)
    doc = (key >> b_m) & ((1 << b_d) - 1)
    fld = (key >> (b_m + b_d)) & ((1 << b_f) - 1)
    tid = key >> (b_m + b_d + b_f)
    return tid, fld, doc, milli


def _argsort_postings(
    tid: np.ndarray, milli: np.ndarray, counts: np.ndarray, nf: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """The postings grouped by (term, field), documents ascending, by a stable argsort: for
    archives too large for :func:`_posting_keys` to pack."""
    docfield = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    order = np.argsort(tid * nf + docfield % nf, kind="stable")
    tid, milli, docfield = tid[order], milli[order], docfield[order]
    doc, fld = np.divmod(docfield, nf)
    return tid, fld, doc, milli


def impact_table() -> np.ndarray:
    """The milli values a quantised posting can hold, ascending (levels at the low end that
    round to the same integer count once: 244 of them)."""
    steps = np.arange(IMPACT_STEPS) / (IMPACT_STEPS - 1)
    return np.unique(np.round(IMPACT_LOW * (IMPACT_HIGH / IMPACT_LOW) ** steps).astype(np.int64))


IMPACTS = impact_table()
_MIDPOINTS = np.sqrt(IMPACTS[1:] * IMPACTS[:-1].astype(np.float64))


def quantise(milli: np.ndarray) -> np.ndarray:
    """Each value's level: the table entry nearest on a log scale (values past either end
    take that end's level)."""
    return np.searchsorted(_MIDPOINTS, milli)


_LEVEL = np.full(IMPACT_HIGH + 1, -1, dtype=np.int16)
_LEVEL[IMPACTS] = np.arange(len(IMPACTS))


_TO_IMPACT = IMPACTS[quantise(np.arange(IMPACT_HIGH + 1))]  # milli value → its impact


def level_of(impacts: np.ndarray) -> np.ndarray:
    """The levels of values that are impacts (what ``build_index(length_ref=…)`` stores):
    a lookup, not a search; any other value is an error."""
    if len(impacts) and (impacts.min() < 0 or impacts.max() > IMPACT_HIGH):
        raise ValueError("posting values are not impacts: build_index(length_ref=...) makes them")
    levels = _LEVEL[impacts]
    if len(levels) and levels.min() < 0:
        raise ValueError("posting values are not impacts: build_index(length_ref=...) makes them")
    return levels


def _milli(x: np.ndarray) -> np.ndarray:
    """round(x, 3) * 1000 as exact integers; Python's correctly rounded round() on near-ties."""
    y = x * 1000.0
    k = np.rint(y)
    np.subtract(y, k, out=y)
    np.abs(y, out=y)
    y -= 0.5
    np.abs(y, out=y)
    for i in np.flatnonzero(y < 1e-6).tolist():
        k[i] = round(round(float(x[i]), 3) * 1000)
    return k.astype(np.int64)


def lunr_py_index(
    refs: list[str],
    docs: list[dict[str, list[str]]],
    *,
    fields: tuple[str, ...] = FIELDS,
    boosts: dict[str, float] = BOOSTS,
) -> Any:
    """The same index built by lunr.py's own Builder (slow; the reference for tests)."""
    builder = Builder()
    builder.pipeline.add(huikan_normalize)
    builder.search_pipeline.add(huikan_normalize)
    builder.ref("id")
    for f in fields:
        builder.field(f, boost=boosts.get(f, 1))
    for ref, doc in zip(refs, docs, strict=True):
        builder.add({"id": ref, **{f: list(doc[f]) for f in fields}})
    return builder.build()
