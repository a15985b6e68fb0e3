"""``huikan new DIR``: start a new archive.

Writes ``site.yml`` (the built-in taxonomy, each key explained), ``issues/`` with a short
how-to, an empty ``templates/`` for overrides, ``.gitignore`` and the two GitHub workflows
(Pages and PR preview) that install huikan as a package. Existing files are never
overwritten.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path

EXIT_EXISTS = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", help="新网站的文件夹（不存在时自动创建；可以是 .）")
    p.add_argument("--title", default=None, help="网站标题（默认：汇刊）")


def _scaffold(name: str) -> str:
    return files("huikan").joinpath("scaffold", *name.split("/")).read_text(encoding="utf-8")


def site_yml(title: str) -> str:
    from huikan.config import default_taxonomy

    lines = []
    for c in default_taxonomy().clusters:
        lines.append(f"  - name: {c.name}")
        lines.append(f"    slug: {c.slug}")
        if c.aliases:
            lines.append(f"    aliases: {json.dumps(c.aliases, ensure_ascii=False)}")
    return (
        _scaffold("site.yml")
        .replace("{title}", json.dumps(title, ensure_ascii=False))
        .replace("{clusters}", "\n".join(lines))
    )


def package_spec() -> str:
    from huikan.cache import package_version

    v = package_version()
    return "huikan" if v == "unknown" else f"huikan=={v}"


def plan(title: str) -> dict[str, str]:
    """Relative path → content of every file ``huikan new`` writes."""
    pkg = package_spec()
    return {
        "site.yml": site_yml(title),
        "issues/README.md": _scaffold("issues-README.md"),
        "templates/README.md": _scaffold("templates-README.md"),
        ".gitignore": _scaffold("gitignore"),
        ".github/workflows/pages.yml": _scaffold("workflows/pages.yml").replace("{package}", pkg),
        ".github/workflows/pr-preview.yml": _scaffold("workflows/pr-preview.yml").replace(
            "{package}", pkg
        ),
    }


def run(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        print(f"huikan new：{root} 已存在，且不是文件夹", file=sys.stderr)
        return EXIT_EXISTS
    if (root / "site.yml").exists():
        print(
            f"huikan new：{root / 'site.yml'} 已存在，这里已经是一个网站；没有修改任何文件。",
            file=sys.stderr,
        )
        return EXIT_EXISTS
    written, kept = [], []
    for rel, text in plan(args.title or "汇刊").items():
        dest = root / rel
        if dest.exists():
            kept.append(rel)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        written.append(rel)
    print(f"已新建网站：{root.resolve()}")
    for rel in written:
        print(f"  {rel}")
    for rel in kept:
        print(f"  {rel}（已存在，未改动）")
    cd = "" if root.resolve() == Path.cwd().resolve() else f"cd {args.dir} && "
    print(
        "\n接下来：\n"
        f"  1. 把简报（.pdf、.txt、.md）放进 {root / 'issues'}，"
        f"用 `{cd}huikan ingest issues/文件名` 检查拆分结果；\n"
        f"  2. `{cd}huikan serve` 在本机预览网站（http://localhost:8000）；\n"
        f"  3. 按需修改 site.yml（标题、网址、产业集群），用 `huikan check` 检查，"
        "然后 `huikan build` 生成 build/ 文件夹。"
    )
    return 0
