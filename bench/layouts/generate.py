"""Plan, produce, cache and export generated bulletin × layout files.

``python -m bench.layouts.generate --n 200 [--seed S] [--jobs 2] [--export DIR]``

A plan is a pure function of ``(n, seed)``: item ``i`` typesets gold bulletin ``i mod 5`` under
the layout drawn from its own seed. Files are cached in ``$HUIKAN_LAYOUTS_DIR`` (default
``~/.cache/huikan-layouts``) under ``v<GENERATOR_VERSION>/`` and named
``<family>-<seed>-<stem>.<ext>``, so a rerun only produces what is missing and a generator change
(bump the version) never serves stale files. Nothing here is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import GENERATOR_VERSION
from .model import gold_path, load, seed_path, stems
from .params import FAMILIES, Layout, draw, rng_for

EXT = {"chromium": "pdf", "reportlab": "pdf", "libreoffice": "pdf", "text": "txt", "markdown": "md"}


def cache_dir() -> Path:
    base = os.environ.get("HUIKAN_LAYOUTS_DIR") or Path.home() / ".cache" / "huikan-layouts"
    return Path(base) / f"v{GENERATOR_VERSION}"


@dataclass
class Job:
    """One bulletin × layout combination."""

    stem: str
    layout: Layout

    @property
    def name(self) -> str:
        return f"{self.layout.family}-{self.layout.seed}-{self.stem}.{EXT[self.layout.producer]}"

    def path(self, root: Path | None = None) -> Path:
        return (root or cache_dir()) / self.name

    def index_entry(self, root: Path | None = None) -> dict:
        return {
            "path": str(self.path(root)),
            "stem": self.stem,
            "gold": str(gold_path(self.stem)),
            "seed": str(seed_path(self.stem)),
            "producer": self.layout.producer,
            "family": self.layout.family,
            "layout": self.layout.to_json(),
        }


def plan(
    n: int, seed: int = 0, producers: Iterable[str] | None = None, *, stratify: bool = False
) -> list[Job]:
    """``n`` jobs for base ``seed``; deterministic, bulletins in turn.

    Families are drawn by weight, or with ``stratify`` taken in turn (every family that one of
    ``producers`` can make), so that a small sample still covers them all.
    """
    names = stems()
    prods = tuple(producers) if producers else None
    fams = [f for f, (ps, _, _) in FAMILIES.items() if prods is None or set(ps) & set(prods)]
    jobs = []
    for i in range(n):
        s = rng_for("plan", seed, i).randrange(10**8)
        family = fams[i % len(fams)] if stratify else None
        jobs.append(Job(names[i % len(names)], draw(s, family, producers=prods)))
    return jobs


def _extras(job: Job) -> None:
    """Producer-specific choices, drawn from the layout's own seed."""
    r = rng_for("producer", job.layout.seed)
    if job.layout.producer == "reportlab":
        job.layout.extra.setdefault("serif_face", r.choice(["STSong-Light", "UMing"]))


def produce_one(job: Job, dest: Path) -> None:
    """Write one text, Markdown or reportlab file (Chromium and LibreOffice batch: below)."""
    from . import reportlab_pdf, text

    b = load(job.stem)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    if job.layout.producer in ("text", "markdown"):
        tmp.write_text(text.render(b, job.layout), "utf-8")
    elif job.layout.producer == "reportlab":
        tmp.write_bytes(reportlab_pdf.render(b, job.layout))
    else:
        raise ValueError(job.layout.producer)
    tmp.replace(dest)


def _chunk(kind: str, jobs: list[Job], root: Path, printer=None) -> list[str]:
    """Produce a chunk of same-producer jobs in this process; return the names written.
    Chromium jobs use ``printer`` when given (a :class:`.chromium.Printer`), else their own."""
    done = []
    if kind == "chromium":
        from .chromium import Printer, typeset

        with printer or Printer() as p:
            for j in jobs:
                dest = j.path(root)
                tmp = dest.with_name(dest.name + ".tmp")
                tmp.write_bytes(typeset(p, load(j.stem), j.layout))
                tmp.replace(dest)
                done.append(j.name)
    elif kind == "libreoffice":
        from . import office

        office.typeset([(load(j.stem), j.layout, j.path(root)) for j in jobs])
        done += [j.name for j in jobs]
    else:
        for j in jobs:
            produce_one(j, j.path(root))
            done.append(j.name)
    return done


