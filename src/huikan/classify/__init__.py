"""Tag articles with an industry cluster from the site's taxonomy.

Explicit cues printed by the editors win: the TOC group an article is listed under, a
research-team byline ("集成电路与 ICT 产业研究团队"), a column named after a cluster. Without
one, the article is scored against each cluster's keywords (jieba search-mode tokens, title
counted three times); an article whose keywords do not point to one industry is 综合.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

from huikan.config import GENERAL, Taxonomy, norm_key

_TEAM = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9 与和及、]{2,24}?)(?:产业)?(?:研究团队|研究组|课题组|团队)"
)
_TITLE_WEIGHT = 3.0
# Below this much keyword evidence (one title hit counts 3, one body hit 1) the article has
# no industry cue at all and is filed under 综合 by default.
MIN_EVIDENCE = 3.0


@dataclass
class Tagging:
    cluster: str
    clusters: list[str]
    cue: str  # "toc", "byline", "column", "keywords", "default", "sidecar"
    scores: dict[str, float]


_lock = threading.Lock()
_tokenizers: dict[tuple[str, ...], object] = {}


def _tokenizer(words: tuple[str, ...]):
    """A jieba tokenizer that keeps every taxonomy keyword whole (one per taxonomy)."""
    with _lock:
        tok = _tokenizers.get(words)
        if tok is None:
            from huikan.jiebautil import new_tokenizer

            tok = new_tokenizer([w for w in words if len(w) > 1], freq=20000)
            _tokenizers[words] = tok
        return tok


def _keyword_index(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """keyword (normalised) → clusters it points to."""
    idx: dict[str, list[str]] = {}
    for c in taxonomy.clusters:
        for k in [*c.keywords, *c.aliases, c.name]:
            if c.name == GENERAL and k in c.names():
                continue
            key = norm_key(k)
            if key and c.name not in idx.setdefault(key, []):
                idx[key].append(c.name)
    return idx


# Enough body to decide an article's industry; bounds the work on a pathological megabyte body.
MAX_BODY_CHARS = 30_000
# jieba segments each maximal run of these characters on its own (jieba.re_han_default), so
# cutting only the runs that contain a keyword yields exactly the keyword tokens a full cut
# would — at a fraction of the cost, since most runs contain none.
_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


class _Matcher:
    """Per taxonomy: keyword → clusters, the jieba tokenizer, and a keyword pre-filter."""

    def __init__(self, taxonomy: Taxonomy):
        self.index = _keyword_index(taxonomy)
        self.tokenizer = _tokenizer(tuple(sorted(self.index)))
        keys = sorted(self.index, key=len, reverse=True)
        self.prefilter = re.compile("|".join(map(re.escape, keys))) if keys else None

    def counts(self, text: str) -> Counter[str]:
        out: Counter[str] = Counter()
        if self.prefilter is None:
            return out
        raw: Counter[str] = Counter()
        for run in _RUN.findall(text):
            # Runs hold no spaces or full-width forms, so lower() is their normalised key.
            if self.prefilter.search(run.lower()):
                raw.update(self.tokenizer.cut(run, HMM=False))  # type: ignore[attr-defined]
        for tok, n in raw.items():  # normalise each distinct token once
            out[norm_key(tok)] += n
        return out


_matchers: dict[str, _Matcher] = {}


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    key = repr([(c.name, c.aliases, c.keywords) for c in taxonomy.clusters])
    with _lock:
        m = _matchers.get(key)
    if m is None:
        m = _Matcher(taxonomy)
        with _lock:
            _matchers[key] = m
    return m


def keyword_scores(title: str, text: str, taxonomy: Taxonomy) -> dict[str, float]:
    m = _matcher(taxonomy)
    scores: Counter[str] = Counter()
    for part, weight in ((title, _TITLE_WEIGHT), (text[:MAX_BODY_CHARS], 1.0)):
        # Precise mode with the keywords in the dictionary: "生物医药" counts once, not also
        # as "医药"; compounds the taxonomy lists ("光伏组件") stay whole.
        for key, n in m.counts(part).items():
            for name in m.index.get(key, ()):
                # Diminishing returns: one word repeated 30 times is not 30 pieces of evidence.
                scores[name] += weight * (1 + math.log(n))
    return dict(scores)


def explicit_cluster(
    taxonomy: Taxonomy,
    toc_cluster: str | None = None,
    byline: str | None = None,
    column: str | None = None,
) -> tuple[str, str] | None:
    """The cluster an editor printed, and the cue it came from."""
    if toc_cluster and taxonomy.get(toc_cluster):
        return taxonomy.by_name(toc_cluster).name, "toc"
    if byline:
        for m in _TEAM.finditer(byline):
            c = taxonomy.lookup(m.group(1).strip())
            if c is not None and c.name != GENERAL:
                return c.name, "byline"
    if column:
        c = taxonomy.lookup(column)
        if c is not None:
            return c.name, "column"
    return None


def classify(
    title: str,
    text: str,
    taxonomy: Taxonomy,
    *,
    toc_cluster: str | None = None,
    byline: str | None = None,
    column: str | None = None,
) -> Tagging:
    scores = keyword_scores(title, text, taxonomy)
    ranked = [name for name, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if s > 0]
    explicit = explicit_cluster(taxonomy, toc_cluster, byline, column)
    if explicit:
        name, cue = explicit
        rest = [n for n in ranked if n != name]
        return Tagging(name, [name, *_plausible(rest, scores)], cue, scores)
    # 综合 has keywords of its own (policy, finance, IP, parks…), so it competes like any
    # cluster: a policy article mentioning 光伏 once stays 综合.
    if ranked and scores[ranked[0]] >= MIN_EVIDENCE:
        best = ranked[0]
        return Tagging(
            best, [best, *_plausible(ranked[1:], scores, scores[best])], "keywords", scores
        )
    top = scores[ranked[0]] if ranked else 0.0
    return Tagging(GENERAL, [GENERAL, *_plausible(ranked, scores, top)], "default", scores)


def _plausible(names: list[str], scores: dict[str, float], top: float | None = None) -> list[str]:
    """Runners-up worth listing: at least a quarter of the leader's evidence."""
    if not names:
        return []
    ref = top if top is not None else scores.get(names[0], 0.0)
    return [n for n in names if scores.get(n, 0) >= 0.25 * ref and scores[n] > 0][:4]
