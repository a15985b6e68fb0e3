"""What a request costs the browser: parallel fetches of small JSON files, timed in the page.

A warm search query is rounds of requests (lookup directories, index files, result
records) with compute between them; on a small machine each request costs the browser a
millisecond or more whatever its size (more when the server opens a connection for each:
bench/latency.py's server keeps them open, as hosts do). This prints, in headless
Chromium against the bench's static server (bench/latency.py), the median time of one round
of 1, 2, 5, 10, 20 and 30 fetches at once, and of two rounds of 5 against one of 10, so
that a latency figure can be read as requests and rounds. It prints; it asserts nothing.

    python bench/fetch_cost.py [--repeat 11]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.latency import serve  # noqa: E402
from bench.layouts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# a round of `n` fetches of fresh files (never cached), `rounds` rounds one after the other
ROUNDS_JS = """async ([n, rounds, start]) => {
  const t0 = performance.now();
  let at = start;
  for (let r = 0; r < rounds; r++) {
    const round = [];
    for (let i = 0; i < n; i++) round.push(fetch("f" + at++ + ".json").then((x) => x.json()));
    await Promise.all(round);
  }
  return performance.now() - t0;
}"""

ONE_ROUND = (1, 2, 5, 10, 20, 30)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=11, help="timings per figure (median)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    cases = [(n, 1) for n in ONE_ROUND] + [(5, 2)]
    files = args.repeat * sum(n * rounds for n, rounds in cases)
    with tempfile.TemporaryDirectory(prefix="huikan-fetch-") as tmp:
        root = Path(tmp)
        body = '{"t":"' + "x" * 1000 + '"}'  # about 1 kB, like a small shard or record
        for k in range(files):
            (root / f"f{k}.json").write_text(body, "utf-8")
        (root / "p.html").write_text("<!doctype html><title>fetch</title>", "utf-8")
        server, base = serve(root)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(base + "p.html")
                at = 0
                print(f"{'fetches':>20}  median ms (of {args.repeat})")
                for n, rounds in cases:
                    times = []
                    for _ in range(args.repeat):
                        times.append(page.evaluate(ROUNDS_JS, [n, rounds, at]))
                        at += n * rounds
                    label = f"{n} at once" if rounds == 1 else f"{rounds} rounds of {n}"
                    print(f"{label:>20}  {statistics.median(times):.1f}")
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
