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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lunr.builder import Builder
from lunr.pipeline import Pipeline

from huikan.search.tokenize import normalize

LUNR_VERSION = "2.3.9"  # lunr.js version the serialised index targets (package.json pins it)
FIELDS: tuple[str, ...] = ("title", "body")
BOOSTS: dict[str, float] = {"title": 5, "body": 1}
K1 = 1.2
B = 0.75
PIPELINE_FN = "huikanNormalize"


def huikan_normalize(token: Any, i: int, tokens: list[Any]) -> Any:
    """lunr pipeline function: NFKC + lower case; drops tokens that end up empty."""
    token.update(lambda s, metadata: normalize(s))
    return token if str(token) else None


Pipeline.register_function(huikan_normalize, PIPELINE_FN)


def utf16_key(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units), which lunr.js requires."""
    return term.encode("utf-16-be")


@dataclass
class FieldTerms:
    """One field of one document: its length in terms and term frequencies (first-seen order)."""

    length: int
    tf: dict[str, int]

    @classmethod
    def of(cls, terms: Sequence[str]) -> FieldTerms:
        return cls(len(terms), dict(Counter(terms)))


@dataclass
class LunrIndex:
    """A lunr index in posting-list form: ``postings[term][field]`` = [(doc, milli-score)].

    Scores are lunr's field-vector values times 1000 as integers (lunr rounds to 3 decimals),
    docs are positions in the document list, in ascending order in every list.
    """

    fields: tuple[str, ...]
    refs: list[str]
    terms: list[str]  # in UTF-16 order; a term's lunr ``_index`` is its position here
    postings: dict[str, dict[str, list[tuple[int, int]]]] = field(repr=False)
    term_index: dict[str, int] = field(default_factory=dict, repr=False)

    def serialize(self) -> dict[str, Any]:
        """The whole index as lunr serialises it (``lunr.Index.load`` reads it)."""
        index = self.term_index or {t: i for i, t in enumerate(self.terms)}
        inverted = []
        vectors: dict[tuple[int, str], list[float]] = {}
        for term in self.terms:
            posting: dict[str, Any] = {"_index": index[term]}
            for f in self.fields:
                plist = self.postings[term].get(f, [])
                posting[f] = {self.refs[d]: {} for d, _ in plist}
                for d, s in plist:
                    vectors.setdefault((d, f), []).append((index[term], s))  # type: ignore[arg-type]
            inverted.append([term, posting])
        field_vectors = []
        for d in range(len(self.refs)):
            for f in self.fields:
                pairs = sorted(vectors.get((d, f), []))
                flat: list[float] = []
                for i, s in pairs:
                    flat += [i, s / 1000]
                field_vectors.append([f"{f}/{self.refs[d]}", flat])
        return {
            "version": LUNR_VERSION,
            "fields": list(self.fields),
            "fieldVectors": field_vectors,
            "invertedIndex": inverted,
            "pipeline": [PIPELINE_FN],
        }


def _milli(x: float) -> int:
    """round(x, 3) * 1000 as an exact integer, fast; Python's round on near-ties."""
    y = x * 1000.0
    k = round(y)
    if abs(abs(y - k) - 0.5) < 1e-6:
        k = round(round(x, 3) * 1000)
    return k


def build_index(
    refs: list[str],
    docs: list[dict[str, FieldTerms]],
    *,
    fields: tuple[str, ...] = FIELDS,
    boosts: dict[str, float] = BOOSTS,
    lunr_numbering: bool = False,
) -> LunrIndex:
    """lunr's Builder.build(), term for term: BM25 with k1=1.2, b=0.75, idf over field postings.

    ``lunr_numbering`` numbers terms in first-seen order as lunr's Builder does (for the
    equality test); otherwise a term's number is its rank in sorted order, which lets a shard
    of consecutive terms store only its first number.
    """
    n = len(docs)
    df: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    total = dict.fromkeys(fields, 0)
    for doc in docs:
        for f in fields:
            ft = doc[f]
            df.update(ft.tf.keys())
            total[f] += ft.length
            if lunr_numbering:
                for t in ft.tf:
                    first_seen.setdefault(t, len(first_seen))
    terms = sorted(df, key=utf16_key)
    term_index = first_seen if lunr_numbering else {}
    postings: dict[str, dict[str, list[tuple[int, int]]]] = {t: {} for t in terms}
    if n == 0:
        return LunrIndex(fields, refs, terms, postings, term_index)
    avg = {f: total[f] / n for f in fields}
    idf = {t: math.log(1 + abs((n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
    k1p1 = K1 + 1
    for d, doc in enumerate(docs):
        for f in fields:
            ft = doc[f]
            if not ft.tf:
                continue
            boost = boosts.get(f, 1)
            kd = K1 * (1 - B + B * (ft.length / avg[f]))
            for t, tf in ft.tf.items():
                score = idf[t] * (k1p1 * tf) / (kd + tf)
                score *= boost
                plist = postings[t].get(f)
                if plist is None:
                    plist = postings[t][f] = []
                plist.append((d, _milli(score)))
    return LunrIndex(fields, refs, terms, postings, term_index)


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