def available_producers() -> set[str]:
    from . import chromium, office, reportlab_pdf

    out = {"text", "markdown"}
    if chromium.available():
        out.add("chromium")
    if reportlab_pdf.available():
        out.add("reportlab")
    if office.available():
        out.add("libreoffice")
    return out


def produce(
    jobs: list[Job], root: Path | None = None, workers: int = 2, log=sys.stderr, printer=None
) -> float:
    """Make every job's file that is not cached yet; returns seconds spent.

    With ``printer`` (a :class:`.chromium.Printer` on a running browser) everything is made in
    this process, one producer after the other: what the tests do with their session browser.
    """
    root = root or cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    for j in jobs:
        _extras(j)
    todo = [j for j in jobs if not j.path(root).exists()]
    t0 = time.time()
    if not todo:
        return 0.0
    by: dict[str, list[Job]] = {}
    for j in todo:
        by.setdefault(j.layout.producer, []).append(j)
    chunks: list[tuple[str, list[Job]]] = []
    for kind, js in by.items():
        if kind in ("text", "markdown"):
            chunks.append((kind, js))
            continue
        size = 8 if kind == "libreoffice" else max(1, -(-len(js) // max(1, workers)))
        size = min(size, 25)
        chunks += [(kind, js[i : i + size]) for i in range(0, len(js), size)]
    chunks.sort(key=lambda c: c[0] != "chromium")  # the slowest first
    if printer is not None:
        for kind, js in chunks:
            _chunk(kind, js, root, printer)
        return time.time() - t0
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        futs = [pool.submit(_chunk, kind, js, root) for kind, js in chunks]
        for f in futs:
            names = f.result()
            print(f"  generated {len(names)} files ({time.time() - t0:.0f} s)", file=log)
    return time.time() - t0


def export(jobs: list[Job], out: Path, root: Path | None = None) -> Path:
    """Symlink the files into ``out`` and write ``out/index.json`` for the splitter's author."""
    root = root or cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    keep = set()
    entries = []
    for j in jobs:
        src = j.path(root)
        if not src.exists():
            continue
        link = out / j.name
        keep.add(link.name)
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(src)
        e = j.index_entry(root)
        e["file"] = str(link)
        entries.append(e)
    for p in out.iterdir():
        if p.is_symlink() and p.name not in keep:
            p.unlink()
    index = {
        "generator_version": GENERATOR_VERSION,
        "score": "python3 tests/corpus/score_split.py GOLD SEED PRED.json",
        "files": entries,
    }
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), "utf-8")
    (out / "README.txt").write_text(_EXPORT_README, "utf-8")
    return out / "index.json"


_EXPORT_README = """Generated bulletin x layout files (bench/layouts), symlinks into the cache.
index.json lists per file: path, stem, gold, seed, producer, family, layout (all parameters).
Names: <family>-<layout seed>-<bulletin stem>.<ext>.

Score them all with your checkout's huikan (no generation needed):
  .venv/bin/python /work/wt-issue-9-gen/bench/ingest_layouts.py --index THIS/index.json
Score one:
  huikan ingest FILE --json --no-cache > /tmp/p.json
  python3 tests/corpus/score_split.py GOLD SEED /tmp/p.json --verbose
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--producers", help="comma-separated subset, e.g. chromium,text")
    ap.add_argument("--export", type=Path, help="folder of symlinks + index.json")
    args = ap.parse_args(argv)
    have = available_producers()
    want = set(args.producers.split(",")) if args.producers else have
    missing = want - have
    if missing:
        print(f"not available here: {', '.join(sorted(missing))}", file=sys.stderr)
    jobs = plan(args.n, args.seed, sorted(want & have))
    secs = produce(jobs, workers=args.jobs)
    print(f"{len(jobs)} files in {cache_dir()} ({secs:.0f} s to generate the missing ones)")
    if args.export:
        print(f"index: {export(jobs, args.export)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
