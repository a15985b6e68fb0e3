"""The query side in Python: the same plan ``static/search.js`` builds, run with lunr.py.

Used by the tests to check that the shards a query loads answer exactly like the whole index,
and that lunr.js (in node) scores the same clauses as lunr.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lunr.index import Index
from lunr.query import Query, QueryPresence

from huikan.search.index import utf16_key
from huikan.search.postings import join_levels
from huikan.search.shard import to_lunr
from huikan.search.t2s import to_simplified
from huikan.search.tokenize import (
    CJK_RUN,
    GRAM_RUN,
    LONG_RUN,
    MIN_WORD,
    latin_words,
    normalize,
    query_grams,
    squash,
)

MAX_WORD = 16  # longest vocabulary word looked up inside a query run

# Field prefixes (after NFKC: "来源：" is "来源:"): 来源:经济参考报 looks in the source only.
# static/search-core.js has the same table.
FIELD_PREFIXES: dict[str, str] = {
    "标题": "title",
    "title": "title",
    "集群": "cluster",
    "产业集群": "cluster",
    "cluster": "cluster",
    "栏目": "column",
    "column": "column",
    "来源": "source",
    "供稿": "source",
    "source": "source",
    "作者": "byline",
    "署名": "byline",
    "author": "byline",
    "刊名": "bulletin",
    "刊期": "bulletin",
    "简报": "bulletin",
    "bulletin": "bulletin",
}
_PREFIX = "|".join(sorted(FIELD_PREFIXES, key=lambda k: (-len(k), k)))
_PART = re.compile(rf'(?:({_PREFIX}):\s*)?(?:"([^"]*)"|“([^”]*)”|(\S+))')


@dataclass
class Part:
    text: str
    norm: str
    quoted: bool
    grams: list[tuple[str, bool]]  # (term, is_prefix)
    candidates: list[str]
    words: list[tuple[str, bool]] = field(default_factory=list)  # (term, is_longest_match)
    field: str | None = None  # only this index field (a 来源: / 作者: … prefix)


def word_candidates(norm: str) -> list[str]:
    out: dict[str, None] = {}
    for run in CJK_RUN.findall(norm):
        for i in range(0, len(run), 2 if len(run) > LONG_RUN else 1):
            for n in range(MIN_WORD, MAX_WORD + 1):
                if i + n <= len(run):
                    out.setdefault(run[i : i + n])
    for w in latin_words(norm):
        out.setdefault(w)
    return list(out)


def parse_query(query: str) -> list[Part]:
    """Quoted phrases and whitespace-separated words, each with an optional field prefix
    (``作者:张勇慈``), as ``parseQuery`` in search-core.js."""
    parts = []
    q = normalize(query)
    for m in _PART.finditer(q):
        quoted = m.group(4) is None
        text = (m.group(2) if m.group(2) is not None else m.group(3)) if quoted else m.group(4)
        norm = squash(text).strip('"')
        grams = list(query_grams(norm))
        if grams:
            fld = FIELD_PREFIXES[m.group(1)] if m.group(1) else None
            parts.append(Part(text.strip(), norm, quoted, grams, word_candidates(norm), field=fld))
    return parts


def missing_terms(parts: list[Part], vocabulary: set[str]) -> bool:
    """Does some required gram (or prefix character) of the query not occur in the index?
    Then the query cannot match as typed, and is tried in simplified characters."""
    for p in parts:
        for term, prefix in p.grams:
            if prefix:
                if not any(t.startswith(term) for t in vocabulary):
                    return True
            elif term not in vocabulary:
                return True
    return False


def shard_of(term: str, separators: list[str]) -> int:
    """Index of the shard holding ``term`` (separators compared in UTF-16 order)."""
    key = utf16_key(term)
    lo, hi = 0, len(separators)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if utf16_key(separators[mid - 1]) <= key:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass
class Directory:
    """A directory (``g/<j>.json``, :func:`huikan.search.directory.directories`) as one segment
    reads it: its shard holding the range's lowest term, and its separators inside the range."""

    first: int
    separators: list[str]
    big: frozenset[str] = frozenset()  # split terms in the range (directory.directories)

    @classmethod
    def parse(cls, data: dict[str, Any], segment: int) -> Directory:
        seps = data["seps"][segment]
        big = data["big"][segment] if "big" in data else ""
        return cls(
            data["k"][segment], seps.split(" ") if seps else [], frozenset(big.split(" ")) - {""}
        )


def term_ranges(parts: list[Part]) -> list[tuple[str, str]]:
    """The term ranges a query reads, (lowest, highest): a term is its own range, a prefix
    gram every term from it to it + U+FFFF (which may span several shards, and groups)."""
    out: list[tuple[str, str]] = []
    for p in parts:
        for term, prefix in p.grams:
            out.append((term, term + "\uffff") if prefix else (term, term))
        out.extend((w, w) for w in p.candidates)
    return out


def needed_groups(parts: list[Part], bounds: list[str]) -> list[int]:
    """The directories a query needs (``bounds``: the manifest's ``dirs``): those of each
    range's ends — the shards between them are numbered consecutively in every segment, so a
    range's middle directories are not needed."""
    need: set[int] = set()
    for lo, hi in term_ranges(parts):
        need.update((shard_of(lo, bounds), shard_of(hi, bounds)))
    return sorted(need)


