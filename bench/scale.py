"""Scale benchmark (issue 14): builds and search on realistic archives of N bulletins.

For each N (default 500 and 2,000) it makes the archive of ``bench/archive.py`` (vocabulary
that keeps growing, valid dates for any N) outside the repository, and for each code version
— this checkout, and with ``--ref main`` that git ref too, side by side in the same run —
measures, each build in a fresh process with its code frozen in a snapshot:

* full build (cold caches), rebuild with nothing changed, rebuild after one new bulletin,
  and last (after the search figures) after one back issue dated in the archive's middle:
  wall time, peak RSS of the build process and of its largest child (``getrusage``), and
  the peak RSS of any single process of the build's tree sampled from /proc every 0.1 s;
* the site: files, size on disk, search index size, distinct search terms;
* search in headless Chromium against the served site: bytes (gzip, each response on its
  own, level 6) of every request of a cold search page ``search/?q=…`` until the network is
  idle — page, CSS, scripts, index parts, store — median over the dev queries and the
  largest, and by kind of file (median query / worst query); warm median latency of
  ``huikanSearch`` (top 10) over the dev queries (bench/latency.py);
* Pagefind (extended) on the same built site: index time, index size, cold bytes to the
  first result, warm median latency (via bench/search.py);
* with ``--ref``, last: both versions' sites (the same archive by then) measured side by
  side in one Chromium, query by query, and the median per-query latency ratio — the
  figure to compare versions by, where each version's own latency above is measured at
  another time.

The load average is printed with every figure: the machine is shared.

    .venv/bin/python bench/scale.py [--n 500 2000] [--ref main] [--dest DIR] [--jobs 2]
        [--no-pagefind] [--keep]

Needs ``pip install -e '.[bench]'`` and /usr/bin/chromium. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from huikan.lifeline import die_with_parent

REPO = Path(__file__).resolve().parents[1]


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


archive = load("archive")
search_bench = load("search")
scale_search = load("scale_search")  # the search figures, in Chromium
loadavg = scale_search.loadavg


def snapshot(ref: str | None, dest: Path) -> Path:
    """src/, templates/, static/ and lunr.js of the checkout (``ref`` None) or of a git ref,
    copied to ``dest`` so edits made while the benchmark runs do not change what it runs."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if ref is None:
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
        for name in ("src", "templates", "static"):
            shutil.copytree(REPO / name, dest / name, ignore=ignore)
    else:
        tar = subprocess.run(
            ["git", "-C", str(REPO), "archive", ref, "src", "templates", "static"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
    lunr = dest / "node_modules" / "lunr"
    lunr.mkdir(parents=True)
    shutil.copy(REPO / "node_modules" / "lunr" / "lunr.min.js", lunr / "lunr.min.js")
    return dest


class TreeMemory:
    """Peak RSS of each process in a process tree, sampled from /proc."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        kids: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                kids.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += kids.get(p, [])
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/statm") as f:
                        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, ValueError, IndexError):
                    continue
                self.peak[p] = max(self.peak.get(p, 0), rss)

    def stop(self) -> int:
        """The largest single process's peak, bytes."""
        self._stop.set()
        self._thread.join()
        return max(self.peak.values(), default=0)


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {src!r})
from huikan.build import BuildOptions, build_site
t = time.perf_counter()
r = build_site(BuildOptions(root={root!r}, jobs={jobs}, progress=False), log=open("/dev/null", "w"))
print(json.dumps({{
    "wall": time.perf_counter() - t, "timings": r.timings, "articles": r.articles,
    "bulletins": r.bulletins, "written": r.written, "unchanged": r.unchanged,
    "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "rss_child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
}}, ensure_ascii=False))
"""


def run_build(code: Path, root: Path, jobs: int) -> dict:
    """One build in a fresh process; its figures plus the sampled per-process peak RSS.
    The kernel kills the build when the bench ends (huikan.lifeline, set between fork and
    exec, so for a build of any version): a bench stopped with kill left its 3-minute build
    running, and the next bench's clean-up of the same folder failed on files the orphan
    was still writing."""
    load_before = loadavg()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(src=str(code / "src"), root=str(root), jobs=jobs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=functools.partial(die_with_parent, os.getpid()),  # any version (--ref)
    )
    mem = TreeMemory(proc.pid)
    out, err = proc.communicate()
    peak = mem.stop()
    if proc.returncode:
        sys.stderr.write(err)
        raise SystemExit(f"build failed (exit {proc.returncode}) in {root}")
    r = json.loads(out.strip().splitlines()[-1])
    r["rss_any"] = max(peak, r["rss_self"], r["rss_child"])
    r["load"] = f"{load_before} → {loadavg()}"
    return r


def site_figures(site: Path) -> dict:
    files = size = 0
    for f in site.rglob("*"):
        if f.is_file():
            files += 1
            size += f.stat().st_blocks * 512
    index = sum(f.stat().st_size for f in (site / "search").rglob("*") if f.is_file())
    terms = json.loads((site / "search" / "manifest.json").read_text("utf-8")).get("terms")
    return {"files": files, "disk": size, "index": index, "terms": terms}


def prepare_root(src_archive: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(src_archive / "issues"), str(root / "issues")], check=True)
    shutil.copy(src_archive / "site.yml", root / "site.yml")


def run_version(label: str, code: Path, n: int, dest: Path, args, model) -> dict:
    root = dest / f"n{n}-{label}"
    prepare_root(dest / f"archive-{n}", root)
    r: dict = {}
    print(f"[n={n} {label}] full build … (load {loadavg()})", flush=True)
    r["full"] = run_build(code, root, args.jobs)
    print(f"[n={n} {label}] rebuild, nothing changed …", flush=True)
    r["same"] = run_build(code, root, args.jobs)
    archive.add_bulletin(root, args.seed, model)
    print(f"[n={n} {label}] rebuild after one new bulletin …", flush=True)
    r["plus1"] = run_build(code, root, args.jobs)
    r["site"] = site_figures(root / "build")
    (root / "scale-results.json").write_text(json.dumps(r, ensure_ascii=False, indent=1))
    if not args.no_search:
        print(f"[n={n} {label}] search in Chromium …", flush=True)
        r["search"] = scale_search.measure_search(
            root / "build", root, args.pagefind and label == "this"
        )
    # last, so the figures above are of the archive plus its newest bulletin
    archive.add_back_issue(root, args.seed, model)
    print(f"[n={n} {label}] rebuild after one back issue (middle date) …", flush=True)
    r["back"] = run_build(code, root, args.jobs)
    (root / "scale-results.json").write_text(json.dumps(r, ensure_ascii=False, indent=1))
    return r


def table(n: int, results: dict[str, dict]) -> None:
    labels = list(results)
    mb = lambda b: f"{b / 2**20:,.0f} MB"  # noqa: E731
    kb = lambda b: f"{b / 1024:,.1f} KiB"  # noqa: E731
    rows: list[tuple[str, list[str]]] = []
    first = results[labels[0]]
    print(f"\n== N = {n} bulletins, {first['full']['articles']} articles ==")
    runs = (
        ("full", "full build"),
        ("same", "nothing changed"),
        ("plus1", "+1 bulletin"),
        ("back", "+1 back issue, middle date"),
    )
    for key, name in runs:
        rows.append((f"{name} (s)", [f"{results[x][key]['wall']:.1f}" for x in labels]))
        rows.append(("  load avg (before → after)", [results[x][key]["load"] for x in labels]))
        rows.append(("  files written", [str(results[x][key]["written"]) for x in labels]))
        rows.append(("  peak RSS, any process", [mb(results[x][key]["rss_any"]) for x in labels]))
    for key, name, fmt in (
        ("files", "site files", str),
        ("disk", "site on disk", mb),
        ("index", "search index", mb),
        ("terms", "distinct search terms", str),
    ):
        rows.append((name, [fmt(results[x]["site"][key]) for x in labels]))
    if all("search" in results[x] for x in labels):
        s = {x: results[x]["search"] for x in labels}
        rows.append(("cold search page, median gzip", [kb(s[x]["cold_median"]) for x in labels]))
        rows.append(("cold search page, max gzip", [f"{kb(s[x]['cold_max'])}" for x in labels]))
        rows.append(("  worst query", [s[x]["cold_max_query"] for x in labels]))
        for name, _ in scale_search.KINDS:  # median query / worst query, by kind of file
            if any(name in s[x].get("cold_kinds", {}) for x in labels):
                rows.append(
                    (
                        f"  {name} (median / worst)",
                        [
                            " / ".join(kb(v) for v in s[x]["cold_kinds"][name])
                            if name in s[x].get("cold_kinds", {})
                            else "-"
                            for x in labels
                        ],
                    )
                )
        rows.append(("warm median latency (ms)", [f"{s[x]['lat']:.0f}" for x in labels]))
        rows.append(
            (
                "  each round's median (ms)",
                [" / ".join(f"{v:.0f}" for v in s[x]["lat_rounds"]) for x in labels],
            )
        )
        rows.append(
            (
                "  requests per query (median / worst)",
                [
                    "{:.0f} / {}".format(*s[x]["requests"]) if "requests" in s[x] else "-"
                    for x in labels
                ],
            )
        )
        if all("phases" in s[x] for x in labels):
            rows.append(
                (
                    "  rounds done (ms): dirs / index / records",
                    [
                        "{directories_done:.0f} / {index_done:.0f} / {records_done:.0f}".format(
                            **s[x]["phases"]
                        )
                        for x in labels
                    ],
                )
            )
            rows.append(
                (
                    "  ranking done, records asked (ms)",
                    [f"{s[x]['phases']['records_start']:.0f}" for x in labels],
                )
            )
            rows.append(
                (
                    "  requests: dirs / index / records",
                    [
                        "{directories_n:.0f} / {index_n:.1f} / {records_n:.0f}".format(
                            **s[x]["phases"]
                        )
                        for x in labels
                    ],
                )
            )
        rows.append(("  load avg", [s[x]["load"] for x in labels]))
        rows.append(
            (
                "recall, dev queries (every match)",
                [
                    f"{s[x]['recall']['recall']:.4f} of {s[x]['recall']['wanted']}"
                    if "recall" in s[x]
                    else "-"
                    for x in labels
                ],
            )
        )
        pf = s.get("this", {})
        if "pf_error" in pf:
            print(f"pagefind on the 'this' site: {pf['pf_error']}")
        if "pf_lat" in pf:
            print(
                f"pagefind on the 'this' site: index {pf['pf_index_s']:.1f} s, "
                f"{mb(pf['pf_index_bytes'])}; cold bytes to first result median "
                f"{kb(pf['pf_cold_median'])}, max {kb(pf['pf_cold_max'])}; warm median "
                f"{pf['pf_lat']:.0f} ms, "
                "{:.0f} / {} requests per query (median / worst)".format(*pf["pf_requests"])
            )
    width = max(len(r[0]) for r in rows) + 2
    print(" " * width + "".join(f"{x:>32}" for x in labels))
    for name, cells in rows:
        print(f"{name:{width}}" + "".join(f"{c:>32}" for c in cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[500, 2000], help="bulletin counts")
    ap.add_argument("--ref", help="also measure this git ref (e.g. main), side by side")
    ap.add_argument(
        "--dest", type=Path, default=Path(tempfile.gettempdir()) / "huikan-scale", help="work dir"
    )
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-pagefind", dest="pagefind", action="store_false")
    ap.add_argument("--no-search", action="store_true", help="builds only, no browser")
    ap.add_argument("--keep", action="store_true", help="reuse generated archives")
    args = ap.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    versions = {"this": snapshot(None, args.dest / "code-this")}
    if args.ref:
        versions[args.ref] = snapshot(args.ref, args.dest / f"code-{args.ref}")
    print(f"machine: {os.cpu_count()} CPUs, jobs={args.jobs}, load {loadavg()}; dest {args.dest}")
    model = archive.Model.train(archive.TRAINING)
    for n in args.n:
        arc = args.dest / f"archive-{n}"
        if not (args.keep and (arc / "issues").is_dir()):
            t0 = time.perf_counter()
            archive.make_archive(arc, n, args.seed)
            print(f"archive of {n} bulletins made in {time.perf_counter() - t0:.0f} s → {arc}")
        results = {
            label: run_version(label, code, n, args.dest, args, model)
            for label, code in versions.items()
        }
        table(n, results)
        if len(versions) > 1 and not args.no_search:  # the same archive on every site now
            sites = {label: args.dest / f"n{n}-{label}" / "build" for label in versions}
            side = scale_search.interleaved(sites)
            medians = " / ".join(f"{side['median'][x]:.1f}" for x in sites)
            spread = " / ".join("{:.0f}–{:.0f}".format(*side["spread"][x]) for x in sites)
            ratios = ", ".join(f"{x} / this {r:.3f}" for x, r in side["ratio"].items())
            print(
                f"warm latency side by side ({side['rounds']} rounds, query by query, load "
                f"{side['load']}): median {medians} ms ({' / '.join(sites)}; a round's "
                f"median {spread} ms); per query {ratios}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
