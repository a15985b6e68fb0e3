"""What a layout prints, in reading order: the bulletin flattened into typed blocks.

Every producer renders the same block stream, so the decisions that change *what* is printed
(which labels, the TOC and its page numbers, title markers, masthead lines) are made once here
and only *how* it looks differs between Chromium, reportlab, LibreOffice and text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Article, Bulletin, Front, squash
from .params import PAGE_SIZES_MM, Layout

PT_MM = 25.4 / 72


@dataclass
class Block:
    """One printed block. kinds: mast-title, mast-line, toc-title, toc-group, toc-entry,
    preface-title, preface, label, title, subtitle, extra, para, subhead, colophon, break."""

    kind: str
    text: str = ""
    page: int | None = None  # toc-entry: the printed page number
    level: str = ""  # label: cluster | column; break: page | column
    article: int = -1  # index of the gold article a title/para block belongs to


def cluster_label(cluster: str) -> str:
    """The cluster as a group label prints it: 数字经济产业, 集成电路与 ICT 产业, 综合."""
    if cluster == "综合":
        return "综合"
    return cluster.replace("ICT", " ICT ").replace("  ", " ").strip() + "产业"


def bracket(text: str, lay: Layout) -> str:
    if not lay.label_brackets:
        return text
    return f"{lay.label_brackets[0]}{text}{lay.label_brackets[1]}"


def _masthead(b: Bulletin, lay: Layout) -> list[Block]:
    if lay.masthead == "none":
        return []
    fronts = b.fronts("masthead")
    lines = fronts[0].lines if fronts else [x for x in (b.title, b.number, b.publisher) if x]
    if not lines:
        return []
    title = squash(b.title or "")
    out = []
    for ln in lines:
        s = squash(ln)
        is_title = bool(title) and bool(s) and s in title
        out.append(Block("mast-title" if is_title else "mast-line", ln))
    if lay.masthead == "compact":
        # one line: title, then the rest run together
        t = "·".join(x.text for x in out if x.kind == "mast-title")
        rest = "　".join(x.text for x in out if x.kind == "mast-line")
        out = [Block("mast-title", t)] if t else []
        if rest:
            out.append(Block("mast-line", rest))
    return out


def _chars_per_page(lay: Layout) -> float:
    w, h = PAGE_SIZES_MM.get(lay.page, (210, 297))
    cols = lay.columns
    line_w = (w - 2 * lay.margin_mm - (cols - 1) * lay.column_gap_mm) / cols
    per_line = max(8.0, line_w / (lay.body_pt * PT_MM))
    lines = max(10.0, (h - 2 * lay.margin_mm - 10) / (lay.body_pt * PT_MM * lay.line_height))
    return per_line * lines * cols * 0.85


def _page_estimates(b: Bulletin, lay: Layout, first: int) -> list[int]:
    """Estimated start page of each article (the TOC's numbers; producers don't lay out twice)."""
    if lay.producer in ("text", "markdown"):
        per = (lay.wrap or 40) * (lay.page_lines or 40) * 0.7
    else:
        per = _chars_per_page(lay)
    pos, out = 0.0, []
    for a in b.articles:
        out.append(first + int(pos / per))
        pos += sum(len(p.text) for p in a.paras) + 60 * lay.title_scale
    return out


def _toc(b: Bulletin, lay: Layout, found: dict[int, int] | None) -> list[Block]:
    first = 2 if lay.toc == "own_page" or lay.masthead_own_page else 1
    pages = _page_estimates(b, lay, first)
    for i, p in (found or {}).items():
        pages[i] = p
    out = [Block("toc-title", lay.toc_title)]
    group = None
    for i, a in enumerate(b.articles):
        g = None
        if lay.toc_groups == "column":
            g = a.column
        elif lay.toc_groups == "cluster":
            g = cluster_label(a.cluster)
        if g and g != group:
            out.append(Block("toc-group", bracket(g, lay) if lay.producer in ("text",) else g))
        group = g or group
        out.append(Block("toc-entry", a.title, page=pages[i] if lay.toc_pages else None))
    return out


def _article(a: Article, i: int, lay: Layout) -> list[Block]:
    title = f"{lay.title_marker} {a.title}" if lay.title_marker else a.title
    out = [Block("title", title, article=i)]
    if a.subtitle:
        out.append(Block("subtitle", a.subtitle, article=i))
    out += [Block("extra", x, article=i) for x in a.extra]
    for p in a.paras:
        out.append(Block("subhead" if p.heading else "para", p.text, article=i))
    return out


def flatten(b: Bulletin, lay: Layout, pages: dict[int, int] | None = None) -> list[Block]:
    """The bulletin as ``lay`` prints it, in reading order.

    ``pages`` (article index → page) are the TOC's numbers where a first layout found them
    (:mod:`.pages`); the others are estimated from the text length.
    """
    out: list[Block] = _masthead(b, lay)
    if out and lay.masthead_own_page:
        out.append(Block("break", level="page"))
    toc_done = lay.toc == "none"
    has_toc = bool(b.fronts("toc"))
    if not toc_done and not has_toc:
        out += _toc(b, lay, pages)
        out.append(Block("break", level="page" if lay.toc == "own_page" else "space"))
        toc_done = True
    col = clu = None
    index = {id(a): i for i, a in enumerate(b.articles)}
    for item in b.items:
        if isinstance(item, Front):
            if item.kind == "toc":
                if not toc_done:
                    out += _toc(b, lay, pages)
                    out.append(Block("break", level="page" if lay.toc == "own_page" else "space"))
                    toc_done = True
            elif item.kind == "preface":
                out.append(Block("preface-title", item.title or "编者按"))
                body = item.lines[1:] if item.lines and item.title in item.lines[0] else item.lines
                out += [Block("preface", x) for x in body]
                out.append(Block("break", level="space"))
            elif item.kind in ("colophon", "contacts"):
                out += [Block("colophon", x) for x in item.lines]
            continue
        i = index[id(item)]
        if lay.article_break == "page" and i > 0:
            out.append(Block("break", level="page"))
        if lay.labels in ("cluster", "both") and item.cluster != clu:
            out.append(Block("label", bracket(cluster_label(item.cluster), lay), level="cluster"))
            col = None
        if lay.labels in ("column", "both") and item.column and item.column != col:
            out.append(Block("label", bracket(item.column, lay), level="column"))
        clu, col = item.cluster, item.column
        out += _article(item, i, lay)
    return out
