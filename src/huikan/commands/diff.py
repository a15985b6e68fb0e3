"""``huikan diff OLD NEW``: compare two builds (see :mod:`huikan.diff`)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", help="基准构建：构建文件夹或其 manifest.json")
    p.add_argument("new", help="本次构建：构建文件夹或其 manifest.json")
    p.add_argument("--json", action="store_true", help="输出 JSON（机器可读）")
    p.add_argument(
        "--preview-url",
        default=None,
        help="本次构建的预览网址，如 https://example.org/pr-42/：报告中的标题链接到预览页面",
    )


def run(args: argparse.Namespace) -> int:
    from huikan.diff import DiffError, diff_builds, render_markdown, to_json

    try:
        result = diff_builds(args.old, args.new)
    except DiffError as e:
        print(f"huikan diff：{e}", file=sys.stderr)
        return 2
    sys.stdout.write(
        to_json(result) if args.json else render_markdown(result, preview_url=args.preview_url)
    )
    return 0
