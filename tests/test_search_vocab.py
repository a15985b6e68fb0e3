"""The search vocabulary: numbering found by hash is the numbering of the whole map."""

from __future__ import annotations

import random

import numpy as np
import pytest

from huikan.search import vocab as vocab_module
from huikan.search.cache import HASHES, TokenCache
from huikan.search.tokenize import Tokenizer
from huikan.search.vocab import TermHashes, Vocabulary


def _batches(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    pool = [f"词{i}" for i in range(400)] + ["ai", "hbm", "cowos", "5g", "𠀀𠀁", ""]
    return [[rng.choice(pool) for _ in range(rng.randint(0, 40))] for _ in range(n)]


def _numbered(v: Vocabulary, batches: list[list[str]]) -> list[list[int]]:
    out = []
    for b in batches:
        out.append(v.numbers(b))
        ft = v.encode(b)  # distinct terms, first-seen order
        assert [v.terms[i] for i in ft.ids.tolist()] == list(dict.fromkeys(b))
    return out


@pytest.mark.parametrize("map_after", [10**9, 25])  # by hash throughout; switching midway
def test_lookup_by_hash_numbers_terms_as_the_map_does(monkeypatch, map_after):
    monkeypatch.setattr(vocab_module, "MAP_AFTER", map_after)
    start = [f"词{i}" for i in range(0, 400, 3)] + ["ai", "𠀀𠀁"]
    batches = _batches(3, 60)
    plain = Vocabulary(start)  # no hashes: the map at once
    hashed = Vocabulary(start, TermHashes.of(start))
    assert hashed._ids is None
    assert _numbered(hashed, batches) == _numbered(plain, batches)
    assert hashed.terms == plain.terms
    assert (hashed._ids is None) == (map_after > 10**8)
    assert hashed.ids == plain.ids


def test_equal_hashes_are_told_apart_by_the_terms(monkeypatch):
    # every term hashes alike: each lookup walks the run of equal keys and compares strings
    monkeypatch.setattr(vocab_module, "term_hash", lambda t: 7)
    terms = ["甲", "乙", "丙", "丁"]
    hashes = TermHashes.of(terms)
    assert hashes.find(["丙", "甲", "戊", "丁"], terms) == [2, 0, None, 3]
    v = Vocabulary(terms, hashes)
    assert v.numbers(["戊", "乙", "戊"]) == [4, 1, 4]


def test_saved_hashes_merge_the_new_terms():
    terms = [f"t{i}" for i in range(50)]
    v = Vocabulary(terms, TermHashes.of(terms))
    v.numbers(["new1", "t3", "new2"])
    merged = v.saved_hashes()
    fresh = TermHashes.of(v.terms)
    assert np.array_equal(merged.keys, fresh.keys)
    assert sorted(zip(merged.keys.tolist(), merged.ids.tolist(), strict=True)) == sorted(
        zip(fresh.keys.tolist(), fresh.ids.tolist(), strict=True)
    )


def test_stale_or_broken_hashes_are_not_used(tmp_path):
    terms = ["a", "b", "c"]
    path = tmp_path / HASHES
    TermHashes.of(terms).save(path)
    assert TermHashes.load(path, terms) is not None
    assert TermHashes.load(path, ["a", "b"]) is None  # another count
    assert TermHashes.load(path, ["c", "b", "a"]) is None  # other numbers
    path.write_bytes(b"not numpy")
    assert TermHashes.load(path, terms) is None
    assert Vocabulary(terms, None).ids == {"a": 0, "b": 1, "c": 2}


def test_token_cache_saves_hashes_and_a_small_build_never_builds_the_map(tmp_path):
    tok = Tokenizer()
    texts = ["集成电路产业：产量同增16.5%", "HBM 与 CoWoS 先进封装\n新质生产力"]
    with TokenCache(tmp_path, tok) as cache:
        first = [cache.vocab.terms[i] for ft in cache.field_terms(texts) for i in ft.ids.tolist()]
    folder = next(tmp_path.glob("tokens-*"))
    assert (folder / HASHES).is_file()
    with TokenCache(tmp_path, tok) as cache:
        assert cache.vocab.hashes is not None
        again = [cache.vocab.terms[i] for ft in cache.field_terms(texts) for i in ft.ids.tolist()]
        new = cache.field_terms(["光伏组件出口", "集成电路\n光伏"])  # new lines: encoded by hash
        assert cache.vocab._ids is None
        added = [sorted(cache.vocab.terms[i] for i in ft.ids.tolist()) for ft in new]
        numbers = {t: cache.vocab.id(t) for terms in added for t in terms}
    assert again == first
    with TokenCache(tmp_path, tok) as cache:  # the merged hashes were saved and are valid
        assert cache.vocab.hashes is not None
        assert {t: cache.vocab.id(t) for t in numbers} == numbers
        assert cache.vocab._ids is None
        got = cache.field_terms(["光伏组件出口", "集成电路\n光伏"])
        assert [sorted(cache.vocab.terms[i] for i in ft.ids.tolist()) for ft in got] == added
