"""``huikan check``: validate site.yml and every sidecar (see :mod:`huikan.check`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--issues", default=None, help="简报文件夹（默认 site.yml 旁的 issues/）")
    p.add_argument(
        "--deep",
        action="store_true",
        help="同时拆分有旁注的简报，找出对不上任何文章标题的修改项（较慢）",
    )


def run(args: argparse.Namespace) -> int:
    from huikan.check import check_site
    from huikan.cli import project_from_args

    project = project_from_args(args)
    if not project.found:
        print(f"检查未进行：{project.describe().removeprefix('提示：')}", file=sys.stderr)
        return 1
    report = check_site(
        project.root,
        config_path=project.config_path,
        issues_dir=Path(args.issues) if args.issues else None,
        deep=args.deep,
    )
    for p in report.problems:
        print(p, file=sys.stderr)
    what = f"site.yml、{report.sidecars} 个旁注文件（{report.bulletins} 期简报）"
    if report.ok:
        print(f"检查通过：{what}没有发现问题。")
        return 0
    print(f"检查未通过：{what}中发现 {len(report.problems)} 个问题。", file=sys.stderr)
    return 1
