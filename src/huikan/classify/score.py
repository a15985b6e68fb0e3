"""Scoring an article's text against each cluster's vocabulary, and the decision rule.

Terms are found by leftmost-longest matching ("生物医药" counts once, not also as "医药";
a Latin term such as "AI" only as a whole word). A cluster's score is

    score(c) = Σ_t weight(t, c) · [tf(t, body) + TITLE_BOOST · tf(t, title)] / size(c)^α

with sublinear term frequency ``tf = 1 + ln n`` (zero when absent): one word repeated thirty
times is not thirty pieces of evidence; a title term is what the article is about. ``size(c)``
is the number of terms in the cluster's vocabulary relative to the mean, so that a cluster
with a long list does not win by the length of its list alone.

The decision: the best-scoring cluster, 综合 included (its vocabulary is policy, finance,
parks, IP, talent …), except that an article where three or more industries score within
``several`` of each other is about several industries and filed under 综合. The margin is
the runner-up's score over the winner's; at or above ``uncertain`` the tag is flagged.
The constants of :class:`Calibration` are chosen by leave-one-bulletin-out cross-validation
on the sample corpus (bench/clusters.py); the vocabulary is not fitted at all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from huikan.classify.vocab import Vocabulary
from huikan.config import GENERAL
from huikan.textnorm import nfkc

TITLE_BOOST = 3.0
# Enough body to decide an article's industry; bounds the work on a pathological megabyte body.
MAX_BODY_CHARS = 30_000


@dataclass(frozen=True)
class Calibration:
    """The decision rule's constants. The defaults are what bench/clusters.py fits on all five
    sample bulletins; fitted on any four of them, the same values (size_norm 0.25 once) come
    out, and top-1 accuracy stays within 0.95–0.99 over the whole grid it searches."""

    size_norm: float = 1.0  # α: exponent of the vocabulary-size normalisation
    several: float = 0.6  # three industries within this ratio of the best → 综合
    # runner-up / winner at or above this → "集群不确定". Chosen on held-out mistakes: the
    # lowest ratio that flags them, a flagged correct tag costing a fifth of a missed mistake.
    uncertain: float = 0.75
    min_evidence: float = 1.0  # below this best score: no industry cue at all → 综合, default


DEFAULT = Calibration()

_CJK = r"\u3400-\u9fff"
# White after a CJK character or before one. Both branches start with \s (the lookbehind
# comes after it): the regex engine then skips to the next white character instead of trying
# a lookbehind at every position of the text — half the cost of classifying an article.
_SPACE_NEAR_CJK = re.compile(rf"\s(?<=[{_CJK}]\s)\s*|\s+(?=[{_CJK}])")
_ALNUM = re.compile(r"[a-z0-9]")


def normalise(text: str) -> str:
    """NFKC, lower case, and no spaces next to a CJK character (PDF text puts them inside
    words: "集成电路与 ICT")."""
    return _SPACE_NEAR_CJK.sub("", nfkc(text).lower())


class Matcher:
    """Finds a vocabulary's terms in text, leftmost-longest.

    The terms are grouped by their first character, each group compiled into a regular
    expression shaped like a trie (longer continuations tried first). One character-class
    search jumps to the next position where some term could start, and only that character's
    group is tried there: one alternation of every term, or of every first character, made
    the regex engine test hundreds of branches at every position of the text.
    """

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        groups: dict[str, list[str]] = {}
        for t in vocab.weights:
            groups.setdefault(t[0], []).append(t)
        # a Latin term only at the start of a Latin word (the lookbehind sees the text
        # before the position a match is tried at)
        self._groups = {
            ch: re.compile(("(?<![a-z0-9])" if _ALNUM.match(ch) else "") + _trie_pattern(ts))
            for ch, ts in groups.items()
        }
        firsts = "".join(re.escape(ch) for ch in sorted(groups))
        self._starts = re.compile(f"[{firsts}]") if groups else None

    def counts(self, text: str) -> Counter[str]:
        out: Counter[str] = Counter()
        if self._starts is None or not text:
            return out
        norm = normalise(text)
        search, groups = self._starts.search, self._groups
        at = search(norm)
        while at is not None:
            i = at.start()
            hit = groups[norm[i]].match(norm, i)
            if hit is not None:
                out[hit.group()] += 1
                i = hit.end() - 1
            at = search(norm, i + 1)
        return out


_END = ""  # trie key marking the end of a term


def _trie_pattern(terms: list[str]) -> str:
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[_END] = True
    return _node_pattern(trie)


def _node_pattern(node: dict, last: str = "") -> str:
    """The pattern of a trie node's continuations, longest first; where a term ends, the
    match may stop — after a Latin letter or digit only at the end of a Latin word."""
    branches = [re.escape(ch) + _node_pattern(sub, ch) for ch, sub in sorted(node.items()) if ch]
    if _END in node:
        end = "(?![a-z0-9])" if _ALNUM.match(last) else ""
        if not branches:
            return end
        if end:
            return "(?:" + "|".join([*branches, end]) + ")"
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@dataclass
class Hits:
    """Term counts of one article: in its title and in its body."""

    title: Counter[str]
    body: Counter[str]


def find(matcher: Matcher, title: str, text: str) -> Hits:
    return Hits(matcher.counts(title), matcher.counts(text[:MAX_BODY_CHARS]))


def _tf(n: int) -> float:
    return 1.0 + math.log(n) if n > 0 else 0.0


def contributions(
    hits: Hits, vocab: Vocabulary, cal: Calibration = DEFAULT
) -> dict[str, dict[str, float]]:
    """cluster → term → what the term adds to the cluster's score.

    Terms are taken in sorted order: a cluster's score is the sum of its terms' values, and
    a set's order changes with the process's string hashing, so summing in set order gave
    scores (and ratios) that differed in their last bits from one run to the next."""
    mean = sum(vocab.sizes.values()) / len(vocab.sizes) if vocab.sizes else 1.0
    norms: dict[str, float] = {}
    out: dict[str, dict[str, float]] = {}
    for term in sorted(hits.title.keys() | hits.body.keys()):
        tf = _tf(hits.body[term]) + TITLE_BOOST * _tf(hits.title[term])
        for cluster, w in vocab.weights.get(term, {}).items():
            norm = norms.get(cluster)
            if norm is None:
                norm = norms[cluster] = (
                    max(vocab.sizes.get(cluster, 1), 1) / mean
                ) ** cal.size_norm
            out.setdefault(cluster, {})[term] = w * tf / norm
    return out


@dataclass
class Decision:
    cluster: str
    cue: str  # "keywords", "several" or "default"
    ranked: list[tuple[str, float]]  # every cluster with a positive score, best first
    runner_up: str | None
    ratio: float  # runner-up score / winner score
    uncertain: bool


def decide(scores: dict[str, float], cal: Calibration = DEFAULT) -> Decision:
    ranked = sorted(((c, s) for c, s in scores.items() if s > 0), key=lambda kv: (-kv[1], kv[0]))
    best = ranked[0][1] if ranked else 0.0
    if best < cal.min_evidence:
        runner = ranked[0][0] if ranked and ranked[0][0] != GENERAL else None
        if runner is None and len(ranked) > 1:
            runner = ranked[1][0]
        ratio = (scores.get(runner, 0.0) / cal.min_evidence) if runner else 0.0
        return Decision(GENERAL, "default", ranked, runner, min(ratio, 1.0), True)
    industries = [(c, s) for c, s in ranked if c != GENERAL]
    if len(industries) >= 3 and industries[2][1] >= cal.several * industries[0][1]:
        # How near the spread came to one industry leading: 1 when the third is just at the
        # `several` line, `several` when all three tie.
        ratio = cal.several * industries[0][1] / industries[2][1]
        return Decision(GENERAL, "several", ranked, industries[0][0], ratio, ratio >= cal.uncertain)
    winner, s1 = ranked[0]
    runner, s2 = ranked[1] if len(ranked) > 1 else (None, 0.0)
    ratio = s2 / s1
    return Decision(winner, "keywords", ranked, runner, ratio, ratio >= cal.uncertain)
