"""What changed between two builds, as the JSON-ready report (``huikan diff --json``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from huikan.diff.builds import ArticleInfo, Build, load_build, search_size
from huikan.diff.labels import KIND_LABELS


def _pair(
    removed: list[Any], added: list[Any], keys: Iterable[Callable[[Any], tuple]]
) -> list[tuple[Any, Any]]:
    """Pair removed and added items that share a key, when the pairing is unambiguous; the
    paired items are taken out of both lists."""
    pairs = []
    for key in keys:
        by_old: dict[tuple, list[Any]] = {}
        by_new: dict[tuple, list[Any]] = {}
        for x in removed:
            by_old.setdefault(key(x), []).append(x)
        for x in added:
            by_new.setdefault(key(x), []).append(x)
        taken: set[int] = set()
        for k, olds in by_old.items():
            news = by_new.get(k, [])
            if all(k) and len(olds) == 1 and len(news) == 1:
                pairs.append((olds[0], news[0]))
                taken |= {id(olds[0]), id(news[0])}
        removed[:] = [x for x in removed if id(x) not in taken]
        added[:] = [x for x in added if id(x) not in taken]
    return pairs


def _article_json(a: ArticleInfo, bulletins: dict[str, dict[str, Any]]) -> dict[str, Any]:
    b = bulletins.get(a.bulletin, {})
    return {
        "url": a.url,
        "title": a.title,
        "bulletin": a.bulletin,
        "bulletin_title": b.get("title"),
        "cluster": a.cluster,
        "date": a.date,
    }


def _article_changes(old: ArticleInfo, new: ArticleInfo) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if old.url != new.url:
        changes["url"] = [old.url, new.url]
    for name in ("title", "cluster", "subtitle", "column"):
        if getattr(old, name) != getattr(new, name):
            changes[name] = [getattr(old, name), getattr(new, name)]
    if old.text_sha256 != new.text_sha256:
        changes["text"] = True
    return changes


BULLETIN_FIELDS = ("title", "number", "date", "publisher", "source_file", "articles")


def _bulletin_json(b: dict[str, Any]) -> dict[str, Any]:
    return {k: b.get(k) for k in ("slug", "url", *BULLETIN_FIELDS)}


def _bulletin_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if old["slug"] != new["slug"]:
        changes["slug"] = [old["slug"], new["slug"]]
    for name in BULLETIN_FIELDS:
        if old.get(name) != new.get(name):
            changes[name] = [old.get(name), new.get(name)]
    if old.get("source_sha256") != new.get("source_sha256"):
        changes["source"] = True
    return changes


def _order(a: ArticleInfo) -> tuple:
    return (a.date or "", a.bulletin, a.index if a.index is not None else 1 << 30, a.url)


def _warning_key(w: dict[str, Any]) -> tuple:
    return (w.get("code"), w.get("message"), w.get("article"))


def compare(old: Build, new: Build) -> dict[str, Any]:
    """The difference between two builds as JSON-ready data (the ``--json`` output)."""
    added_b, removed_b, changed_b, moved_b = _bulletin_diff(old, new)
    added_a, removed_a, changed_a = _article_diff(old, new)
    pages = _page_diff(old, new)
    # what the report says about the bulletins this change touches
    touched = {b["slug"] for b in added_b} | {c["slug"] for c in changed_b}
    touched |= {a.bulletin for a in added_a} | {c["bulletin"] for c in changed_a}
    touched &= set(new.bulletins)
    old_slug = {n["slug"]: o["slug"] for o, n in moved_b}
    old_errors = {(e.get("file"), e.get("reason")) for e in old.manifest.get("errors") or []}
    errors = [
        e
        for e in new.manifest.get("errors") or []
        if (e.get("file"), e.get("reason")) not in old_errors
    ]
    s_old, s_new = search_size(old), search_size(new)
    result = {
        "old": _totals(old),
        "new": _totals(new),
        "bulletins": {
            "added": [_bulletin_json(b) for b in added_b],
            "removed": [_bulletin_json(b) for b in removed_b],
            "changed": changed_b,
        },
        "articles": {
            "added": [_article_json(a, new.bulletins) for a in added_a],
            "removed": [_article_json(a, old.bulletins) for a in removed_a],
            "changed": changed_a,
        },
        "pages": pages,
        "search": {"old": s_old, "new": s_new} if (s_old or s_new) else None,
        "warnings": _warnings(old, new, sorted(touched), old_slug),
        "errors": errors,
        "reviews": _reviews(new, sorted(touched)),
        "ocr": _ocr(new, sorted(touched)),
    }
    lists = (added_b, removed_b, changed_b, added_a, removed_a, changed_a, errors)
    page_lists = (pages["added"], pages["removed"], pages["changed"])
    result["identical"] = not any(lists) and not any(page_lists)
    return result


Bulletin = dict[str, Any]  # a bulletin's entry in manifest.json


def _bulletin_diff(
    old: Build, new: Build
) -> tuple[list[Bulletin], list[Bulletin], list[dict[str, Any]], list[tuple[Bulletin, Bulletin]]]:
    """Bulletins added, removed and changed; paired by source file when their slug changed."""
    removed_b = [old.bulletins[s] for s in sorted(old.bulletins) if s not in new.bulletins]
    added_b = [new.bulletins[s] for s in sorted(new.bulletins) if s not in old.bulletins]
    moved_b = _pair(removed_b, added_b, [lambda b: (b.get("source_file"),)])
    changed_b = []
    common_b = [
        (old.bulletins[s], new.bulletins[s]) for s in sorted(new.bulletins) if s in old.bulletins
    ]
    for o, n in common_b + moved_b:
        changes = _bulletin_changes(o, n)
        if changes:
            changed_b.append({**_bulletin_json(n), "changes": changes})
    changed_b.sort(key=lambda c: c["slug"])
    return added_b, removed_b, changed_b, moved_b


def _article_diff(
    old: Build, new: Build
) -> tuple[list[ArticleInfo], list[ArticleInfo], list[dict[str, Any]]]:
    """Articles added, removed and changed; paired by (source file, title), then by (source
    file, text hash), when their URL changed."""
    removed_a = sorted((a for u, a in old.articles.items() if u not in new.articles), key=_order)
    added_a = sorted((a for u, a in new.articles.items() if u not in old.articles), key=_order)
    moved_a = _pair(
        removed_a,
        added_a,
        [lambda a: (a.source_file, a.title), lambda a: (a.source_file, a.text_sha256)],
    )
    changed_a = []
    common = [(old.articles[u], new.articles[u]) for u in new.articles if u in old.articles]
    for o, n in common + moved_a:
        changes = _article_changes(o, n)
        if changes:
            changed_a.append({**_article_json(n, new.bulletins), "changes": changes})
    changed_a.sort(key=lambda c: _order(new.articles[c["url"]]))
    return added_a, removed_a, changed_a


def _page_diff(old: Build, new: Build) -> dict[str, Any]:
    """Files added, removed and with new content, listed and counted by kind."""
    pages_added = sorted(p for p in new.pages if p not in old.pages)
    pages_removed = sorted(p for p in old.pages if p not in new.pages)
    pages_changed = sorted(
        p for p in new.pages if p in old.pages and new.pages[p]["sha256"] != old.pages[p]["sha256"]
    )
    by_kind: dict[str, dict[str, int]] = {}
    for name, paths, pages in (
        ("added", pages_added, new.pages),
        ("removed", pages_removed, old.pages),
        ("changed", pages_changed, new.pages),
    ):
        for p in paths:
            kind = pages[p].get("kind") or "other"
            by_kind.setdefault(kind, {"added": 0, "removed": 0, "changed": 0})[name] += 1

    def page_json(p: str, pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
        e = pages[p]
        return {"path": p, "url": e.get("url", p), "kind": e.get("kind"), "title": e.get("title")}

    return {
        "added": [page_json(p, new.pages) for p in pages_added],
        "removed": [page_json(p, old.pages) for p in pages_removed],
        "changed": [page_json(p, new.pages) for p in pages_changed],
        "by_kind": dict(sorted(by_kind.items(), key=lambda kv: _kind_order(kv[0]))),
    }


def _warnings(
    old: Build, new: Build, touched: list[str], old_slug: dict[str, str]
) -> list[dict[str, Any]]:
    """The ingest warnings of the bulletins this change touches; ``new`` marks those the old
    build did not have."""
    warnings = []
    for slug in touched:
        b = new.bulletins[slug]
        before = old.bulletins.get(old_slug.get(slug, slug), {})
        seen = {_warning_key(w) for w in before.get("warnings") or []}
        for w in b.get("warnings") or []:
            warnings.append(
                {
                    "bulletin": slug,
                    "bulletin_title": b.get("title"),
                    "source_file": b.get("source_file"),
                    "new": _warning_key(w) not in seen,
                    **w,
                }
            )
    return warnings


def _reviews(new: Build, touched: list[str]) -> list[dict[str, Any]]:
    """`huikan build --review`: where the split of each touched bulletin is drawn on its pages."""
    return [
        {
            "bulletin": slug,
            "bulletin_title": new.bulletins[slug].get("title"),
            "url": new.bulletins[slug]["review"],
        }
        for slug in touched
        if isinstance(new.bulletins[slug].get("review"), str)
    ]


def _ocr(new: Build, touched: list[str]) -> list[dict[str, Any]]:
    """Scanned bulletins this change touches: their text was read by OCR and needs a look."""
    return [
        {
            "bulletin": slug,
            "bulletin_title": new.bulletins[slug].get("title"),
            "source_file": new.bulletins[slug].get("source_file"),
            "pages": new.bulletins[slug]["ocr_pages"],
            "page_count": new.bulletins[slug].get("page_count"),
        }
        for slug in touched
        if new.bulletins[slug].get("ocr_pages")
    ]


def _kind_order(kind: str) -> tuple[int, str]:
    order = list(KIND_LABELS)
    return (order.index(kind) if kind in order else len(order), kind)


def _totals(b: Build) -> dict[str, Any]:
    return {
        "generator": b.generator,
        "base_url": (b.manifest.get("site") or {}).get("base_url"),
        "bulletins": len(b.bulletins),
        "articles": len(b.articles),
        "pages": len(b.pages),
    }


def diff_builds(old: str | Path, new: str | Path) -> dict[str, Any]:
    return compare(load_build(old), load_build(new))


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
