"""Score the splitter on generated layouts: ``bench/ingest_layouts.py [--n 200] [--seed S]
[--jobs 2] [--out results.json] [--export DIR] [--index DIR/index.json]``.

Generates (or reuses from the cache) ``n`` bulletin × layout files (bench/layouts), ingests each
in-process exactly as ``huikan ingest FILE --json`` does (``ingest_file(...).to_json()``, no
sidecar, no cache), scores it with the corpus's own ``tests/corpus/score_split.py`` (imported and
run on the JSON, ``--verbose`` rows kept for the report), and prints the F1 / title / cluster
distribution, a per-family and per-producer breakdown, the worst cases with their layout, the
self-check figures of issue 9 (of files with F1 < 0.95 the share carrying a split warning, of
files with F1 = 1.0 the share carrying one) and the failure patterns (bench/layouts/patterns.py).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench.layouts; huikan comes from the interpreter's install

from bench.layouts import patterns  # noqa: E402
from bench.layouts.generate import available_producers, cache_dir, export, plan, produce  # noqa: E402

SCORER = ROOT / "tests" / "corpus" / "score_split.py"


def split_warnings(result: dict) -> list[str]:
    """Codes of the ingest JSON's warnings that concern the split (the self-check's own rule:
    :func:`huikan.ingest.selfcheck.is_split_warning`)."""
    from huikan.ingest.selfcheck import is_split_warning
    from huikan.model import Warning

    return [w["code"] for w in result.get("warnings", []) if is_split_warning(Warning(**w))]


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_split", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(scorer, gold: Path, seed: Path, pred: dict) -> tuple[dict, list[str]]:
    """Run the corpus scorer's own ``main`` on ``pred``; its JSON line and ``--verbose`` rows."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(pred, f, ensure_ascii=False)
        name = f.name
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    try:
        sys.argv = ["score_split.py", str(gold), str(seed), name, "--verbose"]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            scorer.main()
    finally:
        sys.argv = argv
        Path(name).unlink(missing_ok=True)
    return json.loads(out.getvalue()), err.getvalue().splitlines()


_STATE: dict = {}


def _init() -> None:
    from huikan.config import load_config

    _STATE["config"] = load_config(ROOT / "site.yml")
    _STATE["scorer"] = load_scorer()


def _misses(scorer, gold: Path, seed: Path, pred: dict, rows: list[str]) -> list[str]:
    """For each gold article the scorer missed: the prediction covering most of it, with that
    coverage and its purity (covered but impure: merged into a bigger one; poorly covered: cut
    or lost). Uses the scorer's own normalisation and 5-grams."""
    import yaml

    missed = {r.split(" | ")[1] for r in rows if r.startswith("MISS")}
    if not missed:
        return []
    g = yaml.safe_load(gold.read_text("utf-8"))
    lines = seed.read_text("utf-8").split("\n")
    preds = pred.get("articles", [])
    pg = [
        scorer.grams(
            scorer.norm((p.get("text") or "") + (p.get("byline") or "") + (p.get("source") or ""))
        )
        for p in preds
    ]
    out = []
    for a in scorer.gold_articles(g, lines):
        if a["title"] not in missed:
            continue
        G = scorer.grams(a["body"])
        best = max(
            ((len(G & P) / len(G), len(G & P) / len(P), j) for j, P in enumerate(pg) if P and G),
            default=(0.0, 0.0, -1),
        )
        cov, pur, j = best
        title = preds[j].get("title") if j >= 0 else None
        out.append(f"WHY | {a['title']} | best pred {title!r} covers {cov:.2f}, purity {pur:.2f}")
    return out


def evaluate(entry: dict) -> dict:
    """Ingest and score one generated file (runs in a worker process)."""
    from huikan.ingest import ingest_file
    from huikan.model import IngestError

    if not _STATE:
        _init()
    t = time.perf_counter()
    path = Path(entry["path"])
    try:
        res = ingest_file(path, _STATE["config"], use_sidecar=False).to_json()
    except IngestError as e:
        res = {"articles": [], "warnings": [{"code": f"error:{e.code}", "message": str(e)}]}
    secs = time.perf_counter() - t
    s, rows = score(_STATE["scorer"], Path(entry["gold"]), Path(entry["seed"]), res)
    rows += _misses(_STATE["scorer"], Path(entry["gold"]), Path(entry["seed"]), res, rows)
    return {
        **entry,
        **s,
        "split_warnings": split_warnings(res),
        "warnings": [w.get("code") for w in res.get("warnings", [])],
        "pages": (res.get("bulletin") or {}).get("pages"),
        "ingest_seconds": round(secs, 3),
        "pred_titles": [a.get("title") for a in res["articles"]],
        "detail": rows,
    }


def evaluate_all(entries: list[dict], workers: int = 2) -> list[dict]:
    """Ingest and score every ``index.json``-style entry (path, gold, seed, layout …)."""
    out: list[dict] = []
    t0 = time.time()

    def progress(r: dict) -> None:
        out.append(r)
        if len(out) % 20 == 0 or len(out) == len(entries):
            print(f"  scored {len(out)}/{len(entries)} ({time.time() - t0:.0f} s)", file=sys.stderr)

    if workers <= 1:
        for e in entries:
            progress(evaluate(e))
        return out
    with ProcessPoolExecutor(max_workers=workers, initializer=_init) as pool:
        for r in pool.map(evaluate, entries, chunksize=2):
            progress(r)
    return out


