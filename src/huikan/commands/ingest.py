"""``huikan ingest FILE``: show how one bulletin splits, for an editor checking a new issue."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from huikan.cli import project_from_args
from huikan.config import ConfigError, SiteConfig, load_config
from huikan.ingest.ocr.notice import ocr_notice
from huikan.ingest.textutil import width
from huikan.model import Article, IngestError, IngestResult
from huikan.project import Project

# How a cluster was chosen, as the table's 依据 column says it.
CUES = {
    "toc": "目录",
    "byline": "署名",
    "column": "栏目",
    "keywords": "词语",
    "several": "多产业",
    "default": "无线索",
    "sidecar": "旁注",
}


def _fit(s: str | None, w: int) -> str:
    """Cut ``s`` to ``w`` display cells and pad it, so CJK columns line up in a terminal."""
    s = (s or "—").replace("\n", " ")
    out, used = "", 0.0
    for ch in s:
        cw = width(ch) * 2
        if used + cw > w:
            out = out[:-1] + "…" if out else "…"
            used = width(out) * 2
            break
        out += ch
        used += cw
    return out + " " * max(0, int(w - used))


def print_table(res: IngestResult, out=None) -> None:
    out = out or sys.stdout
    b = res.bulletin
    print(f"文件：{b.source_file}（{b.pages or '—'} 页）", file=out)
    print(
        f"刊名：{b.title or '—'}　期号：{b.number or '—'}　日期：{b.date or '—'}"
        f"　编印：{b.publisher or '—'}",
        file=out,
    )
    if b.ocr_pages:
        print(ocr_notice(b.ocr_pages, b.pages), file=out)
    print(f"共 {len(res.articles)} 篇文章\n", file=out)
    head = (
        f"{'#':>3} {_fit('页', 4)} {_fit('标题', 44)} {_fit('栏目', 12)} {_fit('产业集群', 18)}"
        f" {_fit('依据', 8)} {_fit('字数', 6)} {_fit('作者', 24)} {_fit('来源', 16)}"
    )
    print(head.rstrip(), file=out)
    print("-" * 141, file=out)
    for n, a in enumerate(res.articles, 1):
        page = str(a.page) if a.page else "—"
        print(
            f"{n:>3} {page:<4} {_fit(a.title, 44)} {_fit(a.column, 12)} {_fit(a.cluster, 18)}"
            f" {_fit(_cue(a), 8)} {len(a.text):>6} {_fit(a.byline, 24)}"
            f" {_fit(a.source, 16)}".rstrip(),
            file=out,
        )
    if res.articles:
        print("\n产业集群依据：", file=out)
        for n, a in enumerate(res.articles, 1):
            print(f"{n:>3} {a.cluster} ← {explain(a)}", file=out)
    if res.warnings:
        print(f"\n警告 {len(res.warnings)} 条：", file=out)
        for w in res.warnings:
            print(f"  ⚠ {w}", file=out)


def _cue(a: Article) -> str:
    why = a.cluster_why
    cue = CUES.get(why.cue if why else a.cluster_cue or "", a.cluster_cue or "—")
    return cue + ("？" if why is not None and why.uncertain else "")


def explain(a: Article) -> str:
    """Why the article has its cluster, in one line: the printed cue, or the strongest terms;
    then the runner-up and how close it came (its score over the winner's)."""
    why = a.cluster_why
    if why is None:
        return CUES.get(a.cluster_cue or "", "—")
    parts = [CUES.get(why.cue, why.cue)]
    if why.printed:
        parts[0] += f"“{why.printed}”"
    if why.terms:
        label = "词语" if why.cue in ("keywords", "sidecar") else "词语（次选）"
        if why.cue in ("toc", "byline", "column"):
            label = "文中词语"
        terms = "、".join(f"{t.term} {t.weight:g}" for t in why.terms)
        parts.append(f"{label}：{terms}" if why.cue != "keywords" else terms)
    if why.runner_up:
        parts.append(f"次选 {why.runner_up}（{why.ratio:.2f}）")
    if why.uncertain:
        parts.append("不确定")
    return "；".join(parts)


def _report_unmatched(path: Path, config, res: IngestResult) -> None:
    """Sidecar corrections that match no article of this bulletin, on stderr."""
    from huikan.check import unmatched_corrections
    from huikan.ingest.sidecar import load_sidecar, sidecar_path

    sc = sidecar_path(path)
    if sc is None:
        return
    for title, line in unmatched_corrections(load_sidecar(sc, config.taxonomy), res):
        print(
            f"旁注 {sc.name}:{line}: 没有标题为 “{title}” 的文章，这一项修改不会生效",
            file=sys.stderr,
        )


def bulletin_arg_problem(path: Path, command: str) -> str | None:
    """Why ``path`` cannot be the one bulletin ``huikan ingest|review`` looks at, or None."""
    if path.is_dir():
        return (
            f"huikan {command}：{path} 是一个文件夹；huikan {command} 一次看一期简报，"
            f"如 huikan {command} {path / '文件名.pdf'}。整个文件夹请用 huikan build 或 "
            "huikan check --deep。"
        )
    if not path.exists():
        return f"huikan {command}：找不到文件 {path}"
    return None


@dataclass
class Loaded:
    """One bulletin named on the command line, read through the site it belongs to."""

    path: Path
    project: Project
    config: SiteConfig
    result: IngestResult


def load_bulletin(args: argparse.Namespace, command: str) -> Loaded | int:
    """Check FILE, find its site, and ingest it (from the cache unless ``--no-cache``): the
    first half of ``huikan ingest`` and ``huikan review``. An int is the exit code, after the
    message was printed."""
    path = Path(args.file)
    if problem := bulletin_arg_problem(path, command):
        print(problem, file=sys.stderr)
        return 2
    try:
        project = project_from_args(args, start=path.resolve().parent)
        print(project.describe(), file=sys.stderr)
        config = load_config(project.config_path)
        from huikan.cache import IngestCache

        cache = IngestCache(project.cache)
        jobs = getattr(args, "jobs", None) or os.cpu_count() or 1
        ocr = cache.ocr_options(jobs)
        if args.no_cache:
            from huikan.ingest import ingest_file

            ocr.cache_dir = None
            res = ingest_file(path, config, use_sidecar=not args.no_sidecar, ocr=ocr)
        else:
            res = cache.ingest(path, config, use_sidecar=not args.no_sidecar, ocr=ocr)
    except (IngestError, ConfigError) as e:
        print(f"huikan: {e}", file=sys.stderr)
        return 1
    return Loaded(path, project, config, res)


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("--jobs 至少为 1", file=sys.stderr)
        return 2
    loaded = load_bulletin(args, "ingest")
    if isinstance(loaded, int):
        return loaded
    path, config, res = loaded.path, loaded.config, loaded.result
    if not args.no_sidecar:
        _report_unmatched(path, config, res)
    if args.json:
        json.dump(res.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(res)
    return 0
