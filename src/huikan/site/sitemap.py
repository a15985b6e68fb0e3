"""sitemap.xml (or, past the protocol's limit, a sitemap index and its sitemaps) and
robots.txt: which pages they list, as :class:`Page` records rendered by ``site.feeds``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from huikan.site.page import Page
from huikan.site.textutil import parse_date

SITEMAP_MAX = 50_000  # URLs in one sitemap: the protocol's limit (sitemaps.org)


def sitemap_pages(
    pages: list[Page],
    ctx: Callable[..., dict[str, Any]],
    max_urls: int = SITEMAP_MAX,
    also: Sequence[tuple[str, Any]] = (),
) -> list[Page]:
    """sitemap.xml: every HTML page but 404 and search; when there are more than a
    sitemap may list (:data:`SITEMAP_MAX`), a sitemap index of one sitemap per year of
    the pages' dates (``sitemaps/<year>.xml``; ``-2``, ``-3`` … when a year alone is too
    many; ``sitemaps/pages.xml`` for undated pages). By year, not in slices of the sorted
    list, so that a new issue changes its year's file and the index, not every file after
    the first new URL. ``also``: (URL, date) of HTML pages not in ``pages`` (article pages
    the build keeps without planning them)."""
    urls = []
    for p in pages:
        if p.template and p.kind not in ("404", "search"):
            urls.append({"url": p.url, "lastmod": p.meta.get("date")})
    urls += [{"url": url, "lastmod": date} for url, date in also]
    urls.sort(key=lambda u: u["url"])
    site = json.dumps(ctx(), ensure_ascii=False, sort_keys=True, default=str)
    if len(urls) <= max_urls:
        return [
            Page(
                "sitemap.xml", "sitemap", "sitemap", ctx(urls=urls), inputs=_inputs(site, "", urls)
            )
        ]
    years: dict[str, list[dict[str, Any]]] = {}
    for u in urls:
        parsed = parse_date(u["lastmod"])
        years.setdefault(str(parsed[0]) if parsed else "pages", []).append(u)
    out, index = [], []
    for year in sorted(years):
        group = years[year]
        parts = range(0, len(group), max_urls)
        for k, i in enumerate(parts, start=1):
            part = group[i : i + max_urls]
            path = f"sitemaps/{year}.xml" if len(parts) == 1 else f"sitemaps/{year}-{k}.xml"
            out.append(
                Page(
                    path,
                    "sitemap",
                    "sitemap",
                    ctx(urls=part, path=path),
                    inputs=_inputs(site, path, part),
                )
            )
            dates = [u["lastmod"] for u in part if u["lastmod"]]
            index.append({"url": path, "lastmod": max(dates) if dates else None})
    out.append(Page("sitemap.xml", "sitemap", "sitemap", ctx(sitemaps=index)))
    return out


def _inputs(site: str, path: str, urls: list[dict[str, Any]]) -> list[str]:
    """What a sitemap file is rendered from, as the page's key inputs (huikan.site.keys.page_key):
    hashing these strings costs a fraction of a JSON dump of its ~50,000 URLs, and a new
    issue changes one year's file, so the other years' files are neither dumped nor
    rendered."""
    return [
        site,
        path,
        *(f"{u['url']}\x1f{'' if u['lastmod'] is None else '=' + str(u['lastmod'])}" for u in urls),
    ]


def robots_page(ctx: Callable[..., dict[str, Any]]) -> Page:
    return Page("robots.txt", "robots", "robots.txt", ctx())