def _dist(xs: list[float]) -> str:
    xs = sorted(xs)
    p5 = xs[max(0, round(0.05 * (len(xs) - 1)))]
    return (
        f"mean {statistics.mean(xs):.3f}  median {statistics.median(xs):.3f}  "
        f"p5 {p5:.3f}  min {xs[0]:.3f}"
    )


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.0f} %" if whole else "0/0 (none)"


def report(results: list[dict], worst: int = 15, out=sys.stdout) -> dict:
    """Print the figures; returns them as a dict (also stored in the JSON)."""
    p = lambda *a: print(*a, file=out)  # noqa: E731
    n = len(results)
    p(f"\n{n} generated bulletin × layout files")
    for key, label in (
        ("f1", "F1"),
        ("title_acc", "title accuracy"),
        ("cluster_acc", "cluster acc."),
    ):
        p(f"  {label:<15} {_dist([r[key] for r in results])}")
    for group in ("family", "producer"):
        p(f"\nby {group}:")
        p(
            f"  {group:<20} {'n':>4} {'F1 mean':>8} {'median':>7} {'min':>6}"
            f" {'title':>6} {'clust':>6} {'warned':>7}"
        )
        keys = sorted({r[group] for r in results})
        for k in keys:
            rs = [r for r in results if r[group] == k]
            f1 = [r["f1"] for r in rs]
            p(
                f"  {k:<20} {len(rs):>4} {statistics.mean(f1):>8.3f} {statistics.median(f1):>7.3f}"
                f" {min(f1):>6.3f} {statistics.mean(r['title_acc'] for r in rs):>6.3f}"
                f" {statistics.mean(r['cluster_acc'] for r in rs):>6.3f}"
                f" {sum(bool(r['split_warnings']) for r in rs):>7}"
            )
    bad = [r for r in results if r["f1"] < 0.95]
    perfect = [r for r in results if r["f1"] >= 1.0]
    bad_w = sum(bool(r["split_warnings"]) for r in bad)
    perf_w = sum(bool(r["split_warnings"]) for r in perfect)
    p("\nself-check (split warning = huikan.ingest.selfcheck.is_split_warning):")
    p(f"  F1 < 0.95 with a split warning: {_share(bad_w, len(bad))}   (issue 9 wants ≥ 95 %)")
    p(f"  F1 = 1.0 with a split warning:  {_share(perf_w, len(perfect))}   (issue 9 wants ≤ 5 %)")
    codes: dict[str, int] = {}
    for r in results:
        for c in r["warnings"]:
            codes[c] = codes.get(c, 0) + 1
    p(f"  warning codes seen: {json.dumps(codes, ensure_ascii=False)}")
    p(f"\n{worst} worst (F1, then title accuracy):")
    for r in sorted(results, key=lambda r: (r["f1"], r["title_acc"]))[:worst]:
        lay = r["layout"]
        p(
            f"  F1 {r['f1']:.3f} title {r['title_acc']:.2f} clu {r['cluster_acc']:.2f}"
            f"  gold {r['gold']} pred {r['pred']} matched {r['matched']}"
            f"  warn {','.join(r['split_warnings']) or '—'}"
        )
        p(f"    {r['path']}")
        p(f"    {_params(lay)}")
    return {
        "n": n,
        "f1": _dist([r["f1"] for r in results]),
        "title_acc": _dist([r["title_acc"] for r in results]),
        "cluster_acc": _dist([r["cluster_acc"] for r in results]),
        "bad_with_warning": [bad_w, len(bad)],
        "perfect_with_warning": [perf_w, len(perfect)],
    }


def _params(lay: dict) -> str:
    keys = [
        "producer",
        "page",
        "columns",
        "column_scope",
        "body_pt",
        "title_scale",
        "title_bold",
        "title_align",
        "font_title",
        "subhead",
        "labels",
        "label_brackets",
        "title_marker",
        "toc",
        "toc_pages",
        "toc_groups",
        "masthead",
        "header",
        "page_number",
        "page_number_pos",
        "wrap",
        "page_lines",
        "md_headings",
    ]
    return " ".join(f"{k}={lay[k]}" for k in keys if k in lay)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("bench/out/layouts-results.json"))
    ap.add_argument("--export", type=Path, help="also export the files + index.json here")
    ap.add_argument("--worst", type=int, default=15)
    ap.add_argument(
        "--index",
        type=Path,
        help="score the files an exported index.json lists (no generation: any interpreter"
        " with huikan installed can score, e.g. another checkout's .venv/bin/python)",
    )
    args = ap.parse_args(argv)
    t0 = time.time()
    gen = 0.0
    if args.index:
        entries = json.loads(args.index.read_text("utf-8"))["files"]
    else:
        jobs = plan(args.n, args.seed, sorted(available_producers()))
        gen = produce(jobs, workers=args.jobs)
        print(f"generated the missing files in {gen:.0f} s ({cache_dir()})", file=sys.stderr)
        if args.export:
            export(jobs, args.export)
        entries = [j.index_entry() for j in jobs if j.path().exists()]
    t1 = time.time()
    results = evaluate_all(entries, args.jobs)
    t2 = time.time()
    summary = report(results, args.worst)
    patterns.report(results)
    print(
        f"\ntimes: generate {gen:.0f} s, ingest + score {t2 - t1:.0f} s with {args.jobs} jobs"
        f" (ingest alone: {sum(r['ingest_seconds'] for r in results):.0f} s summed),"
        f" total {t2 - t0:.0f} s"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"summary": summary, "files": results}, ensure_ascii=False, indent=1), "utf-8"
    )
    print(f"per-file results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
