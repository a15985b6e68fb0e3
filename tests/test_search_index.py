"""The lunr index: identical to lunr.py's Builder, sharded losslessly, queried shard by shard."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from lunr.index import Index

from huikan.config import load_config
from huikan.search import FORMAT, SearchDoc, write_search_index
from huikan.search.cache import TokenCache
from huikan.search.directory import directories
from huikan.search.files import folder_digest
from huikan.search.index import (
    FIELDS,
    IMPACTS,
    LENGTH_REF,
    PIPELINE_FN,
    _milli,
    build_index,
    level_of,
    lunr_py_index,
    quantise,
    utf16_key,
)
from huikan.search.indexing import field_values
from huikan.search.postings import (
    decode_numbers,
    decode_postings,
    encode_levels,
    encode_numbers,
    encode_postings,
    from_bitmap,
    join_levels,
    split_levels,
    to_bitmap,
)
from huikan.search.query import (
    Directory,
    Part,
    choose_words,
    clauses,
    joined,
    needed_groups,
    needed_shards,
    parse_query,
    run_lunr_py,
    search_shards,
    shard_of,
)
from huikan.search.shard import (
    make_shards,
    separators,
    term_texts,
    to_lunr,
)
from huikan.search.store import plain_text, read_store
from huikan.search.tokenize import Tokenizer
from search_samples import dev_queries, encode, gold_docs, sample_terms

REPO = Path(__file__).resolve().parents[1]
CONFIG = load_config(REPO / "site.yml")


@pytest.fixture(scope="module")
def tokens():
    """(refs, [{field: terms}]) of the gold sample articles, every field."""
    return sample_terms(CONFIG)


def test_index_is_byte_identical_to_lunr_py(tokens):
    refs, token_docs = tokens
    reference = lunr_py_index(refs, token_docs).serialize()
    # lunr.py sorts terms by code point; lunr.js needs (and we write) UTF-16 order
    reference["invertedIndex"].sort(key=lambda e: utf16_key(e[0]))
    vocab, docs = encode(token_docs)
    ours = build_index(refs, docs, vocab, lunr_numbering=True).serialize()
    assert json.dumps(ours, ensure_ascii=False) == json.dumps(reference, ensure_ascii=False)
    assert ours["pipeline"] == [PIPELINE_FN]
    assert len(ours["invertedIndex"]) > 20_000
    assert ours["fields"] == list(FIELDS) and len(FIELDS) == 7
    # the metadata fields are in it: some term has postings in each of them
    for f in FIELDS:
        assert any(posting[f] for _, posting in ours["invertedIndex"]), f


def test_milli_matches_python_round_on_ties():
    xs = np.array([0.0005, 0.0015, 1.2345, 2.675, 0.1235, 7.0, 1e-9, 123.4565])
    assert _milli(xs).tolist() == [round(round(x, 3) * 1000) for x in xs.tolist()]


def test_postings_strings_round_trip():
    gaps = np.array([0, 1, 31, 32, 1023, 1024, 32_767, 32_768, 16_383, 7, 2**40])
    levels = np.array([0, 1, 63, 64, 245, 100, 7, 200, 3, 4095, 12])
    text, ends = encode_numbers(gaps)
    # under 32: one character; each further 5 bits one more, led by digits offset by 32
    assert np.diff(np.concatenate([[0], ends])).tolist() == [1, 1, 1, 2, 2, 3, 3, 4, 3, 1, 9]
    assert text[:3] == "ABf" and text[3:5] == "hA"
    # eleven distinct levels in eleven postings: a palette would not be shorter
    both = encode_postings(gaps, levels)
    assert both == text + encode_levels(levels)
    assert decode_postings(both) == list(zip(gaps.tolist(), levels.tolist(), strict=True))
    assert decode_postings("") == [] and encode_postings([], []) == ""
    with pytest.raises(ValueError):
        decode_postings(both[:-1])


def test_postings_with_few_distinct_levels_list_them_once():
    """A frequent term's postings share a few levels: the string lists them (the palette)
    and then gives each posting one character, its place there; lossless either way."""
    rng = np.random.default_rng(7)
    gaps = rng.integers(0, 40, 500)
    levels = rng.choice([12, 150, 151, 160, 243], 500)
    text = encode_postings(gaps, levels)
    numbers, _ = encode_numbers(gaps)
    assert text[:2] == ".F" and text[2:12] == encode_levels(np.array([12, 150, 151, 160, 243]))
    assert len(text) == 2 + 10 + len(numbers) + 500  # two characters a posting without it
    assert decode_postings(text) == list(zip(gaps.tolist(), levels.tolist(), strict=True))
    with pytest.raises(ValueError):
        decode_postings(text[:-1])
    # 64 distinct levels do not fit the one-digit header; two postings gain nothing
    many = np.arange(64).repeat(3)
    assert encode_postings(np.ones(192, dtype=int), many) == "B" * 192 + encode_levels(many)
    assert encode_postings([3, 4, 5, 6], [9, 9, 9, 9]) == "DEFGAJAJAJAJ"
    assert encode_postings([3, 4, 5, 6, 7], [9] * 5) == ".BAJ" + "DEFGH" + "AAAAA"


def test_postings_split_into_documents_and_levels_and_back():
    """A big term's string cut where its gaps end (its levels go to a file of their own):
    the gaps alone are the documents' code, and joining gives the string back, with or
    without a palette, with multi-digit gaps and gaps of 0."""
    rng = np.random.default_rng(11)
    cases = [
        (rng.integers(0, 40, 500), rng.choice([12, 150, 243], 500)),  # palette
        (rng.choice([0, 1, 31, 32, 1023, 70_000], 300), rng.integers(0, 244, 300)),  # none
        (np.array([5]), np.array([3])),
        (np.array([0, 0]), np.array([200, 200])),
    ]
    for gaps, levels in cases:
        text = encode_postings(gaps, levels)
        docs, rest = split_levels(text)
        assert docs == encode_numbers(gaps)[0]
        assert decode_numbers(docs).tolist() == gaps.tolist()
        assert join_levels(docs, rest) == text
        assert join_levels(to_bitmap(docs), rest) == text
    # a dense term's documents are a bitmap (shorter), a sparse term's stay gaps
    dense = encode_numbers(np.r_[3, rng.integers(1, 4, 400)])[0]
    sparse = encode_numbers(rng.integers(40, 900, 50))[0]
    assert to_bitmap(dense).startswith("~") and len(to_bitmap(dense)) < len(dense)
    assert to_bitmap(sparse) == sparse
    # "~", the first document (3), then six documents a digit: k = 100100, documents 3 and 6
    assert from_bitmap("~Dk") == "DD" and from_bitmap("~DgA") == "D" and from_bitmap("DD") == "DD"
    with pytest.raises(ValueError):
        split_levels(encode_postings([3, 4], [9, 200])[:-1])


def test_clauses_score_the_longest_words_and_filter_by_the_grams_inside_them():
    """新能源消纳 (a vocabulary word): its bigrams only filter (boost 0), the word scores;
    新能源 inside it is not a clause. 耐心资本 (耐心资本 not a word, 耐心 and 资本 not ≥ 3
    characters): the bigrams that cover it two by two score, 心资 only filters. A
    one-character part is a scored prefix."""
    new = parse_query("新能源消纳")[0]
    choose_words(new, {"新能源", "新能源消纳", "能源"})
    assert [(c["term"], c["boost"], c["required"]) for c in clauses([new])] == [
        ("新能", 0, True),
        ("能源", 0, True),
        ("源消", 0, True),
        ("消纳", 0, True),
        ("新能源消纳", 3, False),
    ]
    mixed = parse_query("AI 耐心资本 光")
    for p in mixed:
        choose_words(p, {"ai"})
    got = [(c["term"], c["boost"], c["prefix"]) for c in clauses(mixed)]
    assert got == [
        ("ai", 1, False),  # a gram (two-letter words are grams)
        ("耐心", 1, False),
        ("心资", 0, False),  # across the words the run's two-by-two cover reads
        ("资本", 1, False),
        ("光", 1, True),
    ]
    odd = parse_query("应急管理部")[0]  # no word: 应急 管理 部 → 应急, 管理, 理部 score
    choose_words(odd, set())
    assert [c["boost"] for c in clauses([odd])] == [1, 0, 1, 1]


def test_unique_inverse_is_numpys():
    from huikan.search.shard import unique_inverse

    rng = np.random.default_rng(5)
    for key in (
        np.repeat(np.arange(300), 7) * 256 + rng.integers(0, 244, 2100),
        rng.integers(0, 50, 1000),
        np.zeros(0, dtype=np.int64),
        np.array([4]),
    ):
        got, want = unique_inverse(key), np.unique(key, return_inverse=True)
        assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()


def test_term_texts_write_what_encode_postings_writes(tokens):
    """term_texts (every term of a segment at once, numpy) agrees with the one-term encoder
    on every (term, field) of an index of the sample articles."""
    _, token_docs = tokens
    vocab, docs = encode(token_docs)
    index = build_index([str(i) for i in range(len(docs))], docs, vocab, length_ref=LENGTH_REF)
    texts, counted = term_texts(index)
    nf = len(index.fields)
    group = index.tid * nf + index.fld
    palettes = 0
    for t, text in enumerate(texts):
        fields = json.loads(text)
        two_digit = 0  # the term's text with every level in two digits
        for f in range(nf):
            sel = group == t * nf + f
            doc = index.doc[sel]
            gaps = np.diff(doc, prepend=0)
            want = encode_postings(gaps, level_of(index.milli[sel]))
            assert (fields[f] if f < len(fields) else "") == want, (index.terms[t], f)
            palettes += want.startswith(".")
            two_digit += len(encode_numbers(gaps)[0]) + 2 * len(gaps) - len(want)
        # a shard is packed by the size the term would take without palettes
        assert counted[t] == len(text) + two_digit
    assert palettes  # some frequent term uses one


def test_impacts_are_quantised_on_a_log_scale():
    """Every value maps to the nearest level (on a log scale), within 1.3 % above ~40 milli;
    a level's own value maps to itself."""
    assert quantise(IMPACTS).tolist() == list(range(len(IMPACTS)))
    assert len(IMPACTS) <= 4096 and IMPACTS[0] == 16 and IMPACTS[-1] == 11_000
    x = np.arange(1, 12_000)
    got = IMPACTS[quantise(x)]
    ratio = np.maximum(got / x, x / got)
    assert ratio[(x >= 40) & (x <= 11_000)].max() < 1.0131 + 0.5 / 40
    assert np.all(np.diff(got) >= 0)  # monotone: a larger value never gets a lower level


