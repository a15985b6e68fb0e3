"""Ingest speed: cold ingest (pages/s per core) and content-hash cache hits.

    .venv/bin/python bench/ingest.py            # every sample PDF and text bulletin
    .venv/bin/python bench/ingest.py --repeat 5 # more repetitions for steadier figures

Cold figures run the whole ingest (read, split, credits, classification) in this single
process, after one warm-up ingest so that jieba's dictionary load is not counted against
the first file. Cache figures time `IngestCache.ingest` on an unchanged file: hashing the
file and its sidecar, reading and decoding the JSON entry. "cpu p/s" divides by the process
CPU time of the same runs (median), which is what one core does even on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from huikan.cache import IngestCache  # noqa: E402
from huikan.config import load_config  # noqa: E402
from huikan.ingest import ingest_file  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    config = load_config(ROOT / "site.yml")
    files = sorted(CORPUS.glob("pdf/*/*.pdf")) + sorted(CORPUS.glob("seeds/*.txt"))
    ingest_file(files[-1], config, use_sidecar=False)  # warm-up: jieba dictionary, imports

    print(f"{'file':<46} {'pages':>5} {'cold s':>8} {'pages/s':>8} {'cache ms':>9}")
    by_layout: dict[str, list[tuple[int, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = IngestCache(Path(tmp))
        for f in files:
            times, cpus = [], []
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                res = ingest_file(f, config, use_sidecar=False)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            cold = statistics.median(times)
            cache.ingest(f, config, use_sidecar=False)  # fill
            hits = []
            for _ in range(max(5, args.repeat)):
                t0 = time.perf_counter()
                cache.ingest(f, config, use_sidecar=False)
                hits.append(time.perf_counter() - t0)
            hit_ms = statistics.median(hits) * 1000
            pages = res.bulletin.pages or 0
            layout = f.parent.name
            name = f"{layout}/{f.name}"
            rate = f"{pages / cold:8.1f}" if pages else f"{'—':>8}"
            print(f"{name:<46} {pages:>5} {cold:>8.3f} {rate} {hit_ms:>9.2f}")
            if pages:
                by_layout.setdefault(layout, []).append((pages, cold, statistics.median(cpus)))
    print()
    total_p = total_t = total_c = 0.0
    for layout, rows in sorted(by_layout.items()):
        p = sum(r[0] for r in rows)
        t = sum(r[1] for r in rows)
        c = sum(r[2] for r in rows)
        total_p += p
        total_t += t
        total_c += c
        print(
            f"{layout:<20} {p:>4} pages in {t:6.2f} s = {p / t:6.1f} pages/s (one core), "
            f"{p / c:6.1f} cpu p/s"
        )
    if total_t:
        rate = total_p / total_t
        print(
            f"{'all PDFs':<20} {int(total_p):>4} pages in {total_t:6.2f} s = {rate:6.1f} pages/s, "
            f"{total_p / total_c:6.1f} cpu p/s"
        )


if __name__ == "__main__":
    main()
