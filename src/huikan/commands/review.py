"""``huikan review FILE``: one bulletin's split drawn on its pages (:mod:`huikan.review`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="简报文件：.pdf、.txt 或 .md")
    p.add_argument(
        "--out",
        default=None,
        help="输出文件夹（默认 build/_review/<简报>/，打开其中的 index.html）",
    )
    p.add_argument("--no-cache", action="store_true", help="不读写拆分缓存和页面图片缓存")
    p.add_argument("--no-sidecar", action="store_true", help="忽略同名 .yml 旁注文件")


def run(args: argparse.Namespace) -> int:
    from huikan.review import REVIEW_DIR, make_review, write_review
    from huikan.site import assets as site_assets
    from huikan.site.model import bulletin_slugs

    t0 = time.perf_counter()
    from huikan.commands.ingest import load_bulletin

    loaded = load_bulletin(args, "review")
    if isinstance(loaded, int):
        return loaded
    path, project, config, res = loaded.path, loaded.project, loaded.config, loaded.result
    cache_dir = None if args.no_cache else project.cache
    try:
        theme = site_assets.default_theme()
    except site_assets.AssetError as e:
        print(f"huikan: {e}", file=sys.stderr)
        return 1
    override = project.root / config.templates if config.templates else None
    dirs = site_assets.theme_template_dirs(project.root, override, theme)
    if args.out:
        out = Path(args.out)
    else:
        slug = bulletin_slugs([path], [res.bulletin.slug])[0]
        out = project.output / REVIEW_DIR / slug
    try:
        review = make_review(path, res, template_dirs=dirs, cache_dir=cache_dir)
    except Exception as e:  # pdfium refusing a file ingest could read: say so, do not crash
        print(f"huikan: 无法生成核对页：{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    write_review(review, out)
    pages = f"{len(review.images)} 页图片，" if review.images else ""
    print(
        f"拆分核对页：{out / 'index.html'}（{len(res.articles)} 篇文章，{pages}"
        f"警告 {len(res.warnings)} 条，用时 {time.perf_counter() - t0:.1f} 秒）"
    )
    return 0
