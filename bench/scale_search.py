"""The search figures of the scale benchmark (bench/scale.py), in headless Chromium.

On a built site served locally: the gzip bytes of every request of a cold search page, by
kind of file; huikan's warm median latency; recall over every match of the dev queries;
and Pagefind's index time, cold bytes and latency on the same site, in the same browser.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

# bench/search.py, loaded by bench/scale.py (its ``load``) before this module; it puts the
# repository on sys.path for the import below
search_bench = sys.modules["bench_search"]
from bench import latency  # noqa: E402
from bench.layouts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from bench.search_recall import match_recall, stored_texts  # noqa: E402


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def queries() -> list[str]:
    return search_bench.dev_queries()  # tests/corpus/queries/dev.txt, the corpus's copy


# the search page has shown its results (or its empty state) for the query in the URL
DONE = """() => {
  const app = document.getElementById("search-app");
  const status = document.getElementById("search-status");
  return app && !app.hasAttribute("aria-busy") && status && status.textContent
    && !status.textContent.startsWith("正在搜索")
    && !document.querySelector("#search-results .is-loading");
}"""


# what a cold search page's responses are, for the breakdown (the first match names it)
KINDS = [
    ("records", re.compile(r"/search/i/\d+/d\d+\.json")),
    ("shards", re.compile(r"/search/i/\d+/\d+\.json")),
    # a split shard's levels, or its whole file (its documents and levels)
    ("levels", re.compile(r"/search/i/\d+/[lw]\d+\.json")),
    ("directories", re.compile(r"/search/g/")),
    ("facets", re.compile(r"/search/facets\.json")),
    ("manifest", re.compile(r"/search/manifest\.json")),
    ("t2s", re.compile(r"/search/t2s\.json")),
    ("scripts", re.compile(r"\.js(\?|$)")),
    ("css", re.compile(r"\.css(\?|$)")),
    ("page", re.compile(r".")),  # the HTML and anything else (favicon)
]


def kind_of(url: str) -> str:
    return next(name for name, pattern in KINDS if pattern.search(url))


def cold_page(browser, base: str, query: str) -> tuple[int, dict[str, int]]:
    """gzip bytes of every response of a fresh search page for ``query`` (network idle), in
    all and by kind of file."""
    ctx = browser.new_context()
    page = ctx.new_page()
    meter = search_bench.Meter(page)
    page.goto(base + "search/?q=" + quote(query))
    # the page's own work first (on a loaded machine decoding can outlast networkidle's
    # 500 ms of quiet, and the result records would be missed), then the network
    page.wait_for_function(DONE, timeout=120_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(100)
    ctx.close()
    by_kind: dict[str, int] = {}
    for url, gz in zip(meter.files, meter.sizes, strict=True):
        kind = kind_of(url)
        by_kind[kind] = by_kind.get(kind, 0) + gz
    return meter.gz, by_kind


# a warm query's rounds: the lookup directories, then the index files they point to (term
# shards and the levels of split ones), then the records of the results on screen
PHASES = (
    ("directories", ("directories",)),
    ("index", ("shards", "levels")),
    ("records", ("records",)),
)


def phases(times: list[float], requests: list[list]) -> dict:
    """Where a warm query's time goes (huikan), from the latency rounds' own queries
    (bench/search.py ``latencies``: each query's time and its requests as the page timed
    them): when each round's last answer came (ms after the query started), when the first
    record was asked for (the ranking's end) and each round's requests; medians. The rounds
    follow each other, so the times show what the requests cost and what the compute
    between them does."""
    rows = []
    for ms, reqs in zip(times, requests, strict=True):
        row = {"total": ms}
        for phase, kinds in PHASES:
            mine = [r for r in reqs if kind_of(r[0]) in kinds]
            row[phase + "_done"] = max((r[2] for r in mine), default=0.0)
            row[phase + "_n"] = len(mine)
            if phase == "records":
                row["records_start"] = min((r[1] for r in mine), default=ms)
        rows.append(row)
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def pagefind_copy(site: Path, work: Path, pagefind: bool) -> tuple[Path, dict]:
    """A hard-linked copy of the site with both bench pages, and Pagefind's index in it
    when asked (its time and size, or why it failed: then huikan is measured alone)."""
    pf_dir = work / "pagefind-site"
    out: dict = {}
    t_pf = time.perf_counter()
    if pagefind:
        try:
            out["pf_index_s"] = search_bench.pagefind_site(site, pf_dir)
            out["pf_index_bytes"] = search_bench.dir_size(pf_dir / "pagefind")[0]
        except subprocess.CalledProcessError as e:
            # at 80,000 pages Pagefind extended was killed by the OOM killer (21.8 GB of
            # 24): say so in the table and measure huikan alone
            why = f"signal {-e.returncode}" if e.returncode < 0 else f"exit {e.returncode}"
            out["pf_error"] = f"pagefind failed ({why}) after {time.perf_counter() - t_pf:.0f} s"
            print(out["pf_error"], flush=True)
    if "pf_index_s" not in out:
        if pf_dir.exists():
            shutil.rmtree(pf_dir)
        subprocess.run(["cp", "-al", str(site), str(pf_dir)], check=True)
    (pf_dir / "bench-pagefind.html").write_text(latency.PAGEFIND_PAGE, "utf-8")
    (pf_dir / "bench-huikan.html").write_text(latency.HUIKAN_PAGE, "utf-8")
    return pf_dir, out


def cold_pages(browser, base: str, qs: list[str]) -> dict:
    """huikan's cold search page for each query: the median and the largest total, the
    largest's query, and by kind of file the median over the queries and the worst
    query's bytes."""
    pages = [cold_page(browser, base, q) for q in qs]
    cold = [total for total, _ in pages]
    worst = cold.index(max(cold))
    return {
        "cold_median": statistics.median(cold),
        "cold_max": cold[worst],
        "cold_max_query": qs[worst],
        "cold_kinds": {
            name: [
                statistics.median(kinds.get(name, 0) for _, kinds in pages),
                pages[worst][1].get(name, 0),
            ]
            for name, _ in KINDS
        },
    }


def measure_search(site: Path, work: Path, pagefind: bool) -> dict:
    """Cold page bytes and warm latency for huikan, and Pagefind's on the same site.

    "Warm" (bench/latency.py ``latencies``): a fresh browser context per round (empty HTTP
    cache), one warm-up query that loads the scripts and the manifest, then each dev query
    once — so it includes fetching that query's index files and result records from the
    local server, parsing, decoding, lunr, and the records of the top 10."""
    pf_dir, out = pagefind_copy(site, work, pagefind)
    pagefind = "pf_index_s" in out
    qs = queries()
    from playwright.sync_api import sync_playwright

    server, base = latency.serve(pf_dir)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            out.update(cold_pages(browser, base, qs))
            lat: dict[str, list[float]] = {"huikan": [], "pagefind": []}
            per_round: list[float] = []  # huikan's median in each round: the spread
            requests: dict[str, list[int]] = {"huikan": [], "pagefind": []}
            timed: list[list] = []  # huikan's requests, query by query, as the page timed them
            engines = [("huikan", "bench-huikan.html")]
            if pagefind:
                engines.append(("pagefind", "bench-pagefind.html"))
                pf_cold = [
                    search_bench.first_result_bytes(browser, base, "bench-pagefind.html", q)
                    for q in qs
                ]
                out["pf_cold_median"] = statistics.median(e["gzip"] for e in pf_cold)
                out["pf_cold_max"] = max(e["gzip"] for e in pf_cold)
            for _ in range(latency.ROUNDS):  # interleaved: the same machine load
                for name, page_name in engines:
                    got = latency.latencies(browser, server, base, page_name, qs)
                    lat[name] += got.times
                    requests[name] += got.counts
                    if name == "huikan":
                        timed += got.requests
                        per_round.append(statistics.median(got.times))
            out["lat"] = statistics.median(lat["huikan"])
            out["lat_rounds"] = per_round
            out["phases"] = phases(lat["huikan"], timed)
            out["requests"] = [statistics.median(requests["huikan"]), max(requests["huikan"])]
            texts = stored_texts(site / "search")
            out["recall"] = match_recall(browser, base, "bench-huikan.html", qs, texts)
            if pagefind:
                out["pf_lat"] = statistics.median(lat["pagefind"])
                out["pf_requests"] = [
                    statistics.median(requests["pagefind"]),
                    max(requests["pagefind"]),
                ]
            browser.close()
    finally:
        server.shutdown()
    out["load"] = loadavg()
    return out


def side_by_side(pages: dict[str, Path], rounds: int) -> dict[str, list]:
    """bench/latency.py ``paired`` on several page folders (each with the scripts in
    ``assets/`` and an index in ``search/``; the bench page is written into it) in one
    Chromium: every round a fresh page of each, the same query on each in turn, so that
    each sees the same machine load: each label's ``Latencies``, round by round."""
    from playwright.sync_api import sync_playwright

    qs = queries()
    labels = list(pages)
    runs: dict[str, list] = {x: [] for x in labels}
    servers = {}
    for x in labels:
        (pages[x] / "bench-huikan.html").write_text(latency.HUIKAN_PAGE, "utf-8")
        servers[x] = latency.serve(pages[x])
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for r in range(rounds):
                got = latency.paired(browser, servers, "bench-huikan.html", qs, r)
                for x in labels:
                    runs[x].append(got[x])
            browser.close()
    finally:
        for server, _ in servers.values():
            server.shutdown()
    return runs


def per_query_ratio(base: list, other: list) -> float:
    """The median over every query of every round of ``other``'s time over ``base``'s (two
    labels' runs from :func:`side_by_side`)."""
    return statistics.median(
        b / a
        for run_a, run_b in zip(base, other, strict=True)
        for a, b in zip(run_a.times, run_b.times, strict=True)
    )


def interleaved(sites: dict[str, Path], rounds: int = 2 * latency.ROUNDS) -> dict:
    """Warm latency of several built sites of one archive (each version's) side by side
    (:func:`side_by_side`): {label: median ms} and, per other label, the median of its
    per-query ratio to the first. A run's absolute latency moves 10–30 ms from one run to
    the next on a 2-core machine, the same query on two sites measured side by side much
    less: compare versions by this."""
    with tempfile.TemporaryDirectory() as tmp:
        pages = {}
        for x in sites:  # the site's scripts and index beside the bench page, nothing else
            page = Path(tmp) / f"site{len(pages)}"
            page.mkdir()
            for part in ("assets", "search"):
                (page / part).symlink_to(sites[x].resolve() / part)
            pages[x] = page
        runs = side_by_side(pages, rounds)
    first, *others = list(sites)
    out: dict = {
        "median": {x: statistics.median(t for run in runs[x] for t in run.times) for x in sites},
        "ratio": {x: per_query_ratio(runs[first], runs[x]) for x in others},
        "spread": {  # the lowest and highest of each round's median
            x: (
                min(statistics.median(run.times) for run in runs[x]),
                max(statistics.median(run.times) for run in runs[x]),
            )
            for x in sites
        },
    }
    out["rounds"], out["load"] = rounds, loadavg()
    return out
