"""Jinja rendering of pages.

Templates come from the top-level ``templates/`` folder; a site can override any of them by
naming a folder in ``site.yml`` (``templates: my-templates``), searched first. Every template
gets the page's plain-data context plus ``url(path)`` (a link that works at the root and under
a sub-path), ``absolute(path)`` (full URL from the base URL), ``base_url`` and ``page``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from huikan.site import feeds
from huikan.site.markup import render_markdown
from huikan.site.textutil import format_date
from huikan.site.urls import Linker, is_absolute

if TYPE_CHECKING:
    from huikan.site.pages import Page

_XML_RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "feed": feeds.render_feed,
    "sitemap": feeds.render_sitemap,
    "robots": feeds.render_robots,
}


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))


def fingerprint_dirs(dirs: list[Path]) -> str:
    """A hash of every file under the template folders (names and bytes), for page keys."""
    h = hashlib.sha256()
    for d in dirs:
        if not d.is_dir():
            continue
        for f in sorted(p for p in d.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(d)).encode("utf-8") + b"\0")
            h.update(f.read_bytes() + b"\0")
        h.update(b"\1")
    return h.hexdigest()


class Renderer:
    """Renders :class:`Page` objects to bytes."""

    def __init__(self, dirs: list[Path]):
        self.dirs = dirs
        self.env = Environment(
            loader=FileSystemLoader([str(d) for d in dirs]),
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.env.filters["markdown"] = _markdown
        self.env.filters["date_cn"] = format_date

    def render(self, page: Page) -> bytes:
        if page.template is None:
            return _XML_RENDERERS[page.kind](page.data())
        base_url = page.data()["site"]["base_url"]
        link = Linker(page.path, base_url, absolute_links=page.absolute_links)
        canonical = link.absolute(page.url) if is_absolute(base_url) else None
        html = self.env.get_template(page.template).render(
            page.data(),
            url=link.url,
            absolute=link.absolute,
            base_url=base_url,
            page={
                "path": page.path,
                "url": page.url,
                "kind": page.kind,
                "title": page.title,
                "canonical": canonical,
            },
        )
        return html.encode("utf-8")
