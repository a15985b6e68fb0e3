"""Benchmark huikan's search against Pagefind (extended, which segments Chinese) on one site.

Builds the synthetic archive of ``bench/build.py`` (N bulletins, ≈16 articles each) with
``huikan build``, then runs Pagefind's extended build on a copy of the same site (article
pages marked ``data-pagefind-body``, so both index exactly the articles), and measures, side
by side:

* index build time (huikan: the build's search stage, with a cold and a warm token cache;
  Pagefind: its whole run);
* index size on disk;
* bytes the browser downloads before the first result (a fresh browser profile, a blank page
  that loads the engine and asks for one result: HTML, JS, WASM, index, the first result's
  record), raw and gzip-compressed (each response compressed on its own, level 6; Pagefind's
  files are gzip already and are counted as they are) — for the two-word dev query and as
  the median over all dev queries;
* median query latency in headless Chromium (bench/latency.py: a fresh page per engine and
  round, each dev query once, top 10 results with their titles and URLs; 3 rounds, engines
  interleaved);
* recall of the dev queries (tests/corpus/queries/dev.txt): the share of articles whose text
  contains the query that each engine returns, and top-10 precision.

    .venv/bin/python bench/search.py [--n 500] [--keep] [--jobs 2] [--no-pagefind]

Needs ``pip install -e '.[bench]'`` (pagefind[extended]) and Chromium at /usr/bin/chromium.
Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.latency import (  # noqa: E402
    HUIKAN_PAGE,
    PAGEFIND_PAGE,
    ROUNDS,
    latencies,
    serve,
)
from bench.layouts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one set of flags)
from bench.search_recall import recall, relevance_texts  # noqa: E402

from huikan.lifeline import die_with_parent  # noqa: E402  (a timed build dies with the bench)

OUT = REPO / "bench" / "out" / "search"
DEV = REPO / "tests" / "corpus" / "queries" / "dev.txt"
TWO_WORDS = "芯片 出口"


def dev_queries() -> list[str]:
    lines = DEV.read_text("utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def load_bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", REPO / "bench" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def huikan_build(root: Path, jobs: int) -> dict:
    """One build in a fresh process (like bench/build.py); returns its report figures."""
    code = (
        f"import json,sys,time;sys.path.insert(0,{str(REPO / 'src')!r});"
        "from huikan.build import BuildOptions, build_site;"
        "t=time.perf_counter();"
        f"r=build_site(BuildOptions(root={str(root)!r}, jobs={jobs}, progress=False),"
        " log=open('/dev/null','w'));"
        "print(json.dumps({'wall': time.perf_counter()-t, 'timings': r.timings,"
        " 'articles': r.articles, 'search': r.search_summary}, ensure_ascii=False))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=functools.partial(die_with_parent, os.getpid()),
    )
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit("huikan build failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pagefind_site(site: Path, dest: Path) -> float:
    """Copy the site (hard links), mark article bodies for Pagefind, index; returns seconds."""
    if dest.exists():
        shutil.rmtree(dest)
    subprocess.run(["cp", "-al", str(site), str(dest)], check=True)
    marked = 0
    for page in dest.rglob("index.html"):
        html = page.read_text("utf-8")
        if '<article class="article"' in html:
            html = html.replace(
                '<article class="article"', '<article class="article" data-pagefind-body', 1
            )
            page.unlink()  # break the hard link before writing
            page.write_text(html, "utf-8")
            marked += 1
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(dest), "--quiet"],
        check=True,
    )
    seconds = time.perf_counter() - t0
    print(f"pagefind: indexed {marked} article pages in {seconds:.1f} s")
    return seconds


def dir_size(path: Path) -> tuple[int, int]:
    raw = gz = files = 0
    for f in path.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            raw += len(data)
            gz += min(len(data), len(gzip.compress(data, 6, mtime=0)))
            files += 1
    return raw, gz, files


class Meter:
    """Bytes of every response a page receives (raw, and each gzip-compressed)."""

    def __init__(self, page):
        self.raw = 0
        self.gz = 0
        self.files: list[str] = []
        self.sizes: list[int] = []  # each response's gzip bytes, as files
        page.on("response", self.on_response)

    def on_response(self, response) -> None:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            return
        gz = min(len(body), len(gzip.compress(body, 6, mtime=0)))
        self.raw += len(body)
        self.gz += gz
        self.files.append(response.url)
        self.sizes.append(gz)


def first_result_bytes(browser, base: str, page_name: str, query: str) -> dict:
    ctx = browser.new_context()
    page = ctx.new_page()
    meter = Meter(page)
    page.goto(base + page_name)
    page.wait_for_function("window.benchReady === true")
    out = page.evaluate("([q]) => window.run(q, 1)", [query])
    page.wait_for_timeout(50)
    figures = {"raw": meter.raw, "gzip": meter.gz, "requests": len(meter.files), "ms": out["ms"]}
    ctx.close()
    return figures


def prepare(n: int, jobs: int, keep: bool, pagefind: bool) -> tuple[Path, Path, Path, dict]:
    """The archive, its huikan site (built cold, then again with warm caches, for the search
    stage's two times) and a copy of the site with Pagefind's index and both bench pages:
    (root, site, that copy, build times). ``keep`` reuses what an earlier run made."""
    root = OUT / f"n{n}"
    site = root / "build"
    if not (keep and site.is_dir()):
        load_bench_build().make_archive(root, n)
        for stale in (root / ".huikan-cache", site):
            if stale.exists():
                shutil.rmtree(stale)
        cold = huikan_build(root, jobs)
        shutil.rmtree(site)  # rebuild with warm caches: the search stage alone
        warm = huikan_build(root, jobs)
        (root / "build-times.json").write_text(json.dumps({"cold": cold, "warm": warm}))
    times = json.loads((root / "build-times.json").read_text())
    pf_dir = root / "pagefind-site"
    if not pagefind:
        if pf_dir.exists():
            shutil.rmtree(pf_dir)
        subprocess.run(["cp", "-al", str(site), str(pf_dir)], check=True)
    elif not (keep and (pf_dir / "pagefind").is_dir()):
        times["pagefind"] = pagefind_site(site, pf_dir)
        (root / "build-times.json").write_text(json.dumps(times))
    (pf_dir / "bench-pagefind.html").write_text(PAGEFIND_PAGE, "utf-8")
    (pf_dir / "bench-huikan.html").write_text(HUIKAN_PAGE, "utf-8")
    return root, site, pf_dir, times


def measure(pf_dir: Path, queries: list[str], texts: tuple[dict, dict], pagefind: bool) -> dict:
    """Each engine's figures in one Chromium, on the same served site: bytes to the first
    result, recall and precision, then latency rounds interleaved so that both engines see
    the same machine load. Without Pagefind its column is zeros."""
    from playwright.sync_api import sync_playwright

    docs, meta_docs = texts
    server, base = serve(pf_dir)
    rows = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            engines: tuple[tuple[str, str], ...] = (("huikan", "bench-huikan.html"),)
            if pagefind:
                engines += (("pagefind", "bench-pagefind.html"),)
            for name, page_name in engines:
                two = first_result_bytes(browser, base, page_name, TWO_WORDS)
                each = [first_result_bytes(browser, base, page_name, q) for q in queries]
                rec = recall(browser, base, page_name, queries, docs)
                rec_meta = recall(browser, base, page_name, queries, meta_docs)
                rows[name] = {"two": two, "each": each, "rec": rec, "first": [], "lat": []}
                rows[name]["rec_meta"] = rec_meta
            for _ in range(ROUNDS):
                for name, page_name in engines:
                    first, lat, _, _ = latencies(browser, server, base, page_name, queries)
                    rows[name]["first"].append(first)
                    rows[name]["lat"] += lat
            browser.close()
    finally:
        server.shutdown()
    if not pagefind:
        empty = {"raw": 0, "gzip": 0, "requests": 0, "ms": 0}
        per_query = {q: (0, 0, 0) for q in queries}
        rows["pagefind"] = {
            "rec_meta": {"recall": 0.0, "precision": 0.0, "per_query": per_query},
            "two": empty,
            "each": [empty],
            "rec": {"recall": 0.0, "precision": 0.0, "per_query": per_query},
            "first": [0],
            "lat": [0],
        }
    return rows


def print_builds(n: int, queries: list[str], times: dict) -> None:
    articles = times["cold"]["articles"]
    print(f"\nsite: {articles} articles ({n} bulletins); {len(queries)} dev queries")
    print(
        f"huikan build: {times['cold']['wall']:.1f} s cold (search stage "
        f"{times['cold']['timings'].get('搜索', 0):.1f} s), {times['warm']['wall']:.1f} s warm "
        f"(search stage {times['warm']['timings'].get('搜索', 0):.1f} s)"
    )
    for line in times["warm"]["search"]:
        print("   ", line)
    print(f"pagefind --site (extended): {times.get('pagefind', float('nan')):.1f} s")


def print_table(rows: dict, sizes: tuple[tuple, tuple], queries: list[str]) -> None:
    """The side-by-side table (sizes in KiB), then recall per query."""
    (hk_raw, hk_gz, hk_files), (pf_raw, pf_gz, pf_files) = sizes
    kb = lambda n: f"{n / 1024:,.1f} KiB"  # noqa: E731
    print(f"\n{'':44}{'huikan':>18}{'pagefind':>18}")

    def row(label: str, a: str, b: str) -> None:
        print(f"{label:44}{a:>18}{b:>18}")

    h, p = rows["huikan"], rows["pagefind"]
    row("index on disk (raw)", kb(hk_raw), kb(pf_raw))
    row("index on disk (gzip)", kb(hk_gz), kb(pf_gz))
    row("index files", str(hk_files), str(pf_files))
    row(f"bytes to 1st result, '{TWO_WORDS}' (raw)", kb(h["two"]["raw"]), kb(p["two"]["raw"]))
    row(f"bytes to 1st result, '{TWO_WORDS}' (gzip)", kb(h["two"]["gzip"]), kb(p["two"]["gzip"]))
    row("  requests", str(h["two"]["requests"]), str(p["two"]["requests"]))
    for key in ("raw", "gzip"):
        row(
            f"bytes to 1st result, median of dev ({key})",
            kb(statistics.median(e[key] for e in h["each"])),
            kb(statistics.median(e[key] for e in p["each"])),
        )
    for label, key in (
        ("time to 1st result, fresh page (median ms)", "each"),
        ("first query in a page, top 10 (median ms)", "first"),
        ("median query latency, top 10 (ms)", "lat"),
    ):
        values = [[e["ms"] for e in r["each"]] if key == "each" else r[key] for r in (h, p)]
        row(label, *(f"{statistics.median(v):.0f}" for v in values))
    row("recall on dev queries", f"{h['rec']['recall']:.3f}", f"{p['rec']['recall']:.3f}")
    row(
        "top-10 precision on dev queries",
        f"{h['rec']['precision']:.3f}",
        f"{p['rec']['precision']:.3f}",
    )
    row("  recall, relevant by text or metadata", f"{h['rec_meta']['recall']:.3f}", "")
    row("  top-10 precision, text or metadata", f"{h['rec_meta']['precision']:.3f}", "")
    print("\nper query (found/relevant/returned): huikan | pagefind")
    for q in queries:
        a, b = h["rec"]["per_query"][q], p["rec"]["per_query"][q]
        print(f"  {q:10} {a[0]}/{a[1]}/{a[2]:<6} | {b[0]}/{b[1]}/{b[2]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="bulletins (default 500)")
    ap.add_argument("--jobs", type=int, default=0, help="build processes (default: CPUs)")
    ap.add_argument("--keep", action="store_true", help="reuse the archive and builds")
    ap.add_argument(
        "--no-pagefind", action="store_true", help="huikan only (no pagefind[extended] needed)"
    )
    args = ap.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    pagefind = not args.no_pagefind
    root, site, pf_dir, times = prepare(args.n, jobs, args.keep, pagefind)
    queries = dev_queries()
    print_builds(args.n, queries, times)
    rows = measure(pf_dir, queries, relevance_texts(site), pagefind)
    sizes = (dir_size(site / "search"), dir_size(pf_dir / "pagefind") if pagefind else (0, 0, 0))
    print_table(rows, sizes, queries)
    (root / "results.json").write_text(
        json.dumps({"times": times, "rows": rows}, ensure_ascii=False, default=str)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
