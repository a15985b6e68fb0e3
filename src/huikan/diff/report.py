"""The ``huikan diff`` report as Markdown for a pull-request comment, one section a function.

Everything printed comes from the JSON report (:func:`huikan.diff.compare.compare`), never from
the builds again, so ``--json`` and the comment always agree. All text is escaped (:func:`md`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huikan.diff.labels import FIELD_LABELS, KIND_LABELS

MAX_ROWS = 100  # per Markdown table; the JSON report always has everything

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~$"})


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
    lines = ["### 汇刊：本次修改对网站的影响", ""]
    lines += _summary(d)
    lines += _totals_table(d)
    lines += _ocr_section(d)
    lines += _review_section(d, preview_url)
    lines += _bulletin_section(d["bulletins"], preview_url)
    lines += _article_section(d["articles"], preview_url)
    lines += _page_section(d["pages"], preview_url)
    lines += _warning_section(d["warnings"])
    lines += _error_section(d["errors"])
    return "\n".join(lines).rstrip() + "\n"


def _summary(d: dict[str, Any]) -> list[str]:
    if d["identical"]:
        return ["两次构建的网站内容完全相同。", ""]
    b, a, pg = d["bulletins"], d["articles"], d["pages"]
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
    return ["；".join(summary) + "。", ""]


def _totals_table(d: dict[str, Any]) -> list[str]:
    o, n = d["old"], d["new"]
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
    return [*_table(["", "基准", "本次", "变化"], [[f"**{r[0]}**", *r[1:]] for r in rows]), ""]


def _ocr_section(d: dict[str, Any]) -> list[str]:
    if not d.get("ocr"):
        return []
    from huikan.ingest.ocr.notice import NOTICE, ocr_detail

    lines = [f"#### {NOTICE}", ""]
    for o in d["ocr"]:
        title = o.get("bulletin_title") or o["bulletin"]
        detail = ocr_detail(o["pages"], o.get("page_count"))
        lines.append(f"- {md(title)}（`{o.get('source_file')}`）：{detail}")
    return [*lines, ""]


def _review_section(d: dict[str, Any], preview_url: str | None) -> list[str]:
    if not d.get("reviews"):
        return []
    lines = [
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
    return [*lines, ""]


def _bulletin_section(b: dict[str, Any], preview_url: str | None) -> list[str]:
    if not (b["added"] or b["removed"] or b["changed"]):
        return []
    lines = ["#### 简报", ""]
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
    return lines


def _article_section(a: dict[str, Any], preview_url: str | None) -> list[str]:
    if not (a["added"] or a["removed"] or a["changed"]):
        return []
    lines = ["#### 文章", ""]
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
    return lines


def _page_section(pg: dict[str, Any], preview_url: str | None) -> list[str]:
    if not pg["by_kind"]:
        return []
    rows = [
        [md(KIND_LABELS.get(k, k)), str(c["added"]), str(c["removed"]), str(c["changed"])]
        for k, c in pg["by_kind"].items()
    ]
    lines = ["#### 文件", "", *_table(["类型", "新增", "删除", "内容变化"], rows), ""]
    listed = [p for p in pg["changed"] if p["kind"] not in ("article", "original")]
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
    return lines


def _warning_section(warnings: list[dict[str, Any]]) -> list[str]:
    if not warnings:
        return []
    fresh = sum(1 for w in warnings if w["new"])
    lines = [f"#### 拆分警告（{len(warnings)} 条，其中新出现 {fresh} 条）", ""]
    rows = []
    for w in warnings:
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
    return lines + _details(
        "警告明细（可在旁注文件中修正，见 README）",
        _table(["简报", "位置", "警告", "代码"], rows),
        open_=len(rows) <= 10,
    )


def _error_section(errors: list[dict[str, Any]]) -> list[str]:
    if not errors:
        return []
    rows = [[md(e.get("file")), md(e.get("reason"))] for e in errors]
    return ["#### 无法读取的简报", "", *_table(["文件", "原因"], rows), ""]
