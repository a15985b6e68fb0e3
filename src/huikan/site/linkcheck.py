"""Check that every internal link and asset of a built site resolves to a file.

Used by the tests and usable on any build (``python -m huikan.site.linkcheck build/
https://example.org/pr-42/``): HTML ``href``/``src``/``action`` attributes, ``#fragment``
targets, and the URLs in feeds and the sitemap. External links are not fetched.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from huikan.site.urls import base_path, normalize_base_url

_LINK_ATTRS = {"href", "src", "action"}
_XML_URL = re.compile(r'(?:href="([^"]+)"|<loc>([^<]+)</loc>|<id>([^<]+)</id>)')


@dataclass
class BrokenLink:
    page: str  # the file that links, relative to the site root
    link: str  # the link as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link} ({self.reason})"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in _LINK_ATTRS:
                self.links.append(value)
            elif name == "content" and value.startswith(("http://", "https://")):
                self.links.append(value)  # og:url


def _page_url(rel: str, origin: str, prefix: str) -> str:
    """The URL a file is served at: ``a/b/index.html`` → ``origin/prefix/a/b/``."""
    url_path = rel[: -len("index.html")] if rel.endswith("index.html") else rel
    return origin + prefix + url_path


def check_site(site: Path, base_url: str = "/") -> list[BrokenLink]:
    """All broken internal links in ``site`` as it would be served at ``base_url``."""
    base_url = normalize_base_url(base_url)
    prefix = base_path(base_url)
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://site.invalid"
    broken: list[BrokenLink] = []
    ids: dict[str, set[str]] = {}
    pending: list[tuple[str, str, str]] = []  # (page, link as written, absolute url)

    files = sorted(p for p in site.rglob("*") if p.is_file())
    for f in files:
        rel = f.relative_to(site).as_posix()
        if f.suffix == ".html":
            c = _Collector()
            c.feed(f.read_text("utf-8"))
            ids[rel] = c.ids
            here = _page_url(rel, origin, prefix)
            pending += [(rel, link, urljoin(here, link)) for link in c.links]
        elif f.suffix == ".xml":
            here = _page_url(rel, origin, prefix)
            for m in _XML_URL.finditer(f.read_text("utf-8")):
                link = next(g for g in m.groups() if g).replace("&amp;", "&")
                if link.startswith("http://www.w3.org/") or "sitemaps.org/" in link:
                    continue
                pending.append((rel, link, urljoin(here, link)))

    for page, link, absolute in pending:
        u = urlsplit(absolute)
        if u.scheme not in ("http", "https") or f"{u.scheme}://{u.netloc}" != origin:
            continue  # external (or mailto:, tel:)
        path = unquote(u.path)
        if not path.startswith(prefix):
            broken.append(BrokenLink(page, link, f"outside the site's base path {prefix}"))
            continue
        rel = path[len(prefix) :]
        target = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        file = site / target
        if not file.is_file():
            if (site / rel).is_dir():
                reason = "folder link without a trailing slash"
            else:
                reason = "no such file"
            broken.append(BrokenLink(page, link, reason))
            continue
        if u.fragment and target.endswith(".html"):
            frag = unquote(u.fragment)
            if not frag.startswith("page=") and frag not in ids.get(target, set()):
                broken.append(BrokenLink(page, link, f"no element with id {frag!r}"))
    return broken


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m huikan.site.linkcheck SITE_DIR [BASE_URL]", file=sys.stderr)
        return 2
    broken = check_site(Path(args[0]), args[1] if len(args) > 1 else "/")
    for b in broken:
        print(b)
    print(f"{len(broken)} broken links")
    return 1 if broken else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
