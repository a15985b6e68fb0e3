"""A page of the site: an output file and the plain data it is rendered from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """One output file produced by rendering (HTML via a template, or XML/text in Python)."""

    path: str  # file path inside the site, e.g. "2024-04-x/slug/index.html"
    kind: str  # home, bulletin, article, cluster, clusters, archive, feed, sitemap, ...
    title: str
    # The data it is rendered from, or a function making it: built on first use (data()),
    # so a page found unchanged by its ``inputs`` never builds it.
    context: dict[str, Any] | Callable[[], dict[str, Any]]
    template: str | None = None  # Jinja template; None for feeds/sitemap/robots
    meta: dict[str, Any] = field(default_factory=dict)  # extra manifest fields
    absolute_links: bool = False  # 404.html is served at any path: link from the base path
    # Strings from which the context is a pure function (idents of the bulletins and
    # articles shown, see site.model): what the page's key hashes. None: the key hashes the
    # context itself (pages that are few, or change with every new issue anyway).
    inputs: list[str] | None = None
    # Whether the key hashes ``meta`` too (its manifest entry must not change under an
    # unchanged key). False where the ``inputs`` already name everything ``meta`` holds:
    # the 80,000 article pages of a large archive, whose meta (the article's bulletin,
    # place, cluster and result fields) its ident covers — repr() of 80,000 dicts was
    # ~0.4 s of every rebuild.
    key_meta: bool = True

    def data(self) -> dict[str, Any]:
        """The context, made on first use."""
        if callable(self.context):
            self.context = self.context()
        return self.context

    @property
    def url(self) -> str:
        """The URL path users see: ``"a/b/"`` for ``"a/b/index.html"``."""
        if self.path == "index.html":
            return ""
        if self.path.endswith("/index.html"):
            return self.path[: -len("index.html")]
        return self.path
