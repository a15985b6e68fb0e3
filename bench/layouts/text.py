"""Text and Markdown variants: what a PDF-to-text dump or an office "save as text" looks like.

Hard wraps at 30–45 full-width characters, a page line ("— N —", "第 N 页") and the running
header every ~40 lines (cutting paragraphs mid-sentence, as a dump does), title markers
(◆ ■ …) and bracketed group labels (【…】 〔…〕), Markdown headings (ATX, setext) or bold
titles. The output is a pure function of the layout, so the same seed gives the same bytes.
"""

from __future__ import annotations

import unicodedata

from .blocks import Block, flatten
from .model import Bulletin
from .pages import needs_pages
from .params import Layout

_NO_START = set("，。、；：！？）》”’」』】〕,.;:!?)")


def cells(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(text: str, width: int) -> list[str]:
    """Cut ``text`` into lines of at most ``width`` full-width characters (2 cells each)."""
    if width <= 0:
        return [text]
    limit, out, cur, used = width * 2, [], "", 0
    for ch in text:
        c = cells(ch)
        # no line starts with closing punctuation (禁则): it hangs at the end instead
        if used + c > limit and cur and not (ch in _NO_START and used <= limit):
            out.append(cur)
            cur, used = "", 0
        cur += ch
        used += c
    if cur:
        out.append(cur)
    return out


def _centre(line: str, width: int) -> str:
    if width <= 0:
        return line
    pad = max(0, width * 2 - sum(cells(c) for c in line)) // 2
    return " " * pad + line


def page_line(style: str, n: int, total: int) -> str:
    if style == "none":
        return ""
    return style.replace("N/M", f"{n}/{total}").replace("N", str(n))


def _block_lines(bl: Block, lay: Layout, md: bool) -> list[str]:
    """One block as lines (without the blank separator)."""
    w = lay.wrap
    k, t = bl.kind, bl.text
    if k == "break":
        return []
    if md:
        if k == "mast-title":
            return [f"# {t}"]
        if k in ("toc-title", "preface-title"):
            return [f"## {t}"]
        if k == "label":
            return [f"# {t}"] if bl.level == "cluster" else [f"**{t}**"]
        if k == "title":
            if lay.md_headings == "setext":
                return [t, "-" * 8]
            if lay.md_headings == "bold":
                return [f"**{t}**"]
            return [f"## {t}"]
        if k == "subhead":
            return [f"**{t}**"] if lay.md_headings == "bold" else [f"### {t}"]
        if k == "toc-group":
            return [f"**{t}**"]
        if k == "toc-entry":
            return [f"- {t}" + (f"　{bl.page}" if bl.page else "")]
    if k == "toc-entry":
        tail = ""
        if bl.page:
            tail = ("·" * 6 if lay.toc_leaders else "　") + str(bl.page)
        lines = wrap(t + tail, w)
        return lines
    centred = k in ("mast-title", "toc-title", "preface-title") or (
        k == "title" and lay.title_align == "center"
    )
    indent = "　　" if lay.indent and k in ("para", "preface") else ""
    lines = wrap(indent + t, w)
    if centred:
        lines = [_centre(x, w) for x in lines]
    return lines


def _body(blocks: list[Block], lay: Layout, md: bool) -> tuple[list[str], dict[int, int]]:
    """All lines before pagination, and the line index of each article's title."""
    body: list[str] = []
    where: dict[int, int] = {}
    for bl in blocks:
        lines = _block_lines(bl, lay, md)
        if not lines:
            continue
        if bl.kind == "title":
            where[bl.article] = len(body)
        body += lines
        if lay.blank_between or md or bl.kind in ("title", "label", "subtitle"):
            body.append("")
    return body, where


def render(b: Bulletin, lay: Layout) -> str:
    """The bulletin as a .txt (``lay.producer == "text"``) or .md file.

    The TOC's page numbers are the pages the titles land on (``page_lines`` lines a page, or
    45 when the text has no page lines), found by paginating twice.
    """
    md = lay.producer == "markdown"
    per = lay.page_lines or 45
    body, where = _body(flatten(b, lay), lay, md)
    if needs_pages(lay):
        for _ in range(2):
            found = {i: n // per + 1 for i, n in where.items()}
            body, where = _body(flatten(b, lay, found), lay, md)
    if not lay.page_lines:
        return "\n".join(body).rstrip() + "\n"
    total = (len(body) + per - 1) // per
    header = (b.title or "").replace("·", " ") or "产业科技动态"
    out: list[str] = []
    for n in range(total):
        if n and lay.header != "none":
            out += [_centre(header, lay.wrap) if lay.header == "center" else header, ""]
        out += body[n * per : (n + 1) * per]
        pl = page_line(lay.page_number, n + 1, total)
        if pl:
            out += ["", _centre(pl, lay.wrap), ""]
    return "\n".join(out).rstrip() + "\n"
