"""What a page is keyed by: a rebuild compares these keys with the previous build's and
renders only the pages whose key changed (huikan.site.output keeps the others' files)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import huikan
from huikan.site.page import Page


@cache
def code_fingerprint() -> str:
    """Hash of the rendering code, so a page rendered by older code is never reused."""
    h = hashlib.sha256(huikan.__version__.encode())
    site_pkg = Path(__file__).parent
    for p in sorted([*site_pkg.glob("*.py"), site_pkg.parent / "build.py"]):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def page_key(salt: str, page: Page) -> str:
    """Hash of what the page is made from: its ``inputs`` when the planner gave them (cheap:
    the context is not built; plain strings, joined), else its whole context as JSON.

    A keyed page's key also hashes its title and meta (unless its inputs name the meta, see
    ``Page.key_meta``), its manifest fields: an unchanged key then means an unchanged manifest
    entry, which is not encoded again (site.manifest)."""
    if page.inputs is not None:
        meta = repr(page.meta) if page.key_meta else ""
        data = "\x1f".join([page.kind, page.template or "", page.title, meta])
        data += "\x1f" + "\x1f".join(page.inputs)
        return hashlib.sha256(f"{salt}\x1e{page.absolute_links}\x1e{data}".encode()).hexdigest()
    data = json.dumps(
        [page.kind, page.template, page.absolute_links, page.data()],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256((salt + data).encode("utf-8")).hexdigest()


def article_group_key(salt: str, b: Any, inputs: Callable[[Any], list[str]]) -> str:
    """Hash of everything the article pages of bulletin ``b`` are keyed by (:func:`page_key`
    of each: the code, its path and title, and its ``inputs`` — the planner's
    ``article_inputs``; its meta is named by them, see ``Page.key_meta``). Unchanged since
    the previous build, every one of those pages is unchanged: a rebuild keeps their files
    without planning or keying 80,000 pages one by one (~1 s at 5,000 bulletins)."""
    parts = [salt, b.slug]
    for a in b.articles:
        parts += [a.page_path, a.article.title, *inputs(a), "\x1d"]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
