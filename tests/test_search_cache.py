"""The token cache gives exactly the tokenizer's terms, whichever level it serves them from."""

from __future__ import annotations

import os
from collections import Counter

import numpy as np

from huikan.search.cache import TokenCache
from huikan.search.store import plain_text
from huikan.search.tokenize import Tokenizer, grams
from search_samples import gold_docs

TOK = Tokenizer(["新质生产力", "集成电路"])


def _as_counts(cache: TokenCache, ft) -> Counter:
    return Counter({cache.vocab.terms[i]: int(n) for i, n in zip(ft.ids, ft.tfs, strict=True)})


def test_fields_assembled_from_lines_equal_the_tokenizer(tmp_path):
    texts = [plain_text(d.body) for d in gold_docs()[:12]] + [
        "一、总体要求\n加快建设\n\n（二）AI\n芯片",  # runs continue across line breaks
        "",
        "\n\n",
        "，。\n——",
    ]
    with TokenCache(tmp_path, TOK) as cache:
        fts = cache.field_terms(texts)
    for text, ft in zip(texts, fts, strict=True):
        want = Counter(TOK.terms(text))
        assert _as_counts(cache, ft) == want, text[:30]
        assert ft.length == sum(want.values())
        assert Counter(t for t in want.elements() if len(t) <= 2) == Counter(grams(text))


def test_warm_and_line_level_hits(tmp_path):
    texts = [plain_text(d.body) for d in gold_docs()[:6]]
    with TokenCache(tmp_path, TOK) as cold:
        first = cold.field_terms(texts)
    assert cold.misses == 6 and cold.line_misses > 0
    with TokenCache(tmp_path, TOK) as warm:
        again = warm.field_terms(texts)
    assert warm.hits == 6 and warm.misses == 0
    for a, b in zip(first, again, strict=True):
        assert _as_counts(cold, a) == _as_counts(warm, b)
    # an edited article: only its new line is tokenised, the rest comes from the line cache
    edited = texts[0] + "\n新增一段关于集成电路的文字"
    with TokenCache(tmp_path, TOK) as cache:
        (ft,) = cache.field_terms([edited])
    assert cache.misses == 1 and cache.line_misses == 1
    assert _as_counts(cache, ft) == Counter(TOK.terms(edited))


def test_no_cache_dir_works_in_memory():
    with TokenCache(None, TOK) as cache:
        (ft,) = cache.field_terms(["集成电路"])
    assert _as_counts(cache, ft) == Counter(TOK.terms("集成电路"))


def test_released_line_buckets_are_written_and_read_back(tmp_path):
    """release drops the buckets from memory (a segment's indexing must not hold the
    archive's tokens) after writing the new ones: later lookups still find every line."""
    texts = [plain_text(d.body) for d in gold_docs()[:6]]
    with TokenCache(tmp_path, TOK) as cache:
        cache.field_terms(texts[:3])
        cache.release()
        assert not cache._buckets
        assert any(cache.dir.glob("*.marshal"))  # a delta file: a few new entries
        misses = cache.line_misses
        # the same lines in new fields: served by the buckets read back, nothing tokenised
        (ft,) = cache.field_terms(["\n".join(texts[:3])])
        assert cache.line_misses == misses
        assert _as_counts(cache, ft) == Counter(TOK.terms("\n".join(texts[:3])))
        cache.field_terms(texts[3:])
    with TokenCache(tmp_path, TOK) as warm:
        (ft,) = warm.field_terms(["\n".join(texts)])
    assert warm.line_misses == 0


def _counted(batches):
    return [b.counted(i) for b in batches for i in range(len(b))]


def test_parallel_tokenising_streams_the_serial_answer(tmp_path, monkeypatch):
    """Lines are tokenised by forked workers in batches and handed on as they come; each
    line's terms are the serial tokenizer's, counted, and a broken pool is finished
    in-process."""
    from huikan.search import cache as cache_mod

    lines = [s for d in gold_docs()[:20] for s in plain_text(d.body).split("\n") if s]
    monkeypatch.setattr(cache_mod, "PARALLEL_MIN", 10)
    monkeypatch.setattr(cache_mod, "PARALLEL_CHUNK", 7)
    # forking is refused while other threads run; earlier tests may leave some (servers)
    monkeypatch.setattr(cache_mod.threading, "active_count", lambda: 1)

    def serial(lines):
        return [dict(Counter(TOK.line(x).terms)) for x in lines]

    with TokenCache(tmp_path, TOK) as cache:
        batches = list(cache._tokenize(lines, 2))
        assert len(batches) > 1 and _counted(batches) == serial(lines)
        assert [b.lengths for b in batches] == [
            [len(TOK.line(x).terms) for x in lines[i : i + 7]] for i in range(0, len(lines), 7)
        ]
        pool = cache._pool
        assert pool is not None  # started once, kept for the next fields
        got = _counted(cache._tokenize(lines[::-1], 2))
        assert cache._pool is pool and got == serial(lines[::-1])
    assert cache._pool is None  # shut down with the cache

    monkeypatch.setattr(cache_mod, "tokenize_lines", _die)  # a worker dies: BrokenProcessPool
    with TokenCache(tmp_path / "b", TOK) as cache:
        got = _counted(cache._tokenize(lines, 2))
        assert cache._pool is None
    assert got == serial(lines)