def _decoded(index, shards, n, start=0, s=0):
    parsed = [{**json.loads(x.text), "s": s} for x in shards]
    segs = [[0, 0, "", ""]] * s + [[start, len(index.refs), "", ""]]
    return parsed, segs


def test_shards_decode_to_lunr_bm25(tokens):
    """Document-local tf parts × idf computed at decoding: lunr's BM25 (to the stored three
    decimals and the impacts' quantisation) when the length reference is the average; any
    split into segments decodes to exactly the same index."""
    refs, token_docs = tokens
    vocab, docs = encode(token_docs)
    n = len(refs)
    full = build_index([str(i) for i in range(n)], docs, vocab).serialize()
    avg = {f: sum(d[f].length for d in docs) / n for f in FIELDS}
    local = build_index([str(i) for i in range(n)], docs, vocab, length_ref=avg)
    shards = make_shards(local, max_bytes=4000)
    assert len(shards) > 50
    parsed, segs = _decoded(local, shards, n)
    manifest = {"fields": list(FIELDS), "docs": n, "segs": segs}
    decoded = to_lunr(parsed, manifest)
    assert decoded["invertedIndex"] == full["invertedIndex"]
    want = {k: v for k, v in full["fieldVectors"] if v}
    assert dict(decoded["fieldVectors"]).keys() == want.keys()
    for ref, flat in decoded["fieldVectors"]:
        assert flat[0::2] == want[ref][0::2]
        # within half an impact step (1.3 %) and the table's integer rounding; idf ≤ 12
        assert flat[1::2] == pytest.approx(want[ref][1::2], rel=0.02, abs=0.0006 * 12)
    # the same documents in three segments: the same index, to the last bit
    cuts = [0, 20, 45, n]
    parsed, segs = [], []
    for s, (a, b) in enumerate(itertools.pairwise(cuts)):
        part = build_index([str(i) for i in range(b - a)], docs[a:b], vocab, length_ref=avg)
        p, sg = _decoded(part, make_shards(part, max_bytes=3000), n, a, s)
        parsed += p
        segs = segs[:s] + sg[s:]
    assert to_lunr(parsed, {"fields": list(FIELDS), "docs": n, "segs": segs}) == decoded
    seps = separators(shards)
    for sep, prev, cur in zip(seps, shards, shards[1:], strict=False):
        assert utf16_key(prev.terms[-1]) < utf16_key(sep) <= utf16_key(cur.terms[0])
        assert cur.terms[0].startswith(sep)


