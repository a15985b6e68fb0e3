"""``huikan build``: render issues/ into a static site (see :mod:`huikan.build`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from huikan.config import ConfigError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None, help="输出文件夹（默认 build/）")
    p.add_argument(
        "--base-url",
        default=None,
        help="站点网址，如 https://example.org/pr-42/（默认取 site.yml）",
    )
    p.add_argument("--strict", action="store_true", help="有任何警告或无法读取的简报即失败，不发布")
    p.add_argument(
        "--review",
        action="store_true",
        help="同时生成每期简报的拆分核对页（_review/<简报>/，不在公开网站中链接）",
    )
    p.add_argument(
        "--all-warnings",
        action="store_true",
        help="逐条列出全部警告（默认警告很多时只列出前几条和各类条数）",
    )
    p.add_argument(
        "--jobs", "-j", type=int, default=None, help="并行拆分简报的进程数（默认 CPU 核数）"
    )


def options_from_args(args: argparse.Namespace):
    from huikan.build import BuildOptions
    from huikan.cli import project_from_args

    project = project_from_args(args)
    if not project.found:
        print(project.describe(), file=sys.stderr)
    return BuildOptions(
        root=project.root,
        config_path=project.config_path,
        out=Path(args.out) if args.out else None,
        base_url=args.base_url,
        strict=args.strict,
        jobs=args.jobs,
        review=getattr(args, "review", False),
        all_warnings=getattr(args, "all_warnings", False),
    )


def run(args: argparse.Namespace) -> int:
    from huikan.build import BuildError, build_site
    from huikan.model import IngestError
    from huikan.site.output import OutputError

    if args.jobs is not None and args.jobs < 1:
        print("--jobs 至少为 1", file=sys.stderr)
        return 2
    try:
        report = build_site(options_from_args(args))
    except ConfigError as e:
        sep = "\n" if len(e.problems) > 1 else ""
        print(f"构建失败，未发布任何内容：{sep}{e.report()}", file=sys.stderr)
        return 1
    except (BuildError, IngestError, OutputError) as e:
        print(f"构建失败：{e}", file=sys.stderr)
        return 1
    for line in report.summary_lines():
        print(line)
    return 0