def test_batches_count_every_term_of_every_line(tmp_path, monkeypatch):
    """A batch cuts grams as numbers (gram_keys) and words as strings; each line's terms and
    counts are the tokenizer's, each distinct term is numbered once, and fields assembled
    from batches are the tokenizer's fields."""
    from huikan.search import cache as cache_mod
    from huikan.search.batch import LineBatch

    texts = [plain_text(d.body) for d in gold_docs()[:12]]
    odd = [
        "",
        " \t",
        "A_b·c",
        "CAR-T 细胞",
        "ｈｂｍ３ 与 5G",
        "𠀀𠀁a",
        "x",
        "①②",
        "二〇二四年",
        "a\udc80b",
    ]
    lines = [x for t in texts for x in t.split("\n")] + odd
    batch = LineBatch.of(TOK, lines)
    assert [batch.counted(i) for i in range(len(lines))] == [
        dict(Counter(TOK.line(x).terms)) for x in lines
    ]
    assert batch.lengths == [len(TOK.line(x).terms) for x in lines]
    assert len(set(batch.terms)) == len(batch.terms)
    monkeypatch.setattr(cache_mod, "PARALLEL_CHUNK", 5)  # several batches, in-process
    with TokenCache(tmp_path, TOK) as cache:
        fts = cache.field_terms(texts, 1)
    assert len(set(cache.vocab.terms)) == len(cache.vocab.terms)
    for text, ft in zip(texts, fts, strict=True):
        want = Counter(TOK.terms(text))
        assert _as_counts(cache, ft) == want and ft.length == sum(want.values())


def test_gram_keys_are_the_grams_of_every_line():
    """The grams as numbers are the grams as strings, line by line and in text order; a word
    character is what the regex calls one, on every code point."""
    import sys

    from huikan.search.tokenize import GRAM_RUN, _word_chars, gram_keys, gram_of

    codes = np.arange(sys.maxunicode + 1, dtype=np.int64)
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]  # no lone surrogates in a str
    regex = np.array([GRAM_RUN.fullmatch(chr(c)) is not None for c in codes.tolist()])
    assert (_word_chars(codes) == regex).all()
    flats = ["集成电路", "", "a", "ai芯片5g", "，", "x，yz", "𠀀𠀁", "第1期", "a\ud800b芯"]
    lines, keys = gram_keys(flats)
    pairs = list(zip(lines.tolist(), keys.tolist(), strict=True))
    got = [[gram_of(k) for n, k in pairs if n == i] for i in range(len(flats))]
    assert got == [grams(f) for f in flats]


def _die(lines):
    os._exit(1)


def test_a_released_field_bucket_is_still_pruned_on_save(tmp_path):
    """A build that looked up every document drops the entries it did not use, whether
    their buckets are in memory or were released (read back for it)."""
    texts = [plain_text(d.body) for d in gold_docs()[:6]]
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts)
    with TokenCache(tmp_path, TOK) as cache:
        cache.field_terms(texts[:3])
        cache.release()
    with TokenCache(tmp_path, TOK) as after:
        after.field_terms(texts)
    assert (after.hits, after.misses) == (3, 3)


