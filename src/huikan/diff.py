"""``huikan diff OLD NEW``: what a pull request changes on the site, from two builds' manifests.

Reviewers read this as a PR comment, so it says in Chinese what an editor did: bulletins and
articles added, removed or changed (title, cluster old → new, text), pages whose content
changed, the search-index size, and the ingest warnings of the bulletins the PR touches.

Articles are matched across builds by URL (derived from the bulletin slug and the title, so
stable). An article that moved — its bulletin got a new slug, or its title changed — is paired
with its old self when exactly one removed and one added article share the source file and
the title, or the source file and the text hash; it is then shown as one change
(``标题：旧 → 新``) instead of a removal plus an addition.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_ROWS = 100  # per Markdown table; the JSON report always has everything
SEARCH_STATS = ("index", "store", "manifest")


class DiffError(Exception):
    """A build to compare is missing or unreadable."""


@dataclass
class ArticleInfo:
    url: str
    title: str
    bulletin: str  # bulletin slug
    source_file: str
    cluster: str
    text_sha256: str
    subtitle: str | None = None
    column: str | None = None
    date: str | None = None
    index: int | None = None  # reading order in its bulletin, when the manifest has it


@dataclass
class Build:
    """The parts of a manifest the diff compares."""

    manifest: dict[str, Any]
    folder: Path | None  # the build folder, when the manifest sits in one
    bulletins: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> entry
    articles: dict[str, ArticleInfo] = field(default_factory=dict)  # url -> article
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> page entry

    @property
    def generator(self) -> str | None:
        return self.manifest.get("generator")


def load_build(path: str | Path) -> Build:
    """A build folder (with ``manifest.json``) or a manifest file. ``{}`` is an empty build."""
    path = Path(path)
    file = path / "manifest.json" if path.is_dir() else path
    if not file.is_file():
        raise DiffError(f"找不到 {file}（先用 huikan build 构建）")
    try:
        m = json.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DiffError(f"{file} 不是有效的 manifest.json：{e}") from e
    if not isinstance(m, dict):
        raise DiffError(f"{file} 不是有效的 manifest.json")
    b = Build(manifest=m, folder=file.parent)
    for entry in m.get("bulletins") or []:
        b.bulletins[entry["slug"]] = entry
    for p in m.get("pages") or []:
        b.pages[p["path"]] = p
        if p.get("kind") == "article":
            url = p.get("url") or p["path"]
            b.articles[url] = ArticleInfo(
                url=url,
                title=p.get("article_title") or p.get("title") or "",
                bulletin=p.get("bulletin") or "",
                source_file=p.get("source_file") or "",
                cluster=p.get("cluster") or "",
                text_sha256=p.get("text_sha256") or "",
                subtitle=p.get("subtitle"),
                column=p.get("column"),
                date=p.get("date"),
                index=p.get("index"),
            )
    return b


# -- comparing -------------------------------------------------------------------------------
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


def search_size(build: Build) -> dict[str, Any] | None:
    """Raw and gzip bytes of the search index (index shards + document store + manifest)."""
    s = build.manifest.get("search")
    if isinstance(s, dict) and all(f"{k}_bytes" in s for k in SEARCH_STATS):
        raw = sum(int(s[f"{k}_bytes"]) for k in SEARCH_STATS)
        gz = (
            sum(int(s[f"{k}_gzip"]) for k in SEARCH_STATS)
            if all(f"{k}_gzip" in s for k in SEARCH_STATS)
            else None
        )
        extra = {k: s[k] for k in ("docs", "terms", "shards") if k in s}
        return {"raw": raw, "gzip": gz, **extra}
    files = [p for p in build.pages.values() if p.get("kind") == "search-index"]
    if not files:
        return None
    raw = sum(int(p.get("size") or 0) for p in files)
    gz: int | None = None
    if build.folder is not None and all((build.folder / p["path"]).is_file() for p in files):
        gz = sum(
            len(gzip.compress((build.folder / p["path"]).read_bytes(), 6, mtime=0)) for p in files
        )
    return {"raw": raw, "gzip": gz, "files": len(files)}


def _warning_key(w: dict[str, Any]) -> tuple:
    return (w.get("code"), w.get("message"), w.get("article"))


def compare(old: Build, new: Build) -> dict[str, Any]:
    """The difference between two builds as JSON-ready data (the ``--json`` output)."""
    # bulletins, paired by source file when their slug changed
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

    # articles, paired by (source file, title) then (source file, text hash)
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

    # pages
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

    # warnings of the bulletins this change touches
    touched = {b["slug"] for b in added_b} | {c["slug"] for c in changed_b}
    touched |= {a.bulletin for a in added_a} | {c["bulletin"] for c in changed_a}
    touched &= set(new.bulletins)
    old_slug = {n["slug"]: o["slug"] for o, n in moved_b}
    warnings = []
    for slug in sorted(touched):
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
    # `huikan build --review`: where the split of each touched bulletin is drawn on its pages
    reviews = [
        {
            "bulletin": slug,
            "bulletin_title": new.bulletins[slug].get("title"),
            "url": new.bulletins[slug]["review"],
        }
        for slug in sorted(touched)
        if isinstance(new.bulletins[slug].get("review"), str)
    ]
    # scanned bulletins this change touches: their text was read by OCR and needs a look
    ocr = [
        {
            "bulletin": slug,
            "bulletin_title": new.bulletins[slug].get("title"),
            "source_file": new.bulletins[slug].get("source_file"),
            "pages": new.bulletins[slug]["ocr_pages"],
            "page_count": new.bulletins[slug].get("page_count"),
        }
        for slug in sorted(touched)
        if new.bulletins[slug].get("ocr_pages")
    ]
    old_errors = {(e.get("file"), e.get("reason")) for e in old.manifest.get("errors") or []}
    errors = [
        e
        for e in new.manifest.get("errors") or []
        if (e.get("file"), e.get("reason")) not in old_errors
    ]

    s_old, s_new = search_size(old), search_size(new)
    search = None
    if s_old or s_new:
        search = {"old": s_old, "new": s_new}

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
        "pages": {
            "added": [page_json(p, new.pages) for p in pages_added],
            "removed": [page_json(p, old.pages) for p in pages_removed],
            "changed": [page_json(p, new.pages) for p in pages_changed],
            "by_kind": dict(sorted(by_kind.items(), key=lambda kv: _kind_order(kv[0]))),
        },
        "search": search,
        "warnings": warnings,
        "errors": errors,
        "reviews": reviews,
        "ocr": ocr,
    }
    lists = (added_b, removed_b, changed_b, added_a, removed_a, changed_a, errors)
    result["identical"] = not any(lists) and not (pages_added or pages_removed or pages_changed)
    return result


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


# -- Markdown --------------------------------------------------------------------------------
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~$"})

KIND_LABELS = {
    "home": "首页",
    "bulletin": "简报页",
    "article": "文章页",
    "cluster": "产业集群页",
    "clusters": "产业集群总览",
    "archive": "归档",
    "feed": "订阅源（Atom）",
    "sitemap": "站点地图",
    "robots": "robots.txt",
    "404": "404 页",
    "search": "搜索页",
    "search-index": "搜索索引文件",
    "asset": "样式与脚本",
    "original": "简报原件",
}
FIELD_LABELS = {
    "url": "网址",
    "slug": "网址",
    "title": "标题",
    "cluster": "产业集群",
    "subtitle": "副标题",
    "column": "栏目",
    "number": "期号",
    "date": "日期",
    "publisher": "编印单位",
    "source_file": "原文件名",
    "articles": "文章数",
}


def md(text: Any) -> str:
    """Text safe inside Markdown (and a table cell): specials escaped, one line."""
    if text is None or text == "":
        return "—"
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def _kb(n: int | None) -> str:
    if n is None:
        return "—"
    if abs(n) >= 1024 * 1024:
        return f"{n / 1024 / 1024:.2f} MB"
    return f"{n / 1024:.1f} KB"


def _delta(old: int | None, new: int | None, unit: Callable[[int], str] | None = None) -> str:
    if old is None or new is None:
        return "—"
    d = new - old
    if d == 0:
        return "不变"
    text = unit(abs(d)) if unit else str(abs(d))
    sign = "+" if d > 0 else "−"
    pct = f"（{sign}{abs(d) / old * 100:.1f}%）" if old and unit else ""
    return f"{sign}{text}{pct}"


def _link(title: str, url: str | None, preview: str | None) -> str:
    if not preview or url is None:
        return md(title)
    from huikan.site.urls import encode_path

    return f"[{md(title)}]({preview}{encode_path(url)})"


def _table(head: list[str], rows: list[list[str]], more_note: str = "") -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows[:MAX_ROWS]:
        out.append("| " + " | ".join(r) + " |")
    if len(rows) > MAX_ROWS:
        out += ["", f"……另有 {len(rows) - MAX_ROWS} 项未列出{more_note}。"]
    return out


def _details(summary: str, body: list[str], open_: bool) -> list[str]:
    if open_:
        return [f"**{summary}**", "", *body, ""]
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _change_text(changes: dict[str, Any]) -> str:
    parts = []
    for k, v in changes.items():
        if k == "text":
            parts.append("正文有改动")
        elif k == "source":
            parts.append("原文件内容已更换")
        else:
            parts.append(f"{FIELD_LABELS.get(k, k)}：{md(v[0])} → {md(v[1])}")
    return "；".join(parts)


def _date(d: str | None) -> str:
    from huikan.site.textutil import format_date

    return md(format_date(d) if d else None)


def render_markdown(d: dict[str, Any], *, preview_url: str | None = None) -> str:
    """The report for a PR comment. ``preview_url`` (the preview's base URL) turns the titles
    of added and changed items into links to their preview pages."""
    if preview_url and not preview_url.endswith("/"):
        preview_url += "/"
    o, n = d["old"], d["new"]
    lines = ["### 汇刊：本次修改对网站的影响", ""]
    b, a, pg = d["bulletins"], d["articles"], d["pages"]
    if d["identical"]:
        lines += ["两次构建的网站内容完全相同。", ""]
    else:
        summary = []
        for label, items in (("新增", "added"), ("删除", "removed"), ("修改", "changed")):
            part = []
            if b[items]:
                part.append(f"{len(b[items])} 期简报")
            if a[items]:
                part.append(f"{len(a[items])} 篇文章")
            if part:
                summary.append(f"{label} {'、'.join(part)}")
        page_count = len(pg["added"]) + len(pg["removed"]) + len(pg["changed"])
        summary.append(f"{page_count} 个文件有变化")
        lines += ["；".join(summary) + "。", ""]

    rows = [
        [label, str(o[key]), str(n[key]), _delta(o[key], n[key])]
        for label, key in (
            ("简报（期）", "bulletins"),
            ("文章（篇）", "articles"),
            ("文件（个）", "pages"),
        )
    ]
    s = d.get("search")
    if s:
        so, sn = s.get("old") or {}, s.get("new") or {}
        for label, key in (("搜索索引（原始）", "raw"), ("搜索索引（gzip）", "gzip")):
            rows.append(
                [label, _kb(so.get(key)), _kb(sn.get(key)), _delta(so.get(key), sn.get(key), _kb)]
            )
    lines += _table(["", "基准", "本次", "变化"], [[f"**{r[0]}**", *r[1:]] for r in rows])
    lines.append("")

    if d.get("ocr"):
        from huikan.ingest.ocr.notice import NOTICE, ocr_detail

        lines += [f"#### {NOTICE}", ""]
        for o in d["ocr"]:
            title = o.get("bulletin_title") or o["bulletin"]
            detail = ocr_detail(o["pages"], o.get("page_count"))
            lines.append(f"- {md(title)}（`{o.get('source_file')}`）：{detail}")
        lines.append("")

    if d.get("reviews"):
        lines += [
            "#### 拆分核对",
            "",
            "新增或有改动的简报，拆分画在原版页面上，一眼看出每篇从哪里开始：",
            "",
        ]
        for r in d["reviews"]:
            title = r.get("bulletin_title") or r["bulletin"]
            if preview_url:
                lines.append(f"- {_link(title, r['url'], preview_url)}")
            else:
                lines.append(f"- {md(title)}：`{r['url']}`")
        lines.append("")

    # bulletins
    if b["added"] or b["removed"] or b["changed"]:
        lines += ["#### 简报", ""]
        if b["added"]:
            rows = [
                [
                    _link(x["title"], x["url"], preview_url),
                    md(x["number"]),
                    _date(x["date"]),
                    md(x["source_file"]),
                    str(x["articles"]),
                ]
                for x in b["added"]
            ]
            lines += _details(
                f"新增 {len(rows)} 期",
                _table(["简报", "期号", "日期", "原文件", "文章数"], rows),
                open_=True,
            )
        if b["removed"]:
            rows = [
                [md(x["title"]), md(x["number"]), _date(x["date"]), md(x["source_file"])]
                for x in b["removed"]
            ]
            lines += _details(
                f"删除 {len(rows)} 期", _table(["简报", "期号", "日期", "原文件"], rows), True
            )
        if b["changed"]:
            rows = [
                [_link(x["title"], x["url"], preview_url), _change_text(x["changes"])]
                for x in b["changed"]
            ]
            lines += _details(f"修改 {len(rows)} 期", _table(["简报", "变化"], rows), True)

    # articles
    if a["added"] or a["removed"] or a["changed"]:
        lines += ["#### 文章", ""]
        for key, label in (("added", "新增"), ("removed", "删除")):
            items = a[key]
            if not items:
                continue
            link = preview_url if key == "added" else None
            rows = [
                [_link(x["title"], x["url"], link), md(x["bulletin_title"]), md(x["cluster"])]
                for x in items
            ]
            lines += _details(
                f"{label} {len(rows)} 篇",
                _table(["标题", "简报", "产业集群"], rows),
                open_=len(rows) <= 10,
            )
        if a["changed"]:
            rows = [
                [
                    _link(x["title"], x["url"], preview_url),
                    md(x["bulletin_title"]),
                    _change_text(x["changes"]),
                ]
                for x in a["changed"]
            ]
            lines += _details(
                f"修改 {len(rows)} 篇",
                _table(["标题", "简报", "变化"], rows),
                open_=len(rows) <= 10,
            )

    # pages
    if pg["by_kind"]:
        lines += ["#### 文件", ""]
        rows = [
            [md(KIND_LABELS.get(k, k)), str(c["added"]), str(c["removed"]), str(c["changed"])]
            for k, c in pg["by_kind"].items()
        ]
        lines += _table(["类型", "新增", "删除", "内容变化"], rows)
        lines.append("")
        listed = [
            p for p in pg["changed"] if p["kind"] not in ("search-index", "article", "original")
        ]
        if listed:
            rows = [
                [
                    _link(p["title"] or p["path"], p["url"], preview_url),
                    md(KIND_LABELS.get(p["kind"], p["kind"])),
                    f"`{p['path']}`",
                ]
                for p in listed
            ]
            lines += _details(
                f"内容有变化的页面（文章页、搜索索引除外）{len(rows)} 个",
                _table(["页面", "类型", "文件"], rows),
                open_=False,
            )

    # warnings and errors
    if d["warnings"]:
        fresh = sum(1 for w in d["warnings"] if w["new"])
        lines += [f"#### 拆分警告（{len(d['warnings'])} 条，其中新出现 {fresh} 条）", ""]
        rows = []
        for w in d["warnings"]:
            where = [
                f"第 {w['page']} 页" if w.get("page") else "",
                f"第 {w['line']} 行" if w.get("line") else "",
            ]
            rows.append(
                [
                    md(w.get("bulletin_title") or w["bulletin"]),
                    md(" ".join(x for x in where if x) or None),
                    ("🆕 " if w["new"] else "") + md(w.get("message")),
                    f"`{w.get('code')}`",
                ]
            )
        lines += _details(
            "警告明细（可在旁注文件中修正，见 README）",
            _table(["简报", "位置", "警告", "代码"], rows),
            open_=len(rows) <= 10,
        )
    if d["errors"]:
        lines += ["#### 无法读取的简报", ""]
        rows = [[md(e.get("file")), md(e.get("reason"))] for e in d["errors"]]
        lines += _table(["文件", "原因"], rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def diff_builds(old: str | Path, new: str | Path) -> dict[str, Any]:
    return compare(load_build(old), load_build(new))


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
