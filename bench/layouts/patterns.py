"""What went wrong in a bad split, in words the splitter's author can act on.

``python -m bench.layouts.patterns RESULTS.json [--files N]`` reads bench/ingest_layouts.py's
per-file results and tags every file below F1 0.95 (or title accuracy 0.95) with the patterns
its scorer rows show: an unmatched prediction whose title is a TOC entry, a label, a
sub-heading, a running header …; a missed gold article merged into a bigger one, cut in
pieces or lost; a matched article whose title kept its ◆ marker or is really its byline. The
tags are heuristics over the gold structure (:mod:`.model`), meant to point at files to open.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from .blocks import cluster_label
from .model import load, squash

_MARKS = re.compile(r"[◆■●▲★【】〔〕\[\]]")
_TOC_HEADS = {"目录", "本期要目", "本期导读", "编者按"}


def _cue_sets(stem: str) -> dict[str, set[str]]:
    b = load(stem)
    arts = b.articles
    # the running header prints the masthead title, or 产业科技动态 when there is none
    mast = [b.title or "产业科技动态"] + [ln for f in b.fronts("masthead") for ln in f.lines]
    return {
        "titles": {squash(a.title) for a in arts},
        "subheads": {squash(p.text) for a in arts for p in a.paras if p.heading},
        "paras": {squash(p.text)[:10] for a in arts for p in a.paras},
        "labels": {squash(a.column or "") for a in arts}
        | {squash(cluster_label(a.cluster)) for a in arts},
        "extras": {squash(x) for a in arts for x in a.extra},
        "subtitles": {squash(a.subtitle or "") for a in arts} - {""},
        "mast": {squash(x) for x in mast if squash(x)},
    }


def _extra_tag(title: str, length: int, cues: dict[str, set[str]]) -> str:
    t = _MARKS.sub("", squash(title))
    if t in cues["titles"] or any(t and t in g for g in cues["titles"]):
        if length < 150:
            return "TOC entry or bare title became an article"
        return "a title heads an article that swallowed the next ones"
    if t in _TOC_HEADS:
        return "目录 / 编者按 heading became an article"
    if t in cues["mast"] or any(t and t in m for m in cues["mast"]):
        return "masthead or running header became an article"
    if t in cues["labels"]:
        return "column / cluster label became an article"
    if t in cues["subheads"] or any(t and t[:10] in s for s in cues["subheads"]):
        return "sub-heading became an article"
    if t in cues["extras"]:
        return "byline or deck line became an article"
    if t[:10] in cues["paras"]:
        return "body paragraph became an article"
    return "other extra article"


def _title_tag(gold: str, pred: str, cues: dict[str, set[str]]) -> str:
    p = squash(pred)
    if _MARKS.search(pred):
        return "title kept its marker or bracketed label (◆ 【…】)"
    if p in cues["extras"]:
        return "byline taken as the title"
    if p in cues["subtitles"]:
        return "subtitle (——…) taken as the title"
    if p in cues["mast"] or any(p and p in m for m in cues["mast"]):
        return "running header taken as the title"
    if p and squash(gold).startswith(p):
        return "title cut (a wrapped title's first line only)"
    if squash(gold) in p:
        return "title glued to a label or line before it"
    return "other wrong title"


def tags(result: dict) -> Counter:
    """Pattern → count of occurrences in one file's scorer rows."""
    cues = _cue_sets(result["stem"])
    out: Counter = Counter()
    for row in result.get("detail", []):
        parts = [x.strip() for x in row.split(" | ")]
        kind = parts[0]
        if kind == "EXTRA":
            n = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
            out[_extra_tag(parts[1], n, cues)] += 1
        elif kind == "WHY":
            m = re.search(r"covers ([0-9.]+), purity ([0-9.]+)", row)
            cov = float(m.group(1)) if m else 0.0
            if cov >= 0.9:
                out["missed: merged into a bigger article"] += 1
            elif cov >= 0.3:
                out["missed: cut in pieces"] += 1
            else:
                out["missed: text in no article (dropped or left in front matter)"] += 1
        elif kind == "OK" and parts[3] == "False":
            out[_title_tag(parts[1], parts[2], cues)] += 1
    return out


def report(results: list[dict], files: int = 3, out=sys.stdout, threshold: float = 0.95) -> None:
    """Print each pattern: how many bad files show it, silent ones among them, example files."""
    bad = [r for r in results if r["f1"] < threshold or r["title_acc"] < threshold]
    seen: dict[str, list[dict]] = defaultdict(list)
    for r in bad:
        for t in tags(r):
            seen[t].append(r)
    print(
        f"\nfailure patterns in {len(bad)} files with F1 or title accuracy < {threshold}:", file=out
    )
    print(
        f"  {'files':>5} {'silent':>6}  pattern (silent: F1 < {threshold}, no split warning)",
        file=out,
    )
    for t, rs in sorted(seen.items(), key=lambda kv: -len(kv[1])):
        silent = sum(1 for r in rs if r["f1"] < threshold and not r["split_warnings"])
        fams = Counter(r["family"] for r in rs).most_common(3)
        print(
            f"  {len(rs):>5} {silent:>6}  {t}  [{', '.join(f'{f} {n}' for f, n in fams)}]", file=out
        )
        for r in sorted(rs, key=lambda r: r["f1"])[:files]:
            print(f"              e.g. {Path(r['path']).name} (F1 {r['f1']:.2f})", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path)
    ap.add_argument("--files", type=int, default=3, help="example files per pattern")
    args = ap.parse_args(argv)
    report(json.loads(args.results.read_text("utf-8"))["files"], args.files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
