"""PDF reader speed: pages per second of ``read_pdf`` on the sample PDFs, in one process.

    .venv/bin/python bench/ingest_pdf.py                 # tests/corpus/pdf/*/*.pdf, best of 3
    .venv/bin/python bench/ingest_pdf.py --repeat 5      # steadier figures
    .venv/bin/python bench/ingest_pdf.py a.pdf b.pdf     # other files
    .venv/bin/python bench/ingest_pdf.py --profile FILE  # cProfile of one file, top 25

Only the PDF stage is timed (glyphs → blocks), not splitting or classification; the target
is ≥ 8 pages/s per core. Each file is read ``--repeat`` times and the best run counts, so
one-off disturbances from other processes do not decide the figure; "cpu p/s" divides by
the process CPU time, which is what one core does even on a busy machine. Peak RSS of the
whole run is printed last (the reader keeps only plain tuples per page, so it stays flat).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from huikan.ingest.pdf import read_pdf  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", type=Path, help="profile one file instead")
    args = ap.parse_args()
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(read_pdf, args.profile)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        return
    files = args.files or sorted((ROOT / "tests" / "corpus" / "pdf").glob("*/*.pdf"))
    read_pdf(files[0])  # warm-up: imports, pdfminer's CMap loading
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    head = ("pages", "blocks", "seconds", "pages/s", "cpu p/s")
    print(f"{'file':48s} " + " ".join(f"{h:>{max(len(h), 5)}s}" for h in head))
    for f in files:
        best = cpu = float("inf")
        doc = None
        for _ in range(max(1, args.repeat)):
            t0, c0 = time.perf_counter(), time.process_time()
            doc = read_pdf(f)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        pages = doc.pages or 0
        group = f.parent.name
        for key in (group, "(all)"):
            totals[key][0] += pages
            totals[key][1] += best
            totals[key][2] += cpu
        name = f"{group}/{f.name}"
        print(
            f"{name:48s} {pages:5d} {len(doc.blocks):6d} {best:8.3f} {pages / best:8.1f} "
            f"{pages / max(cpu, 1e-9):8.1f}"
        )
    print()
    for group, (pages, secs, cpu) in sorted(totals.items()):
        print(f"{group:48s} {pages:5d} {'':6s} {secs:8.3f} {pages / secs:8.1f} {pages / cpu:8.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
