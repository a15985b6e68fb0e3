"""What a template shows of an article or a bulletin: cards, list items, navigation.

Plain dicts made from the site model, shared by every page that lists the same article
(:func:`article_card` is computed once per article), so page contexts stay JSON-like data
(huikan.site.pages).
"""

from __future__ import annotations

from typing import Any

from huikan.site.markup import excerpt
from huikan.site.model import ArticleEntry, BulletinEntry
from huikan.site.textutil import format_date


def article_card(a: ArticleEntry) -> dict[str, Any]:
    """What a list item needs to show an article (computed once per article and shared, so
    callers must copy before changing it)."""
    if a.card_cache is None:
        a.card_cache = _make_card(a)
    return a.card_cache


def _make_card(a: ArticleEntry) -> dict[str, Any]:
    return {
        "title": a.title,
        "url": a.url,
        "subtitle": a.article.subtitle,
        "date": a.date,
        "date_text": format_date(a.date),
        "cluster": a.cluster.name,
        "cluster_url": f"clusters/{a.cluster.slug}/",
        "bulletin": a.bulletin.display_title(),
        "bulletin_url": a.bulletin.url,
        "column": a.article.column,
        "byline": a.article.byline,
        "excerpt": excerpt(a.lead, 90),
    }


def bulletin_card(b: BulletinEntry) -> dict[str, Any]:
    m = b.meta
    return {
        "title": b.title,
        "display_title": b.display_title(),
        "url": b.url,
        "number": m.number,
        "publisher": m.publisher,
        "date": b.date,
        "date_text": format_date(b.date),
        "article_count": len(b.articles),
        "articles": [{"title": a.title, "url": a.url} for a in b.articles],
    }


def bulletin_nav(b: BulletinEntry | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {"display_title": b.display_title(), "url": b.url, "date_text": format_date(b.date)}


def original_link(a: ArticleEntry) -> dict[str, Any]:
    b = a.bulletin
    if b.is_pdf:
        page = a.article.page
        return {
            "url": b.original_url + (f"#page={page}" if page else ""),
            "label": f"原文 PDF 第{page}页" if page else "原文 PDF",
            "kind": "pdf",
            "page": page,
        }
    return {"url": b.original_url, "label": "原文（文本）", "kind": "text", "page": None}


def group_articles(b: BulletinEntry) -> list[dict[str, Any]]:
    """Articles grouped by printed column or by cluster, whichever gives fewer groups.

    A bulletin whose every article has its own column reads better by cluster; one with a
    few columns (理论, 园区 …) reads better by column. Column groups keep reading order
    (consecutive runs); cluster groups keep first-appearance order. Ties go to columns.
    """
    arts = b.articles
    by_column: list[dict[str, Any]] = []
    if any(a.article.column for a in arts):
        current = None
        for a in arts:
            label = a.article.column or current or "其他"
            if not by_column or label != current:
                by_column.append({"label": label, "url": None, "articles": []})
                current = label
            by_column[-1]["articles"].append(bulletin_item(a))
    by_cluster: list[dict[str, Any]] = []
    index: dict[str, dict[str, Any]] = {}
    for a in arts:
        g = index.get(a.cluster.name)
        if g is None:
            g = {"label": a.cluster.name, "url": f"clusters/{a.cluster.slug}/", "articles": []}
            index[a.cluster.name] = g
            by_cluster.append(g)
        g["articles"].append(bulletin_item(a))
    if by_column and len(by_column) <= len(by_cluster):
        return by_column
    return by_cluster


def bulletin_item(a: ArticleEntry) -> dict[str, Any]:
    return {**article_card(a), "page": a.article.page}
