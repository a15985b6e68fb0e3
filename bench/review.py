"""huikan review of a 20-page bulletin: size on disk, cold and cached time.

    .venv/bin/python bench/review.py              # dev PDFs concatenated to 20 pages
    .venv/bin/python bench/review.py --pages 40   # longer
    .venv/bin/python bench/review.py FILE.pdf     # one file as it is

Targets (issue 10): ≤ 3 MB on disk, ≤ 10 s cold (nothing cached: ingest + page rendering +
HTML), ≤ 1 s cached (ingest result and page images from the cache, HTML written again). Both
are timed in one process (wall and CPU time; CPU time is what one core does on a busy
machine), and the cached run once more as the command an editor types, interpreter start-up
included.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from huikan.cache import IngestCache  # noqa: E402
from huikan.config import load_config  # noqa: E402
from huikan.review import make_review, write_review  # noqa: E402

DEV = sorted((ROOT / "tests" / "corpus" / "pdf" / "a4-single").glob("*.pdf"))


def concatenated(dest: Path, pages: int) -> Path:
    """The dev PDFs one after another (repeated if need be), cut at ``pages`` pages."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    k = 0
    while len(out) < pages:
        src = pdfium.PdfDocument(DEV[k % len(DEV)])
        take = min(len(src), pages - len(out))
        out.import_pages(src, list(range(take)))
        src.close()
        k += 1
    out.save(dest)
    out.close()
    return dest


def run_once(src: Path, site: Path, out: Path) -> dict:
    """One review: (wall, CPU) seconds of the ingest and of the review itself."""
    config = load_config(site / "site.yml")
    cache = site / ".huikan-cache"  # where `huikan review` keeps it
    w0, c0 = time.perf_counter(), time.process_time()
    res = IngestCache(cache).ingest(src, config)
    w1, c1 = time.perf_counter(), time.process_time()
    review = make_review(src, res, template_dirs=[ROOT / "templates"], cache_dir=cache)
    write_review(review, out)
    w2, c2 = time.perf_counter(), time.process_time()
    return {
        "ingest": (w1 - w0, c1 - c0),
        "review": (w2 - w1, c2 - c1),
        "total": (w2 - w0, c2 - c0),
        "pages": len(review.images),
        "articles": len(res.articles),
    }


def line(label: str, r: dict) -> str:
    parts = [
        f"{k} {r[k][0]:.2f} s wall / {r[k][1]:.2f} s CPU" for k in ("total", "ingest", "review")
    ]
    return f"{label}: " + "; ".join(parts)


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("--pages", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="huikan-bench-review-") as tmp:
        t = Path(tmp)
        src = args.file or concatenated(t / "bulletin-20.pdf", args.pages)
        shutil.copy(ROOT / "site.yml", t / "site.yml")
        cold = run_once(src, t, t / "cold")
        size = size_of(t / "cold")
        pages = cold["pages"]
        print(f"bulletin: {src.name}, {pages} pages, {cold['articles']} articles")
        print(f"size on disk: {size / 1e6:.2f} MB ({size / max(pages, 1) / 1e3:.0f} KB a page)")
        print(line("cold", cold))
        print(line("cached", run_once(src, t, t / "warm")))
        cmd = [sys.executable, "-m", "huikan", "--config", str(t / "site.yml"), "review"]
        w0 = time.perf_counter()
        subprocess.run([*cmd, str(src), "--out", str(t / "cli")], check=True, capture_output=True)
        print(f"cached, as a command: {time.perf_counter() - w0:.2f} s wall (interpreter included)")


if __name__ == "__main__":
    main()
