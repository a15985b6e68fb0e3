"""Index a large segment in parts and merge the parts' postings, a slice of terms at a time.

Why: a query fetches one shard per segment for each of its terms, so fewer, larger segments
mean fewer requests, and fewer neighbouring terms' postings carried along (80,000 articles:
5 segments instead of 8). But indexing holds a segment's postings in several arrays of 8
bytes at once (~1.1 GB for 16,384 documents), so the segment size was bounded by memory.
Now a segment of more than :data:`PART_DOCS` documents is indexed in parts of that many
(:func:`compact` keeps each part's postings at 9 bytes each), and :func:`merged_texts`
gives the segment's term texts from them, one slice of about :data:`SLICE_POSTINGS` postings
at a time — exactly the texts of the segment indexed at once: a posting's value is local to
its document, and a term's text depends only on its own postings, document numbers counted
from the segment's first document.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from huikan.search.index import IMPACT_HIGH, LunrIndex, utf16_key
from huikan.search.shard import term_texts

PART_DOCS = 16384  # documents indexed at once: their postings arrays are the largest memory
SLICE_POSTINGS = 4_000_000  # postings merged and encoded at once (~10 arrays of 8 bytes each)


def compact(index: LunrIndex) -> LunrIndex:
    """The part's postings in the smallest types that hold them (9 bytes a posting instead
    of 32), kept while the segment's other parts are indexed."""
    if len(index.refs) > 1 << 16 or len(index.fields) > 1 << 8 or IMPACT_HIGH >= 1 << 15:
        raise ValueError("a part is too large to compact")
    return replace(
        index,
        tid=index.tid.astype(np.int32),
        fld=index.fld.astype(np.uint8),
        doc=index.doc.astype(np.uint16),
        milli=index.milli.astype(np.int16),
    )


def merged_texts(
    parts: list[LunrIndex], part_docs: int, slice_postings: int = SLICE_POSTINGS
) -> tuple[list[str], list[str], list[int]]:
    """The terms of a segment indexed as ``parts`` (consecutive, ``part_docs`` documents each
    but the last; each numbering its own documents and terms), in UTF-16 order, with their
    postings texts and packing sizes (:func:`~huikan.search.shard.term_texts`).

    Each part's term numbers are turned into the segment's in place (a part is not used
    again)."""
    terms = sorted(set().union(*(p.terms for p in parts)), key=utf16_key)
    if not terms:  # articles with no text in any field
        return [], [], []
    number = {t: i for i, t in enumerate(terms)}
    counts = np.zeros(len(terms), dtype=np.int64)
    for p in parts:
        p.tid = np.array([number[t] for t in p.terms], dtype=np.int32)[p.tid]
        counts += np.bincount(p.tid, minlength=len(terms))
    total = np.cumsum(counts)
    cuts = np.searchsorted(total, np.arange(slice_postings, total[-1], slice_postings), "right")
    bounds = [0, *sorted({int(c) for c in cuts} - {0, len(terms)}), len(terms)]
    texts: list[str] = []
    counted: list[int] = []
    for a, b in itertools.pairwise(bounds):
        some, sizes = term_texts(_slice(parts, part_docs, terms, a, b))
        texts += some
        counted += sizes
    return terms, texts, counted


def _slice(parts: list[LunrIndex], part_docs: int, terms: list[str], a: int, b: int) -> LunrIndex:
    """Terms a..b-1 of the segment as one index, sorted by (term, field, document)."""
    tid, fld, doc, milli = [], [], [], []
    for k, p in enumerate(parts):
        i, j = np.searchsorted(p.tid, [a, b])
        tid.append(p.tid[i:j])
        fld.append(p.fld[i:j])
        doc.append(p.doc[i:j].astype(np.int64) + k * part_docs)
        milli.append(p.milli[i:j])
    t = np.concatenate(tid).astype(np.int64) - a
    f = np.concatenate(fld).astype(np.int64)
    # each part is sorted by (term, field, document) and the parts are in document order:
    # a stable sort by (term, field) merges them with documents ascending
    order = np.argsort(t * len(parts[0].fields) + f, kind="stable")
    return LunrIndex(
        parts[0].fields,
        [],
        terms[a:b],
        t[order],
        f[order],
        np.concatenate(doc)[order],
        np.concatenate(milli).astype(np.int64)[order],
    )
