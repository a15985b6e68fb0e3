"""The split as boxes over the pages (PDF) or over the lines (text): plain data for the template.

Coordinates are percentages of the page, so the boxes scale with the image. Each article gets
one box per column stretch it fills on a page (its blocks merged), its title an outline of its
own; front matter is shaded and labelled, dropped running heads and page numbers struck
through, warnings pinned where they apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from huikan.model import Article, IngestResult, Region

# Dark enough for white label text, far enough apart to tell neighbours from each other.
PALETTE = [
    "#c62828",
    "#1565c0",
    "#2e7d32",
    "#6a1b9a",
    "#d84315",
    "#00838f",
    "#ad1457",
    "#4e342e",
    "#283593",
    "#558b2f",
]
KIND_LABELS = {
    "masthead": "刊头",
    "toc": "目录",
    "preface": "编者按",
    "column": "栏目",
    "colophon": "版记（编辑、地址、报送）",
    "leftover": "未归入文章",
    "header": "页眉（已删除）",
    "footer": "页脚（已删除）",
    "page-number": "页码（已删除）",
    "dropped": "已删除（旁注 drop）",
}
FRONT = {"masthead", "toc", "preface", "column", "colophon", "leftover"}
STRUCK = {"header", "footer", "page-number", "dropped"}
PAD = 2.5  # points around the text, so a box never clips a glyph


def colour(n: int) -> str:
    return PALETTE[n % len(PALETTE)]


@dataclass
class _Rect:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def same_column(self, r: Region) -> bool:
        x0, top, x1, _ = r.bbox or (0, 0, 0, 0)
        overlap = min(self.x1, x1) - max(self.x0, x0)
        narrow = max(1.0, min(self.x1 - self.x0, x1 - x0))
        return overlap >= 0.5 * narrow and top >= self.top - 2

    def add(self, r: Region) -> None:
        x0, top, x1, bottom = r.bbox or (0, 0, 0, 0)
        self.x0, self.top = min(self.x0, x0), min(self.top, top)
        self.x1, self.bottom = max(self.x1, x1), max(self.bottom, bottom)


@dataclass
class _Group:
    key: tuple[Any, ...]  # (kind or "article", article, page)
    rect: _Rect | None = None  # the blocks except the title
    title: _Rect | None = None  # the title's blocks
    texts: list[str] = field(default_factory=list)

    def add(self, r: Region) -> None:
        if r.kind == "title":
            self.title = _grow(self.title, r)
        else:
            self.rect = _grow(self.rect, r)

    def extent(self) -> _Rect:
        """The box: the body's columns, reaching up to the title (a title set wider than the
        column it heads is outlined on its own, not allowed to widen the box)."""
        if self.rect is None:
            assert self.title is not None
            return self.title
        if self.title is None:
            return self.rect
        r = self.rect
        return _Rect(
            r.page, r.x0, min(r.top, self.title.top), r.x1, max(r.bottom, self.title.bottom)
        )


def _grow(rect: _Rect | None, r: Region) -> _Rect:
    if rect is None:
        return _Rect(r.page or 0, *(r.bbox or (0, 0, 0, 0)))
    rect.add(r)
    return rect


def _pct(rect: _Rect, size: tuple[float, float]) -> dict[str, float]:
    w, h = size
    x0, top = max(0.0, rect.x0 - PAD), max(0.0, rect.top - PAD)
    x1, bottom = min(w, rect.x1 + PAD), min(h, rect.bottom + PAD)
    return {
        "left": round(100 * x0 / w, 3),
        "top": round(100 * top / h, 3),
        "width": round(100 * max(0.0, x1 - x0) / w, 3),
        "height": round(100 * max(0.0, bottom - top) / h, 3),
    }


def _yaml(s: str) -> str:
    """A YAML flow scalar (JSON strings are valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def fixes(n: int, a: Article) -> list[dict[str, str]]:
    """Sidecar lines that would correct article ``n``, each with what it does."""
    t = _yaml(a.title)
    out = []
    other = next((c for c in a.clusters if c != a.cluster), None)
    out.append(
        {
            "label": "改产业集群（把集群名改成正确的）",
            "yaml": f"articles: {{{t}: {{cluster: {_yaml(other or a.cluster)}}}}}",
        }
    )
    if n > 0:
        out.append({"label": "这不是新文章，是上一篇的小标题：并入上一篇", "yaml": f"merge: [{t}]"})
    heads = [
        line.lstrip("#").strip()
        for line in (a.markdown or "").split("\n")
        if line.startswith("### ") and line.lstrip("#").strip()
    ]
    out.append(
        {
            "label": "里面漏拆了一篇：从这个标题起另成一篇",
            "yaml": f"split: [{_yaml(heads[0] if heads else '漏拆文章的标题')}]",
        }
    )
    paras = [p for p in a.text.split("\n\n") if p.strip()]
    if len(paras) >= 2:
        out.append(
            {
                "label": "删去末段（如误收的启事、广告）",
                "yaml": f"drop: [{_yaml(paras[-1].strip()[:16])}]",
            }
        )
    out.append({"label": "整篇不发布", "yaml": f"articles: {{{t}: {{drop: true}}}}"})
    return out


def article_list(res: IngestResult) -> list[dict[str, Any]]:
    out = []
    for n, a in enumerate(res.articles):
        out.append(
            {
                "n": n,
                "number": n + 1,
                "title": a.title,
                "cluster": a.cluster,
                "cue": a.cluster_cue,
                "page": a.page,
                "line": a.line,
                "length": len(a.text),
                "colour": colour(n),
                "fixes": fixes(n, a),
            }
        )
    return out


def _article_of(res: IngestResult, title: str | None) -> int | None:
    if not title:
        return None
    for n, a in enumerate(res.articles):
        if a.title == title:
            return n
    return None


def warning_list(res: IngestResult) -> list[dict[str, Any]]:
    out = []
    for k, w in enumerate(res.warnings):
        where = []
        if w.page:
            where.append(f"第{w.page}页")
        if w.line:
            where.append(f"第{w.line}行")
        out.append(
            {
                "k": k + 1,
                "message": w.message,
                "code": w.code,
                "where": " ".join(where),
                "article": _article_of(res, w.article),
                "page": w.page,
                "line": w.line,
                "pinned": False,
            }
        )
    return out


def pdf_pages(
    res: IngestResult, images: list[Any], warnings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One entry per page image: its boxes (article, front matter, struck) and pins."""
    sizes = {i + 1: (float(s[0]), float(s[1])) for i, s in enumerate(res.page_sizes)}
    groups: list[_Group] = []
    last: dict[tuple[Any, ...], _Group] = {}
    for r in res.regions:
        if r.page is None or r.bbox is None or r.page not in sizes:
            continue
        is_article = r.kind in ("title", "body") and r.article is not None
        key = ("article", r.article, r.page) if is_article else (r.kind, None, r.page)
        g = last.get(key)
        mergeable = r.kind not in ("header", "footer", "page-number")
        # Only the group just drawn grows: two column labels with an article between them
        # stay two boxes.
        if g is None or g is not groups[-1] or not mergeable or not g.extent().same_column(r):
            g = _Group(key)
            groups.append(g)
            last[key] = g
        g.add(r)
        if len(g.texts) < 3:
            g.texts.append(r.text)
    titles = {n: a.title for n, a in enumerate(res.articles)}
    first_box: set[int] = set()
    pages: list[dict[str, Any]] = []
    by_page: dict[int, list[dict[str, Any]]] = {}
    for g in groups:
        kind, n, page = g.key
        size = sizes[page]
        box: dict[str, Any] = {"rect": _pct(g.extent(), size), "kind": kind, "page": page}
        if kind == "article":
            box.update(
                article=n,
                number=n + 1,
                title=titles.get(n, ""),
                colour=colour(n),
                title_rect=_pct(g.title, size) if g.title else None,
                anchor=n not in first_box,
            )
            first_box.add(n)
        else:
            box.update(label=KIND_LABELS.get(kind, kind), struck=kind in STRUCK, text=g.texts[0])
        by_page.setdefault(page, []).append(box)
    for img in images:
        boxes = by_page.get(img.number, [])
        # Big boxes first, so small ones (titles, page numbers) sit on top and stay clickable.
        boxes.sort(key=lambda b: -(b["rect"]["width"] * b["rect"]["height"]))
        pages.append(
            {
                "number": img.number,
                "image": img.name,
                "width": img.width,
                "height": img.height,
                "boxes": boxes,
                "pins": [],
            }
        )
    _pin(pages, warnings)
    return pages


def _pin(pages: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> None:
    index = {p["number"]: p for p in pages}
    for w in warnings:
        target = None
        if w["article"] is not None:
            for p in pages:
                for b in p["boxes"]:
                    if b.get("article") == w["article"] and b.get("anchor"):
                        r = b["title_rect"] or b["rect"]
                        target = (p, r["left"] + r["width"], r["top"])
                        break
                if target:
                    break
        if target is None and w["page"] in index:
            target = (index[w["page"]], 97.0, 1.0)
        if target is None:
            continue
        page, left, top = target
        page["pins"].append(
            {"k": w["k"], "message": w["message"], "left": min(left, 97.0), "top": top}
        )
        w["pinned"] = True


def text_segments(
    res: IngestResult, lines: list[str], warnings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The text file's lines grouped by what the split made of them, in file order."""
    n_lines = len(lines)
    key_of: list[tuple[str, int | None] | None] = [None] * (n_lines + 1)
    title_line = [False] * (n_lines + 1)
    for r in res.regions:
        if r.line is None:
            continue
        kind = r.kind
        is_article = kind in ("title", "body") and r.article is not None
        key = ("article", r.article) if is_article else (kind, None)
        for no in range(r.line, min(n_lines, r.end_line or r.line) + 1):
            key_of[no] = key
            title_line[no] = kind == "title"
    # Blank lines between two lines of the same group belong to it.
    following: list[tuple[str, int | None] | None] = [None] * (n_lines + 2)
    for no in range(n_lines, 0, -1):
        following[no] = key_of[no] if key_of[no] is not None else following[no + 1]
    prev: tuple[str, int | None] | None = None
    for no in range(1, n_lines + 1):
        if key_of[no] is None:
            key_of[no] = prev if prev is not None and following[no] == prev else ("gap", None)
        else:
            prev = key_of[no]
    line_pins: dict[int, list[dict[str, Any]]] = {}
    title_first = {}
    for no in range(1, n_lines + 1):
        k = key_of[no]
        if k and k[0] == "article" and title_line[no] and k[1] not in title_first:
            title_first[k[1]] = no
    for w in warnings:
        no = None
        if w["article"] is not None:
            no = title_first.get(w["article"])
        if no is None and w["line"] and 1 <= w["line"] <= n_lines:
            no = w["line"]
        if no is not None:
            line_pins.setdefault(no, []).append({"k": w["k"], "message": w["message"]})
            w["pinned"] = True
    titles = {n: a.title for n, a in enumerate(res.articles)}
    segments: list[dict[str, Any]] = []
    seen: set[int] = set()
    for no in range(1, n_lines + 1):
        k = key_of[no] or ("gap", None)
        entry = {
            "no": no,
            "text": lines[no - 1],
            "title": title_line[no],
            "pins": line_pins.get(no, []),
        }
        if segments and segments[-1]["key"] == k:
            segments[-1]["lines"].append(entry)
            continue
        kind, n = k
        seg: dict[str, Any] = {"key": k, "kind": kind, "lines": [entry]}
        if kind == "article" and n is not None:
            seg.update(
                article=n,
                number=n + 1,
                title=titles.get(n, ""),
                colour=colour(n),
                anchor=n not in seen,
            )
            seen.add(n)
        else:
            seg.update(label=KIND_LABELS.get(kind, ""), struck=kind in STRUCK)
        segments.append(seg)
    return segments