def _one_level(parts, seps):
    """The shards a query needs looked up in every separator at once (format 3's lookup)."""
    need = set()
    for p in parts:
        for term, prefix in p.grams:
            last = shard_of(term + "\uffff", seps) if prefix else shard_of(term, seps)
            need.update(range(shard_of(term, seps), last + 1))
        need.update(shard_of(w, seps) for w in p.candidates)
    return sorted(need)


def test_directories_find_each_segments_shards_as_one_separator_list_does(tokens):
    """The two-level lookup (the bounds, then one directory for all segments) gives each
    segment's shards of the plain lookup for every term, every prefix (ranges across
    directory bounds, a prefix in every directory), the first and the last shard, whatever
    the directory size; every separator of every segment is listed once or is a bound."""
    _, token_docs = tokens
    vocab, docs = encode(token_docs)
    segment_seps, segment_terms = [], []
    for part in (docs[:40], docs[40:70], docs[70:72]):  # a large, a middle, a tiny segment
        index = build_index([str(i) for i in range(len(part))], part, vocab, length_ref=LENGTH_REF)
        segment_seps.append(separators(make_shards(index, max_bytes=2000)))
        segment_terms.append(index.terms)
    assert len(segment_seps[0]) > 60 and len(segment_seps[2]) < 10
    every = sorted({t for terms in segment_terms for t in terms}, key=utf16_key)
    terms = [*every[::37], every[0], every[-1], "", "\uffff", "𠀀"]
    firsts = sorted({t[0] for t in every}, key=utf16_key)
    queries = [[Part(t, t, False, [(t, False)], [t])] for t in terms]
    queries += [[Part(c, c, False, [(c, True)], [])] for c in firsts]
    queries.append([Part("", "", False, [("", True)], [])])  # every term: every directory
    total = sum(len(seps) for seps in segment_seps)
    assert len({sep for seps in segment_seps for sep in seps}) < total  # some shared
    for size in (1, 2, 3, 7, 64, total, total + 5):
        bounds, files = directories(segment_seps, size)
        raw = [json.loads(f) for f in files]
        assert len(raw) == len(bounds) + 1 >= min(3, -(-total // size))
        assert [utf16_key(b) for b in bounds] == sorted({utf16_key(b) for b in bounds})
        assert max(sum(len(x.split()) for x in d["seps"]) for d in raw) <= size
        spans = 0
        for s, seps in enumerate(segment_seps):
            dirs = [Directory.parse(d, s) for d in raw]
            listed = [sep for d in dirs for sep in d.separators]
            assert sorted([*listed, *(b for b in bounds if b in seps)]) == sorted(seps)
            assert [d.first for d in dirs] == [0, *(shard_of(b, seps) for b in bounds)]
            for parts in queries:
                asked = set()

                def directory(j, asked=asked, dirs=dirs):
                    asked.add(j)
                    return dirs[j]

                got = needed_shards(parts, bounds, directory)
                assert got == _one_level(parts, seps), (size, s, parts[0].norm)
                assert asked <= set(needed_groups(parts, bounds))  # fetched before the shards
                spans += len(asked) > 1
            assert needed_shards(queries[-1], bounds, dirs.__getitem__) == list(
                range(len(seps) + 1)
            )
        assert spans or size >= total  # some prefix crosses a directory bound


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("search")
    stats = write_search_index(
        list(gold_docs()),
        out,
        CONFIG,
        cache_dir=out.parent / "cache",
        shard_bytes=6000,
        split_bytes=60,  # a frequent term's levels in a file of their own
        directory_size=3,  # several directories, and a short last one
        segment_docs=32,
    )
    return out, stats


def _load(out):
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return manifest, lambda name: json.loads((out / f"{name}.json").read_text("utf-8"))


def _shard_files(folder):
    """A segment folder's shards, by number (not its store files d<chunk>.json)."""
    return sorted((p for p in folder.glob("*.json") if p.stem.isdigit()), key=lambda p: int(p.stem))


def _all_shards(out, manifest):
    """Every segment's shards, whole (a split shard's levels put back)."""
    _, load = _load(out)
    return [
        {**joined(load, f"i/{s}", int(p.stem)), "s": s}
        for s in range(len(manifest["segs"]))
        for p in _shard_files(out / "i" / str(s))
    ]


def _directories(out, s):
    """The directories (g/<j>.json) as segment s reads them."""
    return [
        Directory.parse(json.loads(p.read_text("utf-8")), s)
        for p in sorted((out / "g").glob("*.json"), key=lambda p: int(p.stem))
    ]


def test_queries_on_loaded_shards_score_like_the_whole_index(built):
    out, stats = built
    manifest, load = _load(out)
    everything = _all_shards(out, manifest)
    assert len(everything) == stats.shards and len(manifest["segs"]) == 3
    full = Index.load(to_lunr(everything, manifest))
    vocabulary = {t for s in everything for t in s["t"]}
    queries = [*dev_queries(), "成电路", "电", "“产教融合共同体”", "AI 芯片", "car-t"]
    loaded_fractions = []
    for q in queries:
        parts, results = search_shards(q, manifest, load)
        for p in parts:
            choose_words(p, vocabulary)
        expected = run_lunr_py(full, clauses(parts))
        assert results == expected, q
        loaded = 0
        for s in range(len(manifest["segs"])):
            dirs = _directories(out, s)
            loaded += len(needed_shards(parts, manifest["dirs"].split(" "), dirs.__getitem__))
        loaded_fractions.append(loaded / stats.shards)
    assert max(loaded_fractions) < 0.25  # a query loads a small part of the index


def test_recall_of_dev_queries_in_python(built):
    """Every article containing the query is found (the browser test repeats this in lunr.js)."""
    from huikan.search.tokenize import squash

    out, _ = built
    manifest, load = _load(out)
    store = read_store(out)
    for q in dev_queries():
        _parts, results = search_shards(q, manifest, load)
        found = {int(ref) for ref, _ in results}
        relevant = {
            i
            for i, d in enumerate(store)
            if all(p.norm in squash(d["title"] + d["text"]) for p in parse_query(q))
        }
        assert relevant <= found, q
        assert relevant, q


def test_the_search_scripts_read_the_format_the_build_writes():
    """search-files.js refuses a manifest of another format (a page left open across an
    upgrade): its constant must be the one the build writes."""
    files = (REPO / "static" / "search-files.js").read_text("utf-8")
    assert re.search(r'var FORMAT = "([^"]+)";', files).group(1) == FORMAT


def test_write_search_index_files_and_stats(built):
    out, stats = built
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["docs"] == len(gold_docs()) == stats.docs
    assert manifest["lunr"] == "2.3.9" and manifest["fields"] == list(FIELDS)
    assert sum(len(_shard_files(out / "i" / str(s))) for s in range(3)) == stats.shards
    bounds = manifest["dirs"].split(" ")
    for s in range(len(manifest["segs"])):
        dirs = _directories(out, s)
        # one bound per directory after the first; each segment's shards are all reachable
        assert len(dirs) == len(bounds) + 1 > 2
        last = dirs[-1].first + len(dirs[-1].separators)
        assert len(_shard_files(out / "i" / str(s))) == last + 1
        # the directories list every split shard's term, in the directory that finds it
        split = {}
        for p in _shard_files(out / "i" / str(s)):
            shard = json.loads(p.read_text("utf-8"))
            if "l" in shard:
                assert (p.parent / f"l{p.stem}.json").is_file()
                split[shard["t"][0]] = shard_of(shard["t"][0], bounds)
        assert split and {t: j for j, d in enumerate(dirs) for t in d.big} == split
    assert [seg for seg in manifest["segs"] if len(seg) != 3] == []
    assert [seg[:2] for seg in manifest["segs"]] == [[0, 32], [32, 32], [64, 12]]
    assert len(_directories(out, 0)) == stats.extra["directories"]
    assert sorted(p.name for p in out.iterdir()) == [
        "facets.json",
        "g",
        "i",
        "manifest.json",
        "t2s.json",
    ]
    assert len(read_store(out)) == stats.docs
    # each document's cluster, one character each (search.js reads it with charCodeAt)
    facets = json.loads((out / "facets.json").read_text("utf-8"))
    assert [ord(c) - 48 for c in facets["cluster"]] == [d["cluster"] for d in read_store(out)]
    # [month, documents] of each run of a month, in document order: they add up to all
    months = [m for m, n in facets["months"] for _ in range(n)]
    assert months == [(d["date"] or "")[:7] for d in read_store(out)]
    # the store's files in their segment's folder: the site records a segment as one entry
    for s, (first, n, *_) in enumerate(manifest["segs"]):
        chunks = range(first // manifest["store"], -(-(first + n) // manifest["store"]))
        assert sorted(p.name for p in (out / "i" / str(s)).glob("d*.json")) == sorted(
            f"d{c}.json" for c in chunks
        )
    # documents are numbered by (date, cluster, url): year ranges are contiguous, and the
    # articles of one date come cluster by cluster (facets.json's runs)
    store = read_store(out)
    keys = [(d["date"] or "", manifest["clusters"][d["cluster"]][0], d["url"]) for d in store]
    assert keys == sorted(keys)
    years = manifest["years"]
    assert [y[0] for y in years] == sorted(y[0] for y in years)
    doc = read_store(out)[0]
    assert {"url", "title", "date", "cluster", "bulletin", "text"} <= set(doc)
    assert set(doc) <= {"url", "title", "date", "cluster", "bulletin", "text", "column"} | {
        "source",
        "byline",
    }
    assert any("source" in d and "byline" in d for d in read_store(out))
    assert stats.index_gzip < stats.index_bytes and stats.store_gzip < stats.store_bytes
    lines = stats.summary_lines()
    assert "搜索索引" in lines[0] and "gzip" in lines[1]
    assert stats.to_json()["postings"] > 0


def test_output_is_deterministic_and_cache_is_used(tmp_path):
    docs = list(gold_docs())[:20]
    a = write_search_index(docs, tmp_path / "a", CONFIG, cache_dir=tmp_path / "cache")
    b = write_search_index(
        list(reversed(docs)), tmp_path / "b", CONFIG, cache_dir=tmp_path / "cache"
    )
    values = field_values(docs, [plain_text(d.body) for d in docs], CONFIG)
    distinct = len({t for v in values.values() for t in v})  # each distinct text once
    assert a.to_json()["token_cache_misses"] == distinct
    assert b.to_json()["token_cache_hits"] == len(docs) * len(FIELDS)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.json"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.json"))
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    # a new user dictionary word changes the tokenizer key: a fresh cache, not stale terms
    other = load_config(REPO / "site.yml")
    other.user_dict.append("先进制程芯片")
    c = write_search_index(docs, tmp_path / "c", other, cache_dir=tmp_path / "cache")
    assert c.to_json()["token_cache_misses"] == distinct
    # and the old key's folder, never read again, is deleted (renamed away at once)
    assert [p.name for p in (tmp_path / "cache" / "search").glob("tokens-*")] == [
        TokenCache(tmp_path / "cache" / "search", Tokenizer.for_config(other)).dir.name
    ]


def test_adding_a_newer_article_keeps_other_store_files(tmp_path):
    docs = list(gold_docs())[:10]
    seen: dict[str, bytes] = {}
    write_search_index(docs, tmp_path / "a", CONFIG, write=seen.__setitem__, store_chunk=4)
    assert not (tmp_path / "a").exists()  # everything went through `write`
    newer = SearchDoc("new/x/", "新文章", "新的正文。", "2099-01", "综合", "general", "新刊", "new")
    again: dict[str, bytes] = {}
    write_search_index(
        [*docs, newer], tmp_path / "b", CONFIG, write=again.__setitem__, store_chunk=4
    )
    store = [k for k in seen if k.rpartition("/")[2].startswith("d")]
    assert store == ["i/0/d0.json", "i/0/d1.json", "i/0/d2.json"]  # in the segment's folder
    same = [k for k in store if seen[k] == again.get(k)]
    assert len(same) == 2 and len(again["i/0/d2.json"]) > len(seen["i/0/d2.json"])  # 4+4+2(+1)


def test_duplicate_urls_are_refused(tmp_path):
    d = gold_docs()[0]
    with pytest.raises(ValueError, match="网址相同"):
        write_search_index([d, d], tmp_path, CONFIG)


def test_empty_archive(tmp_path):
    stats = write_search_index([], tmp_path, CONFIG, cache_dir=tmp_path / "cache")
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert stats.docs == 0 and manifest["docs"] == 0


def test_plain_text_drops_markdown_marks():
    assert plain_text("### 一、总体要求\n\n**加快**建设\n- 条目一\n\n---\n") == (
        "一、总体要求\n加快建设\n条目一"
    )


def test_unchanged_files_are_hard_linked_from_the_previous_build(tmp_path):
    docs = list(gold_docs())[:12]
    cache = tmp_path / "cache"
    old = tmp_path / "site" / "search"
    write_search_index(docs, old, CONFIG, cache_dir=cache, segment_docs=4, store_chunk=4)
    newer = SearchDoc("new/x/", "新文章", "新的正文。", "2099-01", "综合", "general", "新刊", "new")
    stage = tmp_path / "site.tmp-4242" / "search"  # huikan's staging folder
    made = {}
    stats = write_search_index(
        [*docs, newer],
        stage,
        CONFIG,
        cache_dir=cache,
        segment_docs=4,
        store_chunk=4,
        made=made.__setitem__,
    )

    def same_file(p):
        q = old / p.relative_to(stage)
        return q.exists() and p.stat().st_ino == q.stat().st_ino

    store = sorted(stage.glob("i/*/d*.json"))
    linked = [p.relative_to(stage).as_posix() for p in store if same_file(p)]
    assert linked == ["i/0/d0.json", "i/1/d1.json", "i/2/d2.json"]  # 12 old docs, 4 a file
    assert (stage / "i/3/d3.json").exists()
    assert stats.store_gzip > 0
    # each folder's record, linked or written, is that of the files in it
    assert sorted(made) == ["i/0", "i/1", "i/2", "i/3"]
    for folder, rec in made.items():
        files = sorted((stage / folder).iterdir())
        sha = [(f.name, hashlib.sha256(f.read_bytes()).hexdigest()) for f in files]
        assert rec.digest == folder_digest(sha) and rec.files == len(files)
        assert rec.size == sum(f.stat().st_size for f in files)
    # the three full segments' shards too: only the new one was indexed
    assert stats.extra["segments"] == 4 and stats.extra["segment_cache_hits"] == 3
    # the summary says how much was indexed again (the new document's segment: 1 of 13)
    assert stats.reindexed == 1 and "（重新索引 1 篇）" in stats.summary_lines()[0]
    shards = sorted(p.relative_to(stage) for p in (stage / "i").rglob("*.json"))
    assert all(
        (stage / p).stat().st_ino == (old / p).stat().st_ino for p in shards if p.parts[1] != "3"
    )
    # every file of a kept segment
    kept = {p for p in shards if p.parts[1] != "3"}
    assert kept == {p.relative_to(old) for p in (old / "i").rglob("*.json") if p.parts[-2] != "3"}
    assert any(p.stem.isdigit() for p in kept) and any(p.name.startswith("d") for p in kept)
    # the old build is untouched
    assert json.loads((old / "manifest.json").read_text("utf-8"))["docs"] == 12


def test_field_prefixes_and_traditional_queries_in_python(built):
    out, _ = built
    manifest, load = _load(out)
    store = read_store(out)
    t2s = json.loads((out / "t2s.json").read_text("utf-8"))
    for q in ("来源:经济参考报", "来源：经济参考报", "供稿: 经济参考报"):
        parts, results = search_shards(q, manifest, load)
        assert [p.field for p in parts] == ["source"]
        want = {i for i, d in enumerate(store) if "经济参考报" in d.get("source", "")}
        assert {int(r) for r, _ in results} == want and want, q
    _, anywhere = search_shards("经济参考报", manifest, load)
    assert want <= {int(r) for r, _ in anywhere}
    # the bulletin's title and number as printed
    _, issue = search_shards("刊期:第8期（总第39期）", manifest, load)
    want = {i for i, d in enumerate(store) if "第8期（总第39期）" in d["bulletin"]}
    assert {int(r) for r, _ in issue} == want and want
    for trad, simp in (
        ("集成電路", "集成电路"),
        ("數字經濟", "数字经济"),
        ("新能源汽車", "新能源汽车"),
    ):
        _, a = search_shards(trad, manifest, load, lambda: t2s)
        _, b = search_shards(simp, manifest, load)
        assert a == b and b, trad
        assert search_shards(trad, manifest, load)[1] == []  # without the map: nothing

    def never():
        raise AssertionError("a query with every term in the index needs no map")

    assert search_shards("集成电路", manifest, load, never)[1]


def test_t2s_map_keeps_only_characters_the_index_holds(built):
    from huikan.search.t2s import build_map, char_pairs, to_simplified

    out, _ = built
    data = json.loads((out / "t2s.json").read_text("utf-8"))
    pairs = char_pairs(data)
    assert pairs["電"] == "电" and pairs["經"] == "经" and 200 < len(pairs) < 3000
    shards = [
        json.loads(p.read_text("utf-8")) for d in (out / "i").iterdir() for p in _shard_files(d)
    ]
    held = {c for shard in shards for t in shard["t"] for c in t}
    assert set(pairs.values()) <= held
    small = build_map(set("电路干隆乾了解"))
    assert char_pairs(small).get("電") == "电" and "經" not in char_pairs(small)
    assert to_simplified("乾隆電路", small) == "乾隆电路"  # 乾 is simplified text here
    assert to_simplified("瞭解", small) == "了解"


def _tree(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("where", ["newest", "middle"])
def test_an_incremental_index_equals_a_full_one_byte_for_byte(tmp_path, where):
    """A new bulletin (newest: only the last segment is indexed; a back issue in the middle:
    every segment from its place on) gives the files a build from scratch gives."""
    docs = sorted(gold_docs(), key=lambda d: (d.date or "", d.cluster, d.url))  # number order
    added = docs[40:44] if where == "middle" else docs[-4:]
    before = [d for d in docs if d not in added]
    old = tmp_path / "site" / "search"
    write_search_index(before, old, CONFIG, cache_dir=tmp_path / "cache", segment_docs=16)
    stage = tmp_path / "site.tmp-1" / "search"
    stats = write_search_index(docs, stage, CONFIG, cache_dir=tmp_path / "cache", segment_docs=16)
    fresh = tmp_path / "fresh"
    full = write_search_index(docs, fresh, CONFIG, cache_dir=tmp_path / "cache", segment_docs=16)
    assert _tree(stage) == _tree(fresh)
    assert stats.extra["segments"] == 5
    assert stats.extra["segment_cache_hits"] == (4 if where == "newest" else 2)
    assert full.extra["segment_cache_hits"] == 0
    assert (stats.terms, stats.index_gzip, stats.shards) == (
        full.terms,
        full.index_gzip,
        full.shards,
    )


def test_unique_sorted_is_numpys_unique():
    import numpy as np

    from huikan.search.segment import distinct_terms, unique_sorted

    rng = np.random.default_rng(14)
    for n in (0, 1, 2, 17, 5000):
        values = rng.integers(0, max(n // 3, 1), size=n, dtype=np.uint64) * np.uint64(2**40 + 7)
        got = unique_sorted(values)
        assert got.dtype == np.uint64
        assert got.tobytes() == np.unique(values).tobytes()
    assert distinct_terms([]) == 0
