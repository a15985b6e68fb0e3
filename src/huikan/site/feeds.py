"""Atom feeds, sitemap.xml and robots.txt, written directly (no template needed).

Feeds and sitemaps need absolute URLs, so they use the configured base URL. When the base URL
is only a path (``/``), links are root-relative, which feed readers resolve against the
feed's own address; the build prints a hint to set a full ``base_url``.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from huikan.site.textutil import iso_datetime, w3c_date
from huikan.site.urls import Linker

_EPOCH = "1970-01-01T00:00:00+00:00"


def _x(s: str | None) -> str:
    return escape(s or "", {'"': "&quot;"})


def render_feed(ctx: dict[str, Any]) -> bytes:
    """An Atom 1.0 feed of the newest dated articles; ``updated`` comes from bulletin dates,
    never from the clock, so rebuilding gives the same bytes."""
    site, feed, entries = ctx["site"], ctx["feed"], ctx["entries"]
    link = Linker(feed["path"], site["base_url"])
    self_url = _x(link.absolute(feed["path"]))
    updated = max((iso_datetime(e["date"]) or _EPOCH for e in entries), default=_EPOCH)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{_x(site["language"])}">',
        f"  <title>{_x(feed['title'])}</title>",
        f"  <subtitle>{_x(site['description'])}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href="{self_url}"/>',
        f'  <link rel="alternate" type="text/html" href="{_x(link.absolute(feed["html_url"]))}"/>',
        f"  <id>{self_url}</id>",
        f"  <updated>{updated}</updated>",
        "  <generator>huikan</generator>",
    ]
    for e in entries:
        href = _x(link.absolute(e["url"]))
        out += [
            "  <entry>",
            f"    <title>{_x(e['title'])}</title>",
            f'    <link rel="alternate" type="text/html" href="{href}"/>',
            f"    <id>{href}</id>",
            f"    <updated>{iso_datetime(e['date']) or _EPOCH}</updated>",
            f"    <author><name>{_x(e['byline'] or e['bulletin'])}</name></author>",
            f'    <category term="{_x(e["cluster"])}"/>',
            f"    <summary>{_x(e['summary'])}</summary>",
            "  </entry>",
        ]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_sitemap(ctx: dict[str, Any]) -> bytes:
    """A sitemap (``urls``) or, on a site too large for one, the sitemap index
    (``sitemaps``: the sitemap files, see :func:`huikan.site.sitemap.sitemap_pages`)."""
    link = Linker(ctx.get("path", "sitemap.xml"), ctx["site"]["base_url"])
    index = "sitemaps" in ctx
    root, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for u in ctx["sitemaps"] if index else ctx["urls"]:
        out.append(f"  <{item}><loc>{_x(link.absolute(u['url']))}</loc>")
        if lastmod := w3c_date(u.get("lastmod")):
            out.append(f"    <lastmod>{lastmod}</lastmod>")
        out.append(f"  </{item}>")
    out.append(f"</{root}>")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_robots(ctx: dict[str, Any]) -> bytes:
    link = Linker("robots.txt", ctx["site"]["base_url"])
    lines = ["User-agent: *", "Allow: /", f"Sitemap: {link.absolute('sitemap.xml')}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
