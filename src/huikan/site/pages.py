"""Which pages the site has, and the plain data each one is rendered from.

Every page is described by a :class:`Page` whose ``context`` is JSON-like data only (no
objects, no rendered HTML). That makes a page's inputs hashable: when the hash equals the
previous build's, the page cannot have changed and is not rendered again.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from huikan.search.trend import trend_chart
from huikan.site import sitemap
from huikan.site.cards import (
    article_card,
    bulletin_card,
    bulletin_nav,
    group_articles,
    original_link,
)
from huikan.site.markup import excerpt
from huikan.site.model import ArticleEntry, BulletinEntry, ClusterEntry, SiteModel
from huikan.site.page import Page
from huikan.site.pagination import ClusterPaging
from huikan.site.pagination import page_window as page_window  # re-exported: was defined here
from huikan.site.textutil import UNDATED, format_date, parse_date
from huikan.site.urls import SEARCH_PAGE

FEED_SIZE = 50
HOME_BULLETINS = 8


class PagePlanner:
    """Turns the site model into the list of pages, each with its context."""

    def __init__(
        self,
        model: SiteModel,
        *,
        base_url: str,
        asset_version: str,
        sitemap_max: int | None = None,
    ):
        self.model = model
        self.sitemap_max = sitemap_max or sitemap.SITEMAP_MAX
        cfg = model.config
        self.site = {
            "title": cfg.title,
            "description": cfg.description,
            "base_url": base_url,
            "language": cfg.language,
            "asset_version": asset_version,
        }
        self._site_key = json.dumps(self.site, ensure_ascii=False, sort_keys=True)

    def _ctx(self, **kw: Any) -> dict[str, Any]:
        return {"site": self.site, **kw}

    def pages(self, kept: Callable[[BulletinEntry], bool] | None = None) -> list[Page]:
        """Every page; with ``kept``, the article pages of the bulletins it accepts are left
        out (the build keeps their files as they are, see ``site.keys.article_group_key``) and
        listed in :attr:`kept_articles`; the sitemap still lists them."""
        m = self.model
        out = [self.home(), self.archive(), self.clusters_index(), self.not_found()]
        out.append(Page(SEARCH_PAGE, "search", "搜索", self._ctx(), "search.html"))
        self.kept_articles: list[ArticleEntry] = []
        bulletins = m.bulletins
        for i, b in enumerate(bulletins):
            newer = bulletins[i - 1] if i > 0 else None
            older = bulletins[i + 1] if i + 1 < len(bulletins) else None
            out.append(self.bulletin(b, newer, older))
            if kept is not None and kept(b):
                self.kept_articles += b.articles
            else:
                out += map(self.article, b.articles)
        for c in m.clusters:
            out.extend(self.cluster_pages(c))
            out.append(self.feed(c))
        out.append(self.feed(None))
        also = [(a.url, a.date) for a in self.kept_articles]
        out.extend(sitemap.sitemap_pages(out, self._ctx, self.sitemap_max, also=also))
        out.append(sitemap.robots_page(self._ctx))
        return out

    # -- HTML pages ------------------------------------------------------------------------
    def home(self) -> Page:
        m = self.model
        # The newest article of each cluster: a varied front page, unlike the latest issue.
        order = {b.slug: i for i, b in enumerate(m.bulletins)}  # newest first
        latest = sorted(
            (c.articles[0] for c in m.clusters), key=lambda a: (order[a.bulletin.slug], a.index)
        )
        ctx = self._ctx(
            bulletins=[bulletin_card(b) for b in m.bulletins[:HOME_BULLETINS]],
            bulletin_count=len(m.bulletins),
            article_count=sum(len(b.articles) for b in m.bulletins),
            clusters=[self._cluster_card(c) for c in m.clusters],
            latest_articles=[article_card(a) for a in latest],
        )
        return Page("index.html", "home", self.site["title"], ctx, "home.html")

    def _cluster_card(self, c: ClusterEntry) -> dict[str, Any]:
        newest = c.articles[0] if c.articles else None
        return {
            "name": c.cluster.name,
            "slug": c.cluster.slug,
            "url": c.url,
            "count": len(c.articles),
            "latest": article_card(newest) if newest else None,
        }

    def clusters_index(self) -> Page:
        ctx = self._ctx(clusters=[self._cluster_card(c) for c in self.model.clusters])
        return Page("clusters/index.html", "clusters", "产业集群", ctx, "clusters.html")

    def archive(self) -> Page:
        """Every bulletin's card by year and month, keyed by the bulletins' and articles'
        idents (what a card shows: titles, numbers, dates, article titles and URLs), so a
        rebuild does not lay out 5,000 cards to find the page unchanged."""
        bulletins = self.model.bulletins
        inputs = [self._site_key]
        for b in bulletins:
            inputs += [b.ident, *(a.ident for a in b.articles)]
        return Page(
            "archive/index.html",
            "archive",
            "往期归档",
            self._archive_context,
            "archive.html",
            inputs=inputs,
        )

    def _archive_context(self) -> dict[str, Any]:
        years: dict[int, dict[int | None, list[dict[str, Any]]]] = {}
        undated: list[dict[str, Any]] = []
        for b in self.model.bulletins:  # already newest first
            p = parse_date(b.date)
            if not p:
                undated.append(bulletin_card(b))
                continue
            years.setdefault(p[0], {}).setdefault(p[1], []).append(bulletin_card(b))
        year_list = []
        for y in sorted(years, reverse=True):
            months = years[y]
            month_list = [
                {
                    "month": mo,
                    "label": f"{mo}月" if mo else "月份不详",
                    "id": f"y{y}-m{mo:02d}" if mo else f"y{y}-m00",
                    "bulletins": months[mo],
                }
                for mo in sorted(months, key=lambda x: x or 0, reverse=True)
            ]
            count = sum(len(v) for v in months.values())
            year_list.append({"year": y, "id": f"y{y}", "months": month_list, "count": count})
        return self._ctx(years=year_list, undated=undated, undated_label=UNDATED)

    def not_found(self) -> Page:
        return Page("404.html", "404", "页面未找到", self._ctx(), "404.html", absolute_links=True)

    def bulletin(
        self, b: BulletinEntry, newer: BulletinEntry | None, older: BulletinEntry | None
    ) -> Page:
        m = b.meta
        meta = {
            "bulletin": b.slug,
            "source_file": b.source_path.name,
            "date": b.date,
            "number": m.number,
        }
        inputs = [
            self._site_key,
            b.ident,
            "newer:" + (newer.ident if newer else ""),
            "older:" + (older.ident if older else ""),
            *(a.ident for a in b.articles),
        ]
        return Page(
            f"{b.slug}/index.html",
            "bulletin",
            b.display_title(),
            lambda: self._bulletin_context(b, newer, older),
            "bulletin.html",
            meta,
            inputs=inputs,
        )

    def _bulletin_context(
        self, b: BulletinEntry, newer: BulletinEntry | None, older: BulletinEntry | None
    ) -> dict[str, Any]:
        m = b.meta
        return self._ctx(
            bulletin={
                **bulletin_card(b),
                "source_file": b.source_path.name,
                "pages": m.pages,
                "preface": m.preface,
                "original_url": b.original_url,
                "original_name": b.file_name,
                "original_kind": "pdf" if b.is_pdf else "text",
            },
            groups=group_articles(b),
            newer=bulletin_nav(newer),
            older=bulletin_nav(older),
        )

    def article(self, a: ArticleEntry) -> Page:
        b, art = a.bulletin, a.article
        meta = {
            "bulletin": b.slug,
            "source_file": b.source_path.name,
            "date": a.date,
            "cluster": a.cluster.name,
            "cluster_slug": a.cluster.slug,
            "article_title": art.title,
            "subtitle": art.subtitle,
            "column": art.column,
            "page": art.page,
            "index": a.index,  # reading order in the bulletin (huikan diff lists by it)
            "text_sha256": a.text_sha256(),
        }
        # every field of `meta` (the bulletin's result, slug and file; the article's place
        # and cluster) is named by its ident: the key need not hash `meta` as well
        return Page(
            a.page_path,
            "article",
            art.title,
            lambda: self._article_context(a),
            "article.html",
            meta,
            inputs=self.article_inputs(a),
            key_meta=False,
        )

    def article_inputs(self, a: ArticleEntry) -> list[str]:
        """What an article page is made from besides the code (its key's inputs): the
        site-wide values, its ident (its bulletin's, so its neighbours in the bulletin too)
        and those of its related articles."""
        return [self._site_key, a.ident, *(r.ident for r in a.related)]

    def _article_context(self, a: ArticleEntry) -> dict[str, Any]:
        b = a.bulletin
        arts = b.articles
        prev_a = arts[a.index - 1] if a.index > 0 else None
        next_a = arts[a.index + 1] if a.index + 1 < len(arts) else None
        art = a.article
        return self._ctx(
            article={
                "title": art.title,
                "subtitle": art.subtitle,
                "column": art.column,
                "cluster": a.cluster.name,
                "cluster_url": f"clusters/{a.cluster.slug}/",
                "byline": art.byline,
                "source": art.source,
                "page": art.page,
                "date": a.date,
                "date_text": format_date(a.date),
                "url": a.url,
                "body": a.body_markdown,
                "description": excerpt(a.lead, 120),
            },
            bulletin={
                "display_title": b.display_title(),
                "title": b.title,
                "number": b.meta.number,
                "publisher": b.meta.publisher,
                "url": b.url,
                "date_text": format_date(b.date),
            },
            original=original_link(a),
            prev={"title": prev_a.title, "url": prev_a.url} if prev_a else None,
            next={"title": next_a.title, "url": next_a.url} if next_a else None,
            related=[article_card(r) for r in a.related],
        )

    def cluster_pages(self, c: ClusterEntry) -> list[Page]:
        """A cluster's landing page (its newest articles, the count and the trend chart) and
        its numbered pages, numbered from the oldest article so that a new issue changes only
        a few pages at the newest end, never the whole cluster (with newest-first numbering
        every page of every cluster the issue touches shifted; see
        :class:`~huikan.site.pagination.ClusterPaging`).
        """
        paging = ClusterPaging.of(c.url, len(c.articles), self.model.config.per_page)
        info = {
            "name": c.cluster.name,
            "slug": c.cluster.slug,
            "url": c.url,
            "count": len(c.articles),
            "feed_url": f"{c.url}feed.xml",
        }
        pages = [self._cluster_landing(c, paging, info)]
        pages += (self._cluster_page(c, paging, info, k) for k in range(1, paging.landing_n + 1))
        return pages

    def _cluster_landing(
        self, c: ClusterEntry, paging: ClusterPaging, info: dict[str, Any]
    ) -> Page:
        """The cluster's landing page. No ``inputs``: the trend chart and count change with
        every issue of the cluster, so its key hashes the context."""
        arts = c.articles
        landing_cards = arts[: paging.on_landing]
        return Page(
            f"{c.url}index.html",
            "cluster",
            c.cluster.name,
            lambda: self._ctx(
                cluster=info,
                articles=[article_card(a) for a in landing_cards],
                trend=trend_chart([a.date for a in arts]),
                pagination=paging.nav(paging.landing_n + 1),
            ),
            "cluster.html",
            {"cluster": c.cluster.name, "page_number": 0},
        )

    def _cluster_page(
        self, c: ClusterEntry, paging: ClusterPaging, info: dict[str, Any], k: int
    ) -> Page:
        """Numbered page ``k`` of a cluster, keyed by its articles' idents and its links (they
        alone change it), so an old page is not rendered again when a new issue comes."""
        chunk = paging.chunk(c.articles, k)
        links = paging.nav(k)
        return Page(
            f"{paging.page_url(k)}index.html",
            "cluster",
            f"{c.cluster.name}（第{k}页）",
            lambda: self._ctx(
                cluster={**info, "count": None, "page": k},
                articles=[article_card(a) for a in chunk],
                trend=None,
                pagination=links,
            ),
            "cluster.html",
            {"cluster": c.cluster.name, "page_number": k},
            inputs=[
                self._site_key,
                info["name"],
                info["url"],
                str(k),
                json.dumps(links, ensure_ascii=False, sort_keys=True),
                *(a.ident for a in chunk),
            ],
        )

    # -- XML and text ----------------------------------------------------------------------
    def feed(self, c: ClusterEntry | None) -> Page:
        arts = c.articles if c else (a for b in self.model.bulletins for a in b.articles)
        # the newest FEED_SIZE dated articles: stop there (testing every article's date of
        # the archive, once per feed, cost ~0.5 s a build at 80,000 articles)
        dated = list(itertools.islice((a for a in arts if parse_date(a.date)), FEED_SIZE))
        entries = [{**article_card(a), "summary": excerpt(a.lead, 200)} for a in dated]
        if c:
            path, title = f"{c.url}feed.xml", f"{self.site['title']} · {c.cluster.name}"
            html_url = c.url
        else:
            path, title, html_url = "feed.xml", self.site["title"], ""
        ctx = self._ctx(feed={"title": title, "path": path, "html_url": html_url}, entries=entries)
        meta = {"cluster": c.cluster.name} if c else {}
        return Page(path, "feed", title, ctx, None, meta)
