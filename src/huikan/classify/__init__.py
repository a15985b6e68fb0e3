"""Tag articles with an industry cluster from the site's taxonomy.

Explicit cues printed by the editors win: the TOC group an article is listed under, a
research-team byline ("集成电路与 ICT 产业研究团队"), a column named after a cluster. Without
one, the article's title and body are scored against each cluster's vocabulary
(:mod:`huikan.classify.vocab`: public classifications plus curated terms, extended by site.yml)
and the decision rule of :mod:`huikan.classify.score` picks the cluster — 综合 when the article
is about policy, finance, parks, IP, talent or several industries. Every tag carries its
explanation (:class:`huikan.model.ClusterWhy`): the printed cue, or the top terms, the
runner-up and the margin; a narrow margin is flagged as uncertain.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

from huikan.classify.score import DEFAULT, Calibration, Matcher, contributions, decide, find
from huikan.classify.vocab import Vocabulary, build_vocabulary
from huikan.config import GENERAL, Taxonomy
from huikan.model import ClusterWhy, TermWeight

__all__ = [
    "Tagging",
    "classify",
    "explicit_cluster",
    "keyword_scores",
    "matcher_for",
    "uncertain_message",
]

_TEAM = re.compile(
    r"([\u4e00-\u9fffA-Za-z0-9 与和及、]{2,24}?)(?:产业)?(?:研究团队|研究组|课题组|团队)"
)
TOP_TERMS = 5  # terms shown in an explanation


@dataclass
class Tagging:
    cluster: str
    clusters: list[str]
    cue: str  # "toc", "byline", "column", "keywords", "several", "default", "sidecar"
    scores: dict[str, float]
    why: ClusterWhy = field(default_factory=lambda: ClusterWhy("default"))


_lock = threading.Lock()
_matchers: dict[str, tuple[Vocabulary, Matcher]] = {}


def matcher_for(taxonomy: Taxonomy) -> tuple[Vocabulary, Matcher]:
    """The vocabulary and term matcher of a taxonomy (built once per taxonomy)."""
    key = repr([(c.name, c.aliases, c.keywords, c.vocabulary) for c in taxonomy.clusters])
    with _lock:
        got = _matchers.get(key)
    if got is None:
        vocab = build_vocabulary(taxonomy)
        got = (vocab, Matcher(vocab))
        with _lock:
            _matchers[key] = got
    return got


def _scored(title: str, text: str, taxonomy: Taxonomy, cal: Calibration):
    vocab, matcher = matcher_for(taxonomy)
    contrib = contributions(find(matcher, title, text), vocab, cal)
    scores = {c: sum(ts.values()) for c, ts in contrib.items()}
    return contrib, scores, vocab


def keyword_scores(
    title: str, text: str, taxonomy: Taxonomy, cal: Calibration = DEFAULT
) -> dict[str, float]:
    """Each cluster's vocabulary score for an article (clusters without a term left out)."""
    return _scored(title, text, taxonomy, cal)[1]


def explicit_cluster(
    taxonomy: Taxonomy,
    toc_cluster: str | None = None,
    byline: str | None = None,
    column: str | None = None,
) -> tuple[str, str] | None:
    """The cluster an editor printed, and the cue it came from."""
    found = _explicit(taxonomy, toc_cluster, byline, column)
    return (found[0], found[1]) if found else None


def _explicit(
    taxonomy: Taxonomy, toc_cluster: str | None, byline: str | None, column: str | None
) -> tuple[str, str, str] | None:
    """(cluster, cue, the printed text) of an explicit cue."""
    if toc_cluster and taxonomy.get(toc_cluster):
        return taxonomy.by_name(toc_cluster).name, "toc", toc_cluster
    if byline:
        for m in _TEAM.finditer(byline):
            c = taxonomy.lookup(m.group(1).strip())
            if c is not None and c.name != GENERAL:
                return c.name, "byline", m.group(0).strip()
    if column:
        c = taxonomy.lookup(column)
        if c is not None:
            return c.name, "column", column
    return None


def _top_terms(
    contrib: dict[str, dict[str, float]], cluster: str, vocab: Vocabulary
) -> list[TermWeight]:
    terms = sorted(contrib.get(cluster, {}).items(), key=lambda kv: (-kv[1], kv[0]))
    return [TermWeight(vocab.display.get(t, t), round(w, 2)) for t, w in terms[:TOP_TERMS]]


def classify(
    title: str,
    text: str,
    taxonomy: Taxonomy,
    *,
    toc_cluster: str | None = None,
    byline: str | None = None,
    column: str | None = None,
    calibration: Calibration = DEFAULT,
) -> Tagging:
    contrib, scores, vocab = _scored(title, text, taxonomy, calibration)
    explicit = _explicit(taxonomy, toc_cluster, byline, column)
    if explicit:
        name, cue, printed = explicit
        others = sorted(
            ((c, s) for c, s in scores.items() if c != name and s > 0), key=lambda kv: -kv[1]
        )
        runner, s2 = others[0] if others else (None, 0.0)
        s1 = scores.get(name, 0.0)
        why = ClusterWhy(
            cue,
            printed=printed,
            terms=_top_terms(contrib, name, vocab),
            score=round(s1, 2),
            runner_up=runner,
            runner_up_score=round(s2, 2),
            ratio=round(min(s2 / s1, 9.99), 2) if s1 else 0.0,
        )
        rest = [c for c, _ in others]
        return Tagging(name, [name, *_plausible(rest, scores, s2)], cue, scores, why)
    d = decide(scores, calibration)
    why = ClusterWhy(
        d.cue,
        terms=_top_terms(contrib, d.cluster if d.cue == "keywords" else d.runner_up or "", vocab),
        score=round(scores.get(d.cluster, 0.0), 2),
        runner_up=d.runner_up,
        runner_up_score=round(scores.get(d.runner_up, 0.0), 2) if d.runner_up else 0.0,
        ratio=round(d.ratio, 2),
        uncertain=d.uncertain,
    )
    rest = [c for c, _ in d.ranked if c != d.cluster]
    if d.runner_up and d.runner_up in rest:  # the runner-up first among the plausible others
        rest.remove(d.runner_up)
        rest.insert(0, d.runner_up)
    top = max(scores.get(d.cluster, 0.0), scores.get(d.runner_up or "", 0.0))
    clusters = [d.cluster, *_plausible(rest, scores, top)]
    return Tagging(d.cluster, clusters, d.cue, scores, why)


def _plausible(names: list[str], scores: dict[str, float], top: float) -> list[str]:
    """Runners-up worth listing: at least a quarter of the leader's evidence."""
    return [n for n in names if scores.get(n, 0) > 0 and scores[n] >= 0.25 * top][:4]


def uncertain_message(title: str, cluster: str, runner_up: str | None) -> str:
    """The warning for a narrow margin, telling the editor the one sidecar line that settles
    it."""
    pair = f"{cluster} / {runner_up}" if runner_up else cluster
    key = json.dumps(title, ensure_ascii=False) if _YAML_SPECIAL.search(title) else title
    return (
        f"文章 “{title}” 集群不确定：{pair}。请确认后在旁注文件中写一行："
        f"articles: {{{key}: {{cluster: {cluster}}}}}"
    )


# Characters that would make a bare title mean something else in a YAML flow mapping.
_YAML_SPECIAL = re.compile(r"[:{}\[\],#&*!|>'\"%@`?]|^[-\s]|\s$")
