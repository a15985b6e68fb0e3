"""Benchmark ``huikan build`` on a synthetic archive.

Generates N bulletins (default 500, ≈ 16 articles each) from the articles of the sample
bulletins in ``issues/`` — titles prefixed with varying place names and dates spread one
month apart, so every URL differs — then measures, each in a fresh process:

1. a full build with an empty ingest cache,
2. a rebuild with nothing changed,
3. a rebuild after adding one new bulletin,

and prints wall time, the build's own stage timings, files written/unchanged and peak memory
(RSS of the build process and of its largest child: an ingest worker or the search
process). Targets (issue 3, 2-core machine):
N=500 full build < 120 s, rebuild after one new bulletin < 10 s.

    .venv/bin/python bench/build.py [--n 500] [--jobs 2] [--keep]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from huikan.lifeline import die_with_parent  # a timed build dies with the bench

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out" / "build"
SNAPSHOT = REPO / "bench" / "out" / "code"  # the code under test, frozen for the whole run

PLACES = [
    "徐州",
    "南京",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "扬州",
    "镇江",
    "泰州",
    "盐城",
    "淮安",
    "宿迁",
    "连云港",
    "合肥",
    "杭州",
    "宁波",
    "上海",
    "济南",
    "青岛",
    "郑州",
    "武汉",
    "长沙",
    "成都",
    "重庆",
    "西安",
    "深圳",
    "广州",
    "厦门",
    "天津",
    "北京",
]
SERIES = ["产业科技动态", "科技参考", "经济科技要闻摘编", "江苏创业投资", "联盟动态"]
ARTICLES_PER_BULLETIN = 16


def sample_articles() -> list[tuple[str, str]]:
    """(title, markdown body) of every article of the sample bulletins, via the real ingest."""
    sys.path.insert(0, str(REPO / "src"))  # the parent only generates; builds use SNAPSHOT
    from huikan.cache import IngestCache
    from huikan.config import load_config

    config = load_config(REPO / "site.yml")
    cache = IngestCache(REPO / ".huikan-cache")
    out = []
    for p in sorted((REPO / "issues").iterdir()):
        if p.suffix.lower() in (".md", ".txt", ".pdf"):
            for a in cache.ingest(p, config).articles:
                body = a.markdown or a.text
                if a.title and body.strip():
                    out.append((a.title, body))
    return out


def bulletin_text(i: int, pool: list[tuple[str, str]], rng: random.Random) -> tuple[str, str]:
    """A Markdown bulletin and its sidecar for synthetic issue ``i``."""
    series = SERIES[i % len(SERIES)]
    year, month = 1983 + i // 12, i % 12 + 1
    lines = [f"# {series}", "", f"第 {i + 1} 期", "", f"{year} 年 {month} 月", ""]
    for title, body in rng.sample(pool, min(ARTICLES_PER_BULLETIN, len(pool))):
        place = rng.choice(PLACES)
        lines += [f"## {place}：{title}", "", f"（{place}{year}年{month}月讯）", "", body, ""]
    sidecar = f"title: {series}\nnumber: 第{i + 1}期\ndate: {year}-{month:02d}\n"
    return "\n".join(lines), sidecar


def make_archive(root: Path, n: int) -> None:
    if root.exists():
        shutil.rmtree(root)
    issues = root / "issues"
    issues.mkdir(parents=True)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    pool = sample_articles()
    rng = random.Random(20240401)
    for i in range(n):
        text, sidecar = bulletin_text(i, pool, rng)
        (issues / f"synthetic-{i:04d}.md").write_text(text, "utf-8")
        (issues / f"synthetic-{i:04d}.yml").write_text(sidecar, "utf-8")
    print(f"synthetic archive: {n} bulletins from {len(pool)} sample articles → {issues}")


def add_bulletin(root: Path) -> None:
    """Add the next bulletin (the newest: one month after the last one)."""
    i = len(list((root / "issues").glob("synthetic-*.md")))
    pool = sample_articles()
    text, sidecar = bulletin_text(i, pool, random.Random(i))
    (root / "issues" / f"synthetic-{i:04d}.md").write_text(text, "utf-8")
    (root / "issues" / f"synthetic-{i:04d}.yml").write_text(sidecar, "utf-8")


def snapshot_code() -> None:
    """Copy src/, templates/, static/ and lunr.js so that edits made to the working tree while
    the benchmark runs (which would invalidate the ingest cache) do not skew its figures."""
    if SNAPSHOT.exists():
        shutil.rmtree(SNAPSHOT)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", "templates", "static"):
        shutil.copytree(REPO / name, SNAPSHOT / name, ignore=ignore)
    lunr = SNAPSHOT / "node_modules" / "lunr"
    lunr.mkdir(parents=True)
    shutil.copy(REPO / "node_modules" / "lunr" / "lunr.min.js", lunr / "lunr.min.js")


def child(root: Path, jobs: int) -> None:
    """Run one build in this process and print its figures as JSON."""
    sys.path.insert(0, str(SNAPSHOT / "src"))
    from huikan.build import BuildOptions, build_site

    t0 = time.perf_counter()
    report = build_site(
        BuildOptions(root=root, jobs=jobs, progress=False),
        log=open("/dev/null", "w"),  # noqa: SIM115
    )
    wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "bulletins": report.bulletins,
                "articles": report.articles,
                "written": report.written,
                "unchanged": report.unchanged,
                "ingested": report.ingested,
                "timings": report.timings,
                "search": report.search_summary,
                "rss_mb": me / 1024,
                "worker_rss_mb": kids / 1024,
            },
            ensure_ascii=False,
        )
    )


def run_child(root: Path, jobs: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=functools.partial(die_with_parent, os.getpid()),
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"build failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def show(label: str, r: dict) -> None:
    stages = "，".join(f"{k} {v:.1f}s" for k, v in r["timings"].items())
    print(
        f"{label}: {r['wall']:.1f} s  ({stages})  "
        f"{r['bulletins']} bulletins / {r['articles']} articles, ingested {r['ingested']}, "
        f"files written {r['written']} / unchanged {r['unchanged']}, "
        f"peak RSS {r['rss_mb']:.0f} MB (largest child process {r['worker_rss_mb']:.0f} MB)"
    )
    for line in r["search"]:
        print("    " + line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="bulletins (default 500)")
    ap.add_argument("--jobs", type=int, default=0, help="ingest processes (default: CPUs)")
    ap.add_argument("--keep", action="store_true", help="reuse an existing synthetic archive")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    import os

    jobs = args.jobs or os.cpu_count() or 1
    if args.child:
        child(args.child, jobs)
        return 0
    root = OUT
    if not (args.keep and (root / "issues").is_dir()):
        make_archive(root, args.n)
    for stale in (root / ".huikan-cache", root / "build"):
        if stale.exists():
            shutil.rmtree(stale)
    snapshot_code()
    print(f"machine: {os.cpu_count()} CPUs; jobs={jobs}; code frozen in {SNAPSHOT}")
    show("full build (cold cache)", run_child(root, jobs))
    show("rebuild, nothing changed", run_child(root, jobs))
    add_bulletin(root)
    show("rebuild after one new bulletin", run_child(root, jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
