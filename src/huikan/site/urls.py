"""Links that work wherever the site is served.

Pages link to each other with *relative* URLs (``../../clusters/new-energy/``), so the same
files work at the site root, under a sub-path (``https://example.org/pr-42/``) and even from a
downloaded preview artifact. Only places that need absolute URLs (feeds, sitemap, canonical
and Open Graph URLs) use the configured base URL. The 404 page is served at arbitrary paths,
so it links from the base path instead.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urlsplit

# The search page's folder: its index.html, and the search index's files beside it.
SEARCH_DIR = "search"
SEARCH_PAGE = SEARCH_DIR + "/index.html"

# Characters left alone when percent-encoding a site path (CJK is encoded).
_SAFE = "/-._~!$&'()*+,;=:@#?%"


def normalize_base_url(base_url: str | None) -> str:
    """``"https://x.org/pr-42"`` → ``"https://x.org/pr-42/"``; empty → ``"/"``."""
    b = (base_url or "/").strip()
    if not b.endswith("/"):
        b += "/"
    return b


def base_path(base_url: str) -> str:
    """The path part of the base URL: ``"https://x.org/pr-42/"`` → ``"/pr-42/"``."""
    parts = urlsplit(base_url)
    path = parts.path or "/"
    return path if path.endswith("/") else path + "/"


def is_absolute(base_url: str) -> bool:
    parts = urlsplit(base_url)
    return bool(parts.scheme and parts.netloc)


@lru_cache(maxsize=1 << 16)
def encode_path(path: str) -> str:
    """Percent-encode a site path for use in an ``href`` or an XML document.

    Cached: a page links the same articles, clusters and bulletins that many other pages link
    (an article is linked from its neighbours' related lists, its bulletin and its cluster's
    pages), and ``quote`` was a twentieth of the time it takes to render the pages."""
    return quote(path, safe=_SAFE)


def page_dir(path: str) -> str:
    """The URL directory of an output file: ``"a/b/index.html"`` → ``"a/b/"``."""
    i = path.rfind("/")
    return path[: i + 1] if i >= 0 else ""


class Linker:
    """Makes links for the page at ``current`` (a site path such as ``"a/b/index.html"``)."""

    def __init__(self, current: str, base_url: str, *, absolute_links: bool = False):
        self.base_url = normalize_base_url(base_url)
        self.base_path = base_path(self.base_url)
        self.absolute_links = absolute_links
        depth = page_dir(current).count("/")
        self._up = "../" * depth

    def url(self, target: str = "") -> str:
        """The href for a site-relative target (``"search/"``, ``"assets/site.css"``, ``""``)."""
        target = target.lstrip("/")
        if self.absolute_links:
            return encode_path(self.base_path + target)
        if not target:
            return self._up or "./"
        return self._up + encode_path(target)  # "../" needs no encoding

    def absolute(self, target: str = "") -> str:
        """The full URL (base URL + path), for feeds, sitemap, canonical and og:url."""
        return self.base_url + encode_path(target.lstrip("/"))
