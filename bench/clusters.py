"""Cluster tagging measured honestly: leave-one-bulletin-out, printed cues removed.

    .venv/bin/python bench/clusters.py              # built-in vocabulary (no site keywords)
    .venv/bin/python bench/clusters.py --site       # with site.yml's taxonomy and keywords
    .venv/bin/python bench/clusters.py --verbose    # every article

The gold articles of the sample corpus (tests/corpus/gold/*.yml) are cut out of their seeds by
the gold line spans (title, and body from body_start to end_line). Printed cues are removed:
the TOC group and the column are not given to the tagger, and research-team credits
("（通讯员：新能源产业研究团队 贾飞鹏）") are deleted from the body, so only the text decides.

The vocabulary is not fitted at all (it comes from public classifications, see
src/huikan/data/cluster_vocab.yml). What is fitted — the size normalisation, the "several
industries" ratio, the minimum evidence and the uncertainty ratio of
:class:`huikan.classify.score.Calibration` — is chosen for each held-out bulletin on the other
four only. An article counts as correct when the prediction is its gold cluster or one of its
gold ``also`` clusters, as tests/corpus/score_split.py counts it; top-2 when the gold (or an
``also``) is the tag or its runner-up.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from huikan.classify import matcher_for  # noqa: E402
from huikan.classify.score import Calibration, Hits, contributions, decide, find  # noqa: E402
from huikan.config import GENERAL, default_taxonomy, load_config  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
# A research-team credit, in brackets or on its own line: a printed cue, not text.
_CREDIT = re.compile(r"[（(][^（）()]*(?:研究团队|研究组|课题组)[^（）()]*[）)]")
_CREDIT_LINE = re.compile(r"^.*(?:研究团队|研究组|课题组).*$", re.M)

GRID = {
    "size_norm": (0.0, 0.25, 0.5, 0.75, 1.0),
    "several": (0.6, 0.7, 0.8, 0.9, 9.0),  # 9.0: the rule never fires
    "min_evidence": (1.0, 1.5, 2.0, 3.0),
}
UNCERTAIN = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.50 … 0.95
# Choosing the uncertainty ratio: a mistake left unflagged costs 1 (even with the gold as
# runner-up: the warning is what makes an editor look); a correct tag flagged for the editor
# to confirm costs this much.
FLAG_COST = 0.2


@dataclass
class Item:
    bulletin: str
    title: str
    gold: str
    ok: frozenset[str]  # gold and its `also`
    hits: Hits


def strip_cues(body: str) -> str:
    return _CREDIT_LINE.sub("", _CREDIT.sub("", body))


def load_items(taxonomy) -> list[Item]:
    _vocab, matcher = matcher_for(taxonomy)
    items = []
    for gold_path in sorted((CORPUS / "gold").glob("0*.yml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        lines = (CORPUS / "seeds" / gold["source"]).read_text(encoding="utf-8").split("\n")
        for a in gold["articles"]:
            body = strip_cues("\n".join(lines[a["body_start"] - 1 : a["end_line"]]))
            ok = frozenset([a["cluster"], *(a.get("also") or [])])
            hits = find(matcher, a["title"], body)
            items.append(Item(gold_path.stem, a["title"], a["cluster"], ok, hits))
    return items


@dataclass
class Result:
    item: Item
    cluster: str
    cue: str
    runner_up: str | None
    ratio: float
    uncertain: bool
    terms: list[tuple[str, float]]

    @property
    def correct(self) -> bool:
        return self.cluster in self.item.ok

    @property
    def top2(self) -> bool:
        return self.correct or self.runner_up in self.item.ok

    @property
    def covered(self) -> bool:
        """A wrong tag the editor is told about, or whose runner-up is right."""
        return self.correct or self.uncertain or self.runner_up in self.item.ok


def run(item: Item, vocab, cal: Calibration) -> Result:
    contrib = contributions(item.hits, vocab, cal)
    scores = {c: sum(ts.values()) for c, ts in contrib.items()}
    d = decide(scores, cal)
    shown = d.cluster if d.cue == "keywords" else d.runner_up or ""
    terms = sorted(contrib.get(shown, {}).items(), key=lambda kv: -kv[1])[:4]
    return Result(item, d.cluster, d.cue, d.runner_up, d.ratio, d.uncertain, terms)


def fit_rule(items: list[Item], vocab) -> Calibration:
    """The calibration with the best top-1 accuracy on ``items`` (ties: the earlier grid
    point, i.e. the simpler one); its uncertainty ratio is left at 1.0."""
    best, best_acc = None, -1
    for size_norm, several, min_ev in itertools.product(*GRID.values()):
        cal = Calibration(size_norm, several, 1.0, min_ev)
        acc = sum(run(it, vocab, cal).correct for it in items)
        if acc > best_acc:
            best, best_acc = cal, acc
    assert best is not None
    return best


def fit(items: list[Item], vocab) -> Calibration:
    """The decision rule fitted on ``items``; the uncertainty ratio chosen on the mistakes it
    makes on bulletins it was *not* fitted on (an inner leave-one-bulletin-out over ``items``:
    in-sample mistakes are too few and too easy to say how narrow a held-out mistake's margin
    is). The ratio with the least cost wins; ties go to the higher ratio (fewer flags)."""
    rule = fit_rule(items, vocab)
    held_out: list[Result] = []
    for b in sorted({it.bulletin for it in items}):
        inner = fit_rule([it for it in items if it.bulletin != b], vocab)
        held_out += [run(it, vocab, inner) for it in items if it.bulletin == b]
    best_cost, best_u = None, 1.0
    for u in UNCERTAIN:
        cost = 0.0
        for r in held_out:
            flagged = r.ratio >= u
            if not (r.correct or flagged):  # the warning is what makes an editor look
                cost += 1
            elif r.correct and flagged:
                cost += FLAG_COST
        if best_cost is None or cost <= best_cost:
            best_cost, best_u = cost, u
    return Calibration(rule.size_norm, rule.several, best_u, rule.min_evidence)


def ingest_check(layouts: list[str]) -> None:
    """The tagger as ingest runs it (printed cues and site.yml's taxonomy), on the sample
    bulletins: accuracy by cue, articles matched to the gold by title."""
    from huikan.ingest import ingest_file

    config = load_config(ROOT / "site.yml")
    by_cue: dict[str, list[bool]] = {}
    for layout in layouts:
        for gold_path in sorted((CORPUS / "gold").glob("0*.yml")):
            gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
            ok = {
                _key(a["title"]): {a["cluster"], *(a.get("also") or [])} for a in gold["articles"]
            }
            src = (
                CORPUS / "seeds" / gold["source"]
                if layout == "text"
                else CORPUS / "pdf" / layout / f"{gold_path.stem}.pdf"
            )
            for a in ingest_file(src, config, use_sidecar=False).articles:
                if _key(a.title) in ok:
                    by_cue.setdefault(a.cluster_cue or "?", []).append(
                        a.cluster in ok[_key(a.title)]
                    )
    print(f"\ningest with printed cues ({', '.join(layouts)}), by cue:")
    for cue, oks in sorted(by_cue.items()):
        print(f"  {cue:<9} {sum(oks):>3}/{len(oks):<3} {sum(oks) / len(oks):.3f}")


def _key(title: str) -> str:
    return re.sub(r"[\s\"'“”‘’《》（）():：，,。、\-—]", "", title)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", action="store_true", help="site.yml's taxonomy and keywords")
    ap.add_argument("--verbose", action="store_true", help="print every article")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument(
        "--ingest",
        nargs="*",
        metavar="LAYOUT",
        help="also ingest the samples (text; or the named PDF layouts) and score by cue",
    )
    args = ap.parse_args()
    taxonomy = load_config(ROOT / "site.yml").taxonomy if args.site else default_taxonomy()
    vocab, _ = matcher_for(taxonomy)
    items = load_items(taxonomy)
    bulletins = sorted({it.bulletin for it in items})
    results: list[Result] = []
    print("leave-one-bulletin-out; calibration fitted on the other bulletins:")
    for b in bulletins:
        train = [it for it in items if it.bulletin != b]
        test = [it for it in items if it.bulletin == b]
        cal = fit(train, vocab)
        rs = [run(it, vocab, cal) for it in test]
        results += rs
        acc = sum(r.correct for r in rs) / len(rs)
        print(
            f"  {b}: {len(rs):>2} articles  top-1 {acc:.2f}   size_norm={cal.size_norm}"
            f" several={cal.several} min_evidence={cal.min_evidence} uncertain={cal.uncertain}"
        )
    n = len(results)
    top1 = sum(r.correct for r in results) / n
    top2 = sum(r.top2 for r in results) / n
    print(f"\n{n} articles   top-1 {top1:.3f}   top-2 {top2:.3f}")

    names = taxonomy.names
    short = {c: c[:4] for c in names}
    conf: Counter[tuple[str, str]] = Counter()
    for r in results:
        conf[r.item.gold, r.item.gold if r.correct else r.cluster] += 1
    print("\nconfusion (rows: gold; columns: predicted; a prediction in `also` counts as gold)")
    print(" " * 10 + "".join(f"{short[c]:>5}" for c in names))
    for g in names:
        row = [conf[g, p] for p in names]
        if sum(row):
            print(f"{short[g]:<10}" + "".join(f"{x or '·':>5}" for x in row))

    wrong = sorted((r for r in results if not r.correct), key=lambda r: r.ratio)
    print(f"\nmistakes ({len(wrong)}), most confident first:")
    for r in wrong[: args.worst]:
        margin = 1 - r.ratio
        terms = " ".join(f"{t}:{w:.1f}" for t, w in r.terms)
        flag = "⚠" if r.uncertain else " "
        print(
            f"  {flag} {r.item.title[:30]}\n      gold {r.item.gold}  predicted {r.cluster}"
            f" ({r.cue})  runner-up {r.runner_up}  margin {margin:.2f}  terms {terms}"
        )
    uncovered = [r for r in results if not r.covered]
    flagged = sum(r.uncertain for r in results)
    print(
        f"\nwarning coverage: {len(wrong) - len(uncovered)}/{len(wrong)} mistakes carry the"
        f" uncertainty warning or have the gold cluster as runner-up"
        f"   ({flagged} of {n} tags flagged)"
    )
    for r in uncovered:
        print(f"  NOT COVERED: {r.item.title}  gold {r.item.gold}  predicted {r.cluster}")
    print(f"\nfitted on all {len(bulletins)} bulletins (the shipped default): {fit(items, vocab)}")
    if args.verbose:
        for r in results:
            mark = "ok " if r.correct else ("2nd" if r.top2 else "ERR")
            print(f"{mark} {r.item.gold:<10} {r.cluster:<10} {r.ratio:.2f} {r.item.title}")
    if GENERAL not in names:
        print("note: the taxonomy has no 综合")
    if args.ingest is not None:
        ingest_check(args.ingest or ["text"])


if __name__ == "__main__":
    main()
