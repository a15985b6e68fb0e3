"""Warm search latency in headless Chromium: the bench's static server, the pages that run
an engine's query (huikan's bundle, Pagefind's module) and the timed loop over the dev
queries (:func:`latencies`), used by bench/search.py, bench/scale.py and bench/scripts_ab.py
(and the server by bench/fetch_cost.py).

It times, in the page, with ``performance.now()``: ``window.run(q, 10)`` (the engine's
search and the records of its first ten results), after a first query that loaded the
scripts and the manifest, on an empty HTTP cache (a fresh browser context). Playwright
drives it query by query; a DevTools client is then attached to the page. Measured side by
side at 5,000 bulletins against the same loop in a Chromium with no client (the page ran
the queries itself and posted its timings to the server; same site, scripts, server and
queries, 6 rounds alternating): per-query ratio 1.027, medians 50.7 / 50.0 ms — the client
costs nothing measurable, so the loop stays driven.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import NamedTuple

ROUNDS = 3  # latency rounds per engine
WARM_UP = "数字经济"  # the first query of a page: it also loads the scripts and the manifest

# One query on a warm page: window.run's own time, and every request the page made for it
# (resource timing: url, start and end in ms after the query started).
TIMED_QUERY = """async ([q]) => {
  performance.clearResourceTimings();
  const t0 = performance.now();
  const out = await window.run(q, 10);
  const requests = performance.getEntriesByType("resource")
    .filter((e) => e.startTime >= t0)
    .map((e) => [e.name, e.startTime - t0, e.responseEnd - t0]);
  return {ms: out.ms, requests};
}"""

# The site's own bundle (site/assets.py SEARCH_BUNDLE: lunr.js and the search scripts, as the
# search page loads them), not a list of the scripts here: a list went stale at every split,
# and a site built by another version (bench/scale.py --ref) has its own scripts.
HUIKAN_PAGE = """<!doctype html><meta charset="utf-8"><title>huikan</title>
<script src="assets/search.bundle.js"></script>
<script>
window.run = async (q, n) => {
  const t0 = performance.now();
  const r = await huikanSearch(q, {limit: n, index: "search/"});
  return {ms: performance.now() - t0, urls: r.map((x) => x.url), titles: r.map((x) => x.title)};
};
window.benchReady = true;
</script>"""

PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><title>pagefind</title>
<script type="module">
window.run = async (q, n) => {
  const t0 = performance.now();
  const pf = await import("./pagefind/pagefind.js");
  const s = await pf.search(q);
  const data = await Promise.all(s.results.slice(0, n).map((r) => r.data()));
  return {ms: performance.now() - t0, urls: data.map((d) => d.url),
          titles: data.map((d) => d.meta.title), total: s.results.length};
};
window.benchReady = true;
</script>"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Files as a static host serves them: connections kept open (HTTP/1.1, as `huikan
    serve` and any host of a site do; most speak HTTP/2). http.server's default, HTTP/1.0,
    opens a connection for every request, and a warm query makes ~20: measured side by side
    at 5,000 bulletins, 57.3 ms against 50.0 ms with keep-alive (per-query ratio 0.887).
    Headers and body are two writes: TCP_NODELAY sends the body without waiting for the
    client to acknowledge the headers (with Nagle's algorithm a query took ~200 ms)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.server.count()  # type: ignore[attr-defined]


class Server(http.server.ThreadingHTTPServer):
    """The bench's static server; ``requests`` counts the requests it answered (an engine's
    own count would miss what a worker fetches: Pagefind's index and fragments)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.requests = 0
        self._lock = threading.Lock()

    def count(self) -> None:
        with self._lock:
            self.requests += 1


def serve(directory: Path) -> tuple[Server, str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Latencies(NamedTuple):
    first: float  # the first query's ms (it also loads the scripts and the manifest)
    times: list[float]  # each query's ms
    counts: list[int]  # the requests the server answered for each query
    requests: list[list]  # each query's requests as the page timed them: [url, start, end]


def _open(browser, base: str, page_name: str):
    """A fresh context (empty HTTP cache) on the bench page, its first query run: (context,
    page, the first query's ms)."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base + page_name)
    page.wait_for_function("window.benchReady === true")
    first = page.evaluate("([q]) => window.run(q, 10)", [WARM_UP])["ms"]
    return ctx, page, first


def _timed(page, server: Server, q: str, out: Latencies) -> None:
    before = server.requests
    got = page.evaluate(TIMED_QUERY, [q])
    out.times.append(got["ms"])
    out.counts.append(server.requests - before)
    out.requests.append(got["requests"])


def latencies(browser, server: Server, base: str, page_name: str, queries: list[str]) -> Latencies:
    """Driven by Playwright (``browser``): a fresh context (empty HTTP cache), the first
    query's time (scripts, manifest), then each query's time and the requests the server
    answered for it, and when the page asked for each and had its answer. On a small
    machine a request costs a few ms of the browser's CPU whatever its size, so the count
    explains much of the time."""
    ctx, page, first = _open(browser, base, page_name)
    out = Latencies(first, [], [], [])
    for q in queries:
        _timed(page, server, q, out)
    ctx.close()
    return out


def paired(
    browser, targets: dict[str, tuple[Server, str]], page_name: str, queries: list[str], flip: int
) -> dict[str, Latencies]:
    """:func:`latencies` of several pages (label → (server, base URL)) at once, query by
    query: each label's fresh page runs query i, the labels' order turned round at every
    query (``flip`` turns the first one). On this 2-core virtual machine the host's speed
    moves within seconds — a CPU-bound Python loop took 384 ms, then 544 ms 20 s later,
    nothing else running — so two versions compared round by round (a few seconds each)
    differ by the moment; compared query by query they see the same one."""
    opened = {x: _open(browser, base, page_name) for x, (_, base) in targets.items()}
    out = {x: Latencies(opened[x][2], [], [], []) for x in targets}
    labels = list(targets)
    for i, q in enumerate(queries):
        for x in labels if (i + flip) % 2 == 0 else labels[::-1]:
            _timed(opened[x][1], targets[x][0], q, out[x])
    for ctx, _, _ in opened.values():
        ctx.close()
    return out