def needed_shards(
    parts: list[Part], bounds: list[str], directory: Callable[[int], Directory]
) -> list[int]:
    """The shards a query loads in a segment, found with its view of the directories of
    :func:`needed_groups` (``directory(j)``); as ``core.shardsFor`` in search-core.js."""

    def locate(term: str) -> int:
        d = directory(shard_of(term, bounds))
        return d.first + shard_of(term, d.separators)

    need: set[int] = set()
    for lo, hi in term_ranges(parts):
        need.update(range(locate(lo), locate(hi) + 1))
    return sorted(need)


def choose_words(part: Part, vocabulary: set[str]) -> None:
    """Vocabulary words in the part; greedy longest matches are marked (higher boost)."""
    longest: set[str] = set()
    for run in GRAM_RUN.findall(part.norm):
        i = 0
        while i < len(run):
            best = 0
            for n in range(min(len(run) - i, MAX_WORD), MIN_WORD - 1, -1):
                if run[i : i + n] in vocabulary:
                    best = n
                    break
            if best:
                longest.add(run[i : i + best])
                i += best
            else:
                i += 1
    longest.add(part.norm)  # a whole Latin compound (car-t) is one match too
    part.words = [(w, w in longest) for w in part.candidates if w in vocabulary]


def cover_grams(norm: str) -> set[str]:
    """The bigrams at every other place of each run of a query part, and its last: they
    cover every character once (twice for the last of an odd run) — the two-character words
    of a run read from its start, as most Chinese words are (``coverGrams`` in
    search-judge.js)."""
    out: set[str] = set()
    for run in GRAM_RUN.findall(norm):
        if len(run) > 1:
            out.update(run[i : i + 2] for i in range(0, len(run) - 1, 2))
            out.add(run[-2:])
    return out


def clauses(parts: list[Part]) -> list[dict[str, Any]]:
    """The lunr clauses: required grams (prefix → trailing wildcard), optional words.

    Only the longest vocabulary words score (boost 3), and a gram inside one of them only
    filters (boost 0): the word says the same thing about a document, and a frequent gram's
    levels are most of a query's bytes (the browser does not fetch them for a gram that only
    filters, :func:`joined`). Of the other grams, those that cover the run's characters
    two by two score (boost 1: 细胞 and 治疗 in 细胞治疗, :func:`cover_grams`); the ones
    across them (胞治) only filter."""
    out: list[dict[str, Any]] = []
    for p in parts:
        only = {"fields": [p.field]} if p.field else {}
        longest = [w for w, long in p.words if long]
        cover = cover_grams(p.norm)
        for term, prefix in p.grams:
            inside = any(term in w for w in longest)
            boost = 0 if not prefix and (inside or term not in cover) else 1
            out.append({"term": term, "required": True, "prefix": prefix, "boost": boost, **only})
        for w in longest:
            out.append({"term": w, "required": False, "prefix": False, "boost": 3, **only})
    return out


def run_lunr_py(index: Index, plan: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """Run a clause list with lunr.py; [(ref, score)] best first."""

    def build(q: Query) -> None:
        for c in plan:
            q.term(
                c["term"],
                presence=QueryPresence.REQUIRED if c["required"] else QueryPresence.OPTIONAL,
                wildcard=Query.WILDCARD_TRAILING if c["prefix"] else Query.WILDCARD_NONE,
                use_pipeline=not c["prefix"],
                boost=c["boost"],
                **({"fields": c["fields"]} if c.get("fields") else {}),
            )

    return [(r["ref"], r["score"]) for r in index.query(callback=build)]


def joined(load: Callable[[str], Any], folder: str, k: int) -> dict[str, Any]:
    """Shard ``k`` of a segment's ``folder`` with its levels, read from their own file when
    it was split (:data:`huikan.search.shard.SPLIT_FACTOR`): the browser reads that file only
    when the query scores the term; here every shard is whole, which ranks the same."""
    shard = load(f"{folder}/{k}")
    if "l" not in shard:
        return shard
    levels = load(f"{folder}/l{k}")["l"]
    fields = [join_levels(g, v) for g, v in zip(shard["p"][0], levels, strict=True)]
    return {"t": shard["t"], "p": [fields]}


def search_shards(
    query: str,
    manifest: dict[str, Any],
    load: Callable[[str], Any],
    load_t2s: Callable[[], dict[str, str]] | None = None,
) -> tuple[list[Part], list[tuple[str, float]]]:
    """Plan a query, load only its directories and then its shards in every segment
    (``load(name)`` → the parsed ``<name>.json`` of the search folder: ``"g/<j>"`` or
    ``"i/<segment>/<k>"``), run lunr.py.

    With ``load_t2s`` (→ the parsed ``t2s.json``), a query with a term the index lacks is run
    in simplified characters instead when that changes it (``Engine.search`` in search.js).
    """
    parts = parse_query(query)
    if not parts:
        return parts, []
    bounds = manifest["dirs"].split(" ") if manifest["dirs"] else []
    dirs = {j: load(f"g/{j}") for j in needed_groups(parts, bounds)}
    shards = []
    for s in range(len(manifest["segs"])):
        view = {j: Directory.parse(d, s) for j, d in dirs.items()}
        for k in needed_shards(parts, bounds, view.__getitem__):
            shards.append({**joined(load, f"i/{s}", k), "s": s})
    vocabulary = {t for s in shards for t in s["t"]}
    if load_t2s is not None and missing_terms(parts, vocabulary):
        simplified = to_simplified(normalize(query), load_t2s())
        if simplified != normalize(query):
            return search_shards(simplified, manifest, load)
    for p in parts:
        choose_words(p, vocabulary)
    index = Index.load(to_lunr(shards, manifest))
    return parts, run_lunr_py(index, clauses(parts))
