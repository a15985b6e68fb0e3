"""Each cluster's vocabulary: the built-in lists of ``huikan/data/cluster_vocab.yml`` (from
public classifications, see its ``sources:``), merged with what site.yml adds or replaces.

A term's weight in a cluster is its strength (1, or ½ for a ``weak`` everyday word) times its
specificity across clusters: a term in one cluster's list only counts fully, a term listed for
k clusters counts ``log(1 + N/k) / log(1 + N)`` for each (an IDF over the vocabulary, not over
any articles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from huikan.config import GENERAL, Taxonomy, norm_key

WEAK = 0.5  # a word with an everyday meaning besides the industry one (安全, 健康, 环境 …)


@dataclass(frozen=True)
class BuiltinCluster:
    """One cluster of the package data file."""

    name: str
    slug: str
    aliases: tuple[str, ...]
    terms: dict[str, tuple[str, ...]]  # source key → terms
    weak: tuple[str, ...] = ()

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("huikan").joinpath("data/cluster_vocab.yml").read_text("utf-8")
    return yaml.safe_load(text)


def sources() -> dict[str, str]:
    """Source key → the public classification (or curation) its lists come from."""
    return {str(k): str(v) for k, v in (_data().get("sources") or {}).items()}


@lru_cache(maxsize=1)
def builtin_clusters() -> tuple[BuiltinCluster, ...]:
    out = []
    for c in _data()["clusters"]:
        terms = {str(src): tuple(str(t) for t in ts or []) for src, ts in (c["terms"]).items()}
        out.append(
            BuiltinCluster(
                name=str(c["name"]),
                slug=str(c["slug"]),
                aliases=tuple(str(a) for a in c.get("aliases") or []),
                terms=terms,
                weak=tuple(str(w) for w in c.get("weak") or []),
            )
        )
    return tuple(out)


def builtin_for(names: list[str]) -> BuiltinCluster | None:
    """The built-in cluster one of whose names equals one of ``names`` (a site may rename a
    cluster and keep the built-in name as an alias)."""
    keys = {norm_key(n) for n in names}
    for b in builtin_clusters():
        if keys & {norm_key(n) for n in b.names()}:
            return b
    return None


@dataclass
class Vocabulary:
    """Normalised term → {cluster: weight}, for one taxonomy."""

    clusters: list[str]
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # cluster → number of terms
    display: dict[str, str] = field(default_factory=dict)  # normalised term → as written

    def terms_of(self, cluster: str) -> list[str]:
        return sorted(t for t, w in self.weights.items() if cluster in w)


def build_vocabulary(taxonomy: Taxonomy) -> Vocabulary:
    raw: dict[str, dict[str, float]] = {}  # cluster → term → strength
    display: dict[str, str] = {}
    for c in taxonomy.clusters:
        strength: dict[str, float] = {}

        def add(words, s: float, strength=strength) -> None:
            for w in words:
                k = norm_key(w)
                if k:
                    strength[k] = max(strength.get(k, 0.0), s)
                    display.setdefault(k, w)

        builtin = builtin_for(c.names())
        if builtin is not None and c.vocabulary != "replace":
            add(builtin.weak, WEAK)
            for ts in builtin.terms.values():
                add(ts, 1.0)
            if c.name != GENERAL:
                add(builtin.names(), 1.0)
        if c.name != GENERAL:  # "综合" and "其他" are not evidence of anything
            add(c.names(), 1.0)
        add(c.keywords, 1.0)
        raw[c.name] = strength
    n = len(taxonomy.clusters)
    df: dict[str, int] = {}
    for strength in raw.values():
        for t in strength:
            df[t] = df.get(t, 0) + 1
    vocab = Vocabulary([c.name for c in taxonomy.clusters], display=display)
    for name, strength in raw.items():
        vocab.sizes[name] = len(strength)
        for t, s in strength.items():
            idf = math.log(1 + n / df[t]) / math.log(1 + n) if n > 1 else 1.0
            vocab.weights.setdefault(t, {})[name] = s * idf
    return vocab
