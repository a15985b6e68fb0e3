"""A segment indexed in parts (huikan.search.merge): the same texts, the same files, as the
segment indexed at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from huikan.config import load_config
from huikan.search import write_search_index
from huikan.search.index import FIELDS, LENGTH_REF, build_index
from huikan.search.merge import compact, merged_texts
from huikan.search.shard import term_texts
from huikan.search.vocab import Vocabulary
from search_samples import encode, gold_docs, sample_terms

REPO = Path(__file__).resolve().parents[1]
CONFIG = load_config(REPO / "site.yml")


@pytest.fixture(scope="module")
def encoded():
    """The vocabulary and every field's terms of the gold sample articles."""
    return encode(sample_terms(CONFIG)[1])


def _index(cells, vocab):
    return build_index([str(i) for i in range(len(cells))], cells, vocab, length_ref=LENGTH_REF)


@pytest.mark.parametrize(("part", "slice_postings"), [(7, 10**9), (16, 300), (40, 1)])
def test_merged_parts_give_the_texts_of_one_index(encoded, part, slice_postings):
    """Parts of ``part`` documents, merged ``slice_postings`` at a time (1: a slice per term,
    and a term over the slice size alone), give every term's text and packing size."""
    vocab, cells = encoded
    whole = _index(cells, vocab)
    want_texts, want_counted = term_texts(whole)
    parts = [compact(_index(cells[a : a + part], vocab)) for a in range(0, len(cells), part)]
    assert len(parts) > 1
    assert parts[0].tid.dtype == np.int32 and parts[0].doc.dtype == np.uint16
    terms, texts, counted = merged_texts(parts, part, slice_postings)
    assert terms == whole.terms
    assert texts == want_texts
    assert counted == want_counted


def test_parts_without_terms_merge_to_nothing():
    """A segment whose articles have no text in any field (every part's index empty)."""
    vocab = Vocabulary()
    empty = [{f: vocab.encode([]) for f in FIELDS} for _ in range(4)]
    parts = [compact(_index(empty[a : a + 2], vocab)) for a in (0, 2)]
    assert merged_texts(parts, 2) == ([], [], [])


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_segment_indexed_in_parts_writes_the_files_of_one_index(tmp_path):
    docs = list(gold_docs())
    runs = {}
    for part in (8, 64):
        out = tmp_path / f"part{part}"
        stats = write_search_index(
            docs, out, CONFIG, cache_dir=tmp_path / f"cache{part}", segment_docs=64, part_docs=part
        )
        runs[part] = (_tree(out), stats)
    assert len(docs) > 2 * 8  # the first segment has several parts
    assert runs[8][0] == runs[64][0]
    assert (runs[8][1].terms, runs[8][1].shards) == (runs[64][1].terms, runs[64][1].shards)
    assert runs[8][1].index_gzip == runs[64][1].index_gzip
