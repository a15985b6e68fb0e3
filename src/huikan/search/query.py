"""The query side in Python: the same plan ``static/search.js`` builds, run with lunr.py.

Used by the tests to check that the shards a query loads answer exactly like the whole index,
and that lunr.js (in node) scores the same clauses as lunr.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lunr.index import Index
from lunr.query import Query, QueryPresence

from huikan.search.index import utf16_key
from huikan.search.shard import to_lunr
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
_PART = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


@dataclass
class Part:
    text: str
    norm: str
    quoted: bool
    grams: list[tuple[str, bool]]  # (term, is_prefix)
    candidates: list[str]
    words: list[tuple[str, bool]] = field(default_factory=list)  # (term, is_longest_match)


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
    """Quoted phrases and whitespace-separated words, as ``parseQuery`` in search-core.js."""
    parts = []
    q = normalize(query)
    for m in _PART.finditer(q):
        quoted = m.group(3) is None
        text = (m.group(1) if m.group(1) is not None else m.group(2)) if quoted else m.group(3)
        norm = squash(text).strip('"')
        grams = list(query_grams(norm))
        if grams:
            parts.append(Part(text.strip(), norm, quoted, grams, word_candidates(norm)))
    return parts


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


def needed_shards(parts: list[Part], separators: list[str]) -> list[int]:
    need: set[int] = set()
    for p in parts:
        for term, prefix in p.grams:
            if prefix:
                need.update(
                    range(shard_of(term, separators), shard_of(term + "\uffff", separators) + 1)
                )
            else:
                need.add(shard_of(term, separators))
        need.update(shard_of(w, separators) for w in p.candidates)
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


def clauses(parts: list[Part]) -> list[dict[str, Any]]:
    """The lunr clauses: required grams (prefix → trailing wildcard), optional words."""
    out: list[dict[str, Any]] = []
    for p in parts:
        for term, prefix in p.grams:
            out.append({"term": term, "required": True, "prefix": prefix, "boost": 1})
        for w, long in p.words:
            out.append({"term": w, "required": False, "prefix": False, "boost": 3 if long else 1})
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
            )

    return [(r["ref"], r["score"]) for r in index.query(callback=build)]


def search_shards(
    query: str, manifest: dict[str, Any], load_shard: Any
) -> tuple[list[Part], list[tuple[str, float]]]:
    """Plan a query, load only its shards (``load_shard(k)`` → parsed JSON), run lunr.py."""
    separators = manifest["shards"].split(" ") if manifest["shards"] else []
    parts = parse_query(query)
    if not parts:
        return parts, []
    shards = [load_shard(k) for k in needed_shards(parts, separators)]
    vocabulary = {t for s in shards for t in s["t"]}
    for p in parts:
        choose_words(p, vocabulary)
    index = Index.load(to_lunr(shards, manifest["fields"], manifest["w"]))
    return parts, run_lunr_py(index, clauses(parts))