def test_a_few_new_entries_go_to_a_delta_file_and_are_merged_later(tmp_path, monkeypatch):
    """A new issue's entries are written as one small delta file, not into the buckets
    they belong to (rewriting those was hundreds of MB at 5,000 bulletins); the next cache
    reads them; past DELTA_FILES files they are merged into the buckets."""
    from huikan.search import cache as cache_mod

    texts = [plain_text(d.body) for d in gold_docs()[:8]]
    monkeypatch.setattr(cache_mod, "DELTA_MAX", 0)  # a cold build: into the buckets
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts[:4])
        cold.prune = False
    folder = cold.dir
    assert not list(folder.glob("delta-*.marshal"))
    buckets = {p: p.read_bytes() for p in folder.glob("*.marshal") if p.name != "vocab.marshal"}
    assert len(buckets) > 10
    monkeypatch.setattr(cache_mod, "DELTA_MAX", 10**9)
    for i in (4, 5, 6):
        with TokenCache(tmp_path, TOK) as cache:
            cache.prune = False
            cache.field_terms([texts[i]])
    assert len(list(folder.glob("delta-*.marshal"))) >= 3
    assert {p: p.read_bytes() for p in buckets} == buckets  # no bucket rewritten
    with TokenCache(tmp_path, TOK) as warm:
        warm.prune = False
        fts = warm.field_terms(texts[:7])
    assert (warm.hits, warm.misses) == (7, 0)
    assert [_as_counts(warm, ft) for ft in fts] == [Counter(TOK.terms(t)) for t in texts[:7]]

    monkeypatch.setattr(cache_mod, "DELTA_FILES", 2)
    with TokenCache(tmp_path, TOK) as cache:
        cache.prune = False
        cache.field_terms([texts[7]])
    assert not list(folder.glob("delta-*.marshal"))  # merged into the buckets
    with TokenCache(tmp_path, TOK) as warm:
        warm.field_terms(texts)
    assert (warm.hits, warm.misses, warm.line_misses) == (8, 0, 0)


def test_pruning_merges_the_deltas_and_drops_unused_entries(tmp_path):
    texts = [plain_text(d.body) for d in gold_docs()[:6]]
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts[:3])
    with TokenCache(tmp_path, TOK) as cache:
        cache.prune = False
        cache.field_terms(texts[3:])  # a delta file
    assert list(cache.dir.glob("delta-*.marshal"))
    with TokenCache(tmp_path, TOK) as full:
        full.field_terms(texts[2:])  # prunes: texts[0] and texts[1] unused
    assert not list(cache.dir.glob("delta-*.marshal"))
    with TokenCache(tmp_path, TOK) as after:
        after.field_terms(texts)
    assert (after.hits, after.misses) == (4, 2)


def test_token_caches_of_another_key_or_layout_are_deleted(tmp_path):
    """A cache folder made for another tokenizer key or bucket layout is never read again:
    a clean exit deletes it (in the background), unless a build holds its lock."""
    import fcntl
    import time

    stale = tmp_path / "tokens-v1-old-py311"
    stale.mkdir()
    (stale / "00.marshal").write_bytes(b"x" * 1000)
    busy = tmp_path / "tokens-v1-busy-py311"
    busy.mkdir()
    with open(busy / "lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with TokenCache(tmp_path, TOK) as cache:
            cache.field_terms(["集成电路"])
        for _ in range(100):  # rm -rf runs detached
            if not any(p.name.startswith(".trash-") for p in tmp_path.iterdir()):
                break
            time.sleep(0.05)
        assert not stale.exists()
        assert busy.is_dir()  # in use: left alone
    assert cache.dir.is_dir()


def test_a_cold_build_appends_each_entry_once_and_mends_a_torn_bucket(tmp_path, monkeypatch):
    """Between segments a cold build writes only the entries it added (rewriting whole
    buckets was ~4.5 times the cache at 5,000 bulletins); a bucket torn by a killed build
    loses only its torn chunk's entries, which are tokenised again and rewritten whole."""
    from huikan.search import cache as cache_mod
    from huikan.search.buckets import chunk, read_bucket

    texts = [plain_text(d.body) for d in gold_docs()]
    half = len(texts) // 2
    monkeypatch.setattr(cache_mod, "DELTA_MAX", 0)
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts[:half])
        cold.release()
        folder = cold.dir
        first = {p: read_bucket(p)[0] for p in folder.glob("l*.marshal")}
        old = {p: p.read_bytes() for p in first}
        cold.field_terms(texts[half:])
        cold.release()
    grown = [p for p in first if read_bucket(p)[0] != first[p]]
    assert grown  # lines of both halves in one bucket: their bytes appended
    for p in grown:
        entries, whole = read_bucket(p)
        added = {k: v for k, v in entries.items() if k not in first[p]}
        assert whole and p.read_bytes() == old[p] + chunk(added)
    torn = grown[0]
    before, _ = read_bucket(torn)
    torn.write_bytes(torn.read_bytes()[:-5])
    lost = len(before) - len(read_bucket(torn)[0])
    assert lost > 0 and read_bucket(torn)[1] is False
    # read, found torn and released without a new entry: a pruning build rewrites it whole
    with TokenCache(tmp_path, TOK) as cache:
        cache.field_terms(["\n".join(texts[:half][::-1])])  # the first half's lines only
        cache.release()
    assert read_bucket(torn) == ({k: v for k, v in before.items() if k in first[torn]}, True)
    everything = "\n".join(texts)
    with TokenCache(tmp_path, TOK) as warm:
        (ft,) = warm.field_terms([everything])
    assert warm.line_misses == lost  # only the torn chunk's lines tokenised again
    assert _as_counts(warm, ft) == Counter(TOK.terms(everything))
    entries, whole = read_bucket(torn)
    assert whole and before.keys() <= entries.keys()  # rewritten whole
    with TokenCache(tmp_path, TOK) as again:
        again.field_terms(["\n".join(texts[::-1])])  # the same lines, another field
    assert again.line_misses == 0


