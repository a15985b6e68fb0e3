"""Warm search latency of two versions of the search scripts on the same built index.

A change to the browser half of search (static/search-*.js) that keeps the index format can
be measured without building an archive twice: this serves one built site's ``search/``
folder to two pages, one with this checkout's search bundle and one with a git ref's, and
runs bench/search.py's ``latencies`` (the dev queries on a warm page, a fresh browser context
each round) for both in one headless Chromium, alternating which goes first each round so
that both see the same machine load. Prints, for each: median and mean ms, the median gap
between the last index answer and the first record asked for (the ranking's compute, see
scale_search.phases), requests per query; and the median of the per-query ratios
(this / ref), the least noisy figure of the three on a shared machine.

    .venv/bin/python bench/scripts_ab.py SITE [--ref HEAD] [--rounds 6]

SITE: a built site (``huikan build``; bench/scale.py --keep leaves one at 5,000 bulletins).
The ref's scripts must read the same index format. Prints figures, asserts nothing.
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

from bench.scale import scale_search, search_bench  # noqa: E402  (bench/search.py and its kin)


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
    (root / "bench-huikan.html").write_text(search_bench.HUIKAN_PAGE, "utf-8")
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
    args = ap.parse_args()
    if not (args.site / "search" / "manifest.json").is_file():
        raise SystemExit(f"{args.site}: no search/manifest.json (build the site first)")
    from playwright.sync_api import sync_playwright

    queries = scale_search.queries()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = {
            "this": page_dir(work / "this", args.site, bundle(REPO / "static")),
            args.ref: page_dir(work / "ref", args.site, bundle(ref_static(args.ref, work))),
        }
        servers = {name: search_bench.serve(d) for name, d in pages.items()}
        times: dict[str, list[list[float]]] = {name: [] for name in pages}
        gaps: dict[str, list[float]] = {name: [] for name in pages}
        counts: dict[str, list[int]] = {name: [] for name in pages}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(search_bench.CHROMIUM), args=search_bench.CHROMIUM_ARGS
            )
            for r in range(args.rounds):
                names = list(pages) if r % 2 == 0 else list(pages)[::-1]
                for name in names:
                    server, base = servers[name]
                    got = search_bench.latencies(
                        browser, server, base, "bench-huikan.html", queries
                    )
                    times[name].append(got.times)
                    gaps[name] += [g for g in map(ranking_gap, got.requests) if g is not None]
                    counts[name] += got.counts
            browser.close()
        for server, _ in servers.values():
            server.shutdown()
    load = scale_search.loadavg()
    print(f"{len(queries)} dev queries × {args.rounds} rounds, {args.site} (load {load})")
    for name in pages:
        flat = [t for run in times[name] for t in run]
        print(
            f"  {name:>10}: median {statistics.median(flat):.1f} ms, mean "
            f"{statistics.mean(flat):.1f}; ranking gap median {statistics.median(gaps[name]):.1f} "
            f"ms; requests per query median {statistics.median(counts[name])}, "
            f"total {sum(counts[name])}"
        )
    ratios = [
        a / b
        for run_a, run_b in zip(times["this"], times[args.ref], strict=True)
        for a, b in zip(run_a, run_b, strict=True)
    ]
    print(f"  this / {args.ref}, per query: median {statistics.median(ratios):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
