"""Warm search latency of two versions of the search scripts on the same built index.

A change to the browser half of search (static/search-*.js) that keeps the index format can
be measured without building an archive twice: this serves one built site's ``search/``
folder to two pages, one with this checkout's search bundle and one with a git ref's, and
runs bench/latency.py's ``paired`` (the dev queries on a warm page, a fresh browser
context each round) for both in one headless Chromium, query by query, alternating which
goes first, so that both see the same machine load. Prints, for each: median and mean ms,
the median gap between the last index answer and the first record asked for (the ranking's
compute, see scale_search.phases), requests per query; and the median of the per-query
ratios (this / ref), the least noisy figure of the three on a shared machine.

    .venv/bin/python bench/scripts_ab.py SITE [--ref HEAD] [--rounds 6] [--ref-site SITE2]

SITE: a built site (``huikan build``; bench/scale.py --keep leaves one at 5,000 bulletins).
The ref's scripts must read the same index format — or, with ``--ref-site``, the ref's read
that site's index (the same archive built by the ref, for a change of format). Prints
figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from bench.scale import scale_search  # noqa: E402  (with bench/search.py loaded)


def bundle(static: Path) -> bytes:
    """The search bundle a site built from ``static`` gets (site/assets.py)."""
    from huikan.site.assets import SEARCH_BUNDLE, collect_assets

    lunr = REPO / "node_modules" / "lunr" / "lunr.min.js"
    for asset in collect_assets([static], lunr):
        if asset.rel == SEARCH_BUNDLE and asset.data is not None:
            return asset.data
    raise SystemExit(f"no search bundle from {static}")


def ref_static(ref: str, dest: Path) -> Path:
    """The ref's static/ folder, extracted into ``dest``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "static"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "static"


def page_dir(root: Path, site: Path, data: bytes) -> Path:
    """A folder serving the site's search index with the given bundle."""
    root.mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "assets" / "search.bundle.js").write_bytes(data)
    (root / "search").symlink_to(site.resolve() / "search")
    return root


def ranking_gap(requests: list[list]) -> float | None:
    index = [r[2] for r in requests if scale_search.kind_of(r[0]) in ("shards", "levels")]
    records = [r[1] for r in requests if scale_search.kind_of(r[0]) == "records"]
    return min(records) - max(index) if index and records else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--ref", default="HEAD", help="git ref whose scripts to compare with")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--ref-site", type=Path, help="the site the ref's scripts read (default SITE)")
    args = ap.parse_args()
    ref_site = args.ref_site or args.site
    for site in (args.site, ref_site):
        if not (site / "search" / "manifest.json").is_file():
            raise SystemExit(f"{site}: no search/manifest.json (build the site first)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = {
            "this": page_dir(work / "this", args.site, bundle(REPO / "static")),
            args.ref: page_dir(work / "ref", ref_site, bundle(ref_static(args.ref, work))),
        }
        runs = scale_search.side_by_side(pages, args.rounds)
    load = scale_search.loadavg()
    queries = len(runs["this"][0].times)
    print(f"{queries} dev queries × {args.rounds} rounds, {args.site} (load {load})")
    if args.ref_site:
        print(f"  ({args.ref} reads {args.ref_site})")
    for name in pages:
        flat = [t for run in runs[name] for t in run.times]
        gaps = [g for run in runs[name] for g in map(ranking_gap, run.requests) if g is not None]
        counts = [c for run in runs[name] for c in run.counts]
        print(
            f"  {name:>10}: median {statistics.median(flat):.1f} ms, mean "
            f"{statistics.mean(flat):.1f}; ranking gap median {statistics.median(gaps):.1f} "
            f"ms; requests per query median {statistics.median(counts)}, total {sum(counts)}"
        )
    ratio = scale_search.per_query_ratio(runs[args.ref], runs["this"])
    print(f"  this / {args.ref}, per query: median {ratio:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