def test_a_torn_bucket_no_lookup_reads_is_rewritten_not_appended_to(tmp_path, monkeypatch):
    """A build killed mid-append leaves torn buckets; the next build's lookups skip those
    the key index says cannot hit, but its appends into them would land after the tear, out
    of every reader's reach. Such a bucket is found torn before the append and rewritten
    whole with its new entries."""
    from huikan.search import cache as cache_mod
    from huikan.search.buckets import read_bucket

    texts = [plain_text(d.body) for d in gold_docs()]
    half = len(texts) // 2
    monkeypatch.setattr(cache_mod, "DELTA_MAX", 0)
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts[:half])
        folder = cold.dir
    buckets = sorted(folder.glob("l*.marshal"))
    first = {p: read_bucket(p)[0].keys() for p in buckets}
    torn = {}
    for p in buckets:  # every line bucket torn, as by a build killed while appending
        torn[p] = p.read_bytes() + (1000).to_bytes(8, "little") + b"\x00" * 10
        p.write_bytes(torn[p])
    reads: list[str] = []
    real = TokenCache._read
    monkeypatch.setattr(
        TokenCache, "_read", lambda self, name: reads.append(name) or real(self, name)
    )
    with TokenCache(tmp_path, TOK) as second:
        second.field_terms(texts[half:])
        looked = set(reads)  # what the lookups read (the flush may read more)
        second.release()
    written = [p for p in buckets if p.read_bytes() != torn[p]]
    # the case at hand: torn, added to, and never read by this build's lookups
    assert [p for p in written if p.stem not in looked]
    for p in written:
        entries, whole = read_bucket(p)
        assert whole and first[p] <= entries.keys(), p.name  # rewritten: nothing after a tear
    monkeypatch.setattr(TokenCache, "_read", real)
    with TokenCache(tmp_path, TOK) as warm:
        warm.field_terms(texts[half:])
    assert warm.line_misses == 0  # every entry the second build added is found


def test_lookups_bound_to_miss_read_no_bucket(tmp_path, monkeypatch):
    """A cold build's next segment looks up texts no earlier segment added: the key index
    says so, and no bucket is read back for them (at 5,000 bulletins every bucket was read
    back whole at every segment). Keys it has are found; without its files (lost), every
    lookup reads its bucket and the answers are the same."""
    from huikan.search import cache as cache_mod

    texts = [plain_text(d.body) for d in gold_docs()]
    half = len(texts) // 2
    monkeypatch.setattr(cache_mod, "DELTA_MAX", 0)
    reads = []
    real = TokenCache._read
    monkeypatch.setattr(
        TokenCache, "_read", lambda self, name: reads.append(name) or real(self, name)
    )
    with TokenCache(tmp_path, TOK) as cold:
        cold.field_terms(texts[:half])
        cold.release()
        cold.field_terms(texts[half:])
        # read back: only the buckets of lines (and fields) both halves have
        lines = [{x for t in part for x in t.split("\n")} for part in (texts[:half], texts[half:])]
        shared = {"l" + TokenCache.key(x)[:3] for x in lines[0] & lines[1]}
        shared |= {TokenCache.key(t)[:3] for t in set(texts[:half]) & set(texts[half:])}
        assert set(reads) == shared and len(reads) == len(shared)
        reads.clear()
        cold.release()
        (ft,) = cold.field_terms([texts[0]])  # added by this build: found, read back
        assert cold.hits == 1 and reads
        assert _as_counts(cold, ft) == Counter(TOK.terms(texts[0]))
    for lost in (False, True):
        if lost:
            for name in (cache_mod.FIELD_KEYS, cache_mod.LINE_KEYS):
                (cold.dir / name).unlink()
        with TokenCache(tmp_path, TOK) as warm:
            fts = warm.field_terms(texts)
        assert (warm.hits, warm.misses, warm.line_misses) == (len(set(texts)), 0, 0)
        assert [_as_counts(warm, ft) for ft in fts] == [Counter(TOK.terms(t)) for t in texts]
    # the pruning build made both indexes again
    assert (cold.dir / cache_mod.FIELD_KEYS).exists() and (cold.dir / cache_mod.LINE_KEYS).exists()
