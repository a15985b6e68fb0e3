"""HTML/CSS for a layout: what Chromium prints (and LibreOffice imports, with heading styles).

Page size, margins, running header and page numbers use CSS paged media (``@page`` with margin
boxes, so numbers can sit at the *outside* corner via ``:left``/``:right``); columns use CSS
multi-column, either per article body (titles span the page) or for the whole flow (TOC, 编者按
and titles inside the columns). The text of every block is escaped and printed verbatim.
"""

from __future__ import annotations

from html import escape

from .blocks import Block, flatten
from .model import Bulletin
from .params import PAGE_SIZES_MM, Layout

FONTS = {
    "serif": '"Noto Serif CJK SC", "AR PL UMing CN", serif',
    "sans": '"Noto Sans CJK SC", sans-serif',
    "kai": '"AR PL UKai CN", "Noto Serif CJK SC", serif',
}


def _counter(style: str) -> str:
    """CSS ``content`` for a page-number style."""
    return {
        "— N —": '"— " counter(page) " —"',
        "- N -": '"- " counter(page) " -"',
        "第N页": '"第" counter(page) "页"',
        "第 N 页": '"第 " counter(page) " 页"',
        "N/M": 'counter(page) "/" counter(pages)',
        "N": "counter(page)",
    }.get(style, "none")


def _margin_boxes(b: Bulletin, lay: Layout) -> str:
    """``@page`` rules: running header and page number, outside corners on left/right pages."""
    head = escape((b.title or "产业科技动态").replace('"', ""))
    small = f"font-size: {max(7.0, lay.body_pt * 0.75):.1f}pt; font-family: {FONTS['serif']};"
    rule = "border-bottom: 0.5pt solid #444;" if lay.header_rule else ""
    rules: dict[str, list[str]] = {"": [], ":left": [], ":right": []}
    if lay.header != "none":
        content = f'content: "{head}"; {small} {rule}'
        if lay.header == "outside":
            rules[":left"].append(f"@top-left {{ {content} }}")
            rules[":right"].append(f"@top-right {{ {content} }}")
        else:
            pos = {"left": "top-left", "center": "top-center", "right": "top-right"}[lay.header]
            rules[""].append(f"@{pos} {{ {content} }}")
    num = _counter(lay.page_number)
    if num != "none":
        content = f"content: {num}; {small}"
        where = lay.page_number_pos
        if where in ("bottom-outside", "top-outside"):
            v = where.split("-")[0]
            if v == "top" and lay.header in ("left", "right", "outside", "center"):
                v = "bottom"  # don't stack a number on the running header
            rules[":left"].append(f"@{v}-left {{ {content} }}")
            rules[":right"].append(f"@{v}-right {{ {content} }}")
        else:
            rules[""].append(f"@{where} {{ {content} }}")
    w, h = PAGE_SIZES_MM[lay.page]
    css = [
        f"@page {{ size: {w}mm {h}mm; margin: {lay.margin_mm}mm {lay.margin_mm * 0.9:.1f}mm; "
        + " ".join(rules[""])
        + " }"
    ]
    for sel in (":left", ":right"):
        if rules[sel]:
            css.append(f"@page {sel} {{ {' '.join(rules[sel])} }}")
    # no running header over the masthead
    css.append(
        "@page :first { @top-left { content: none } @top-center { content: none }"
        " @top-right { content: none } }"
    )
    return "\n".join(css)


def css(b: Bulletin, lay: Layout) -> str:
    pt = lay.body_pt
    bold = "bold" if lay.title_bold else "normal"
    sub = {
        "bold": f"font-weight: bold; font-family: {FONTS[lay.font_body]};",
        "hei": f"font-weight: normal; font-family: {FONTS['sans']};",
        "plain": f"font-weight: normal; font-family: {FONTS[lay.font_body]};",
    }[lay.subhead]
    label = {
        "bold": "font-weight: bold;",
        "box": "font-weight: bold; border: 0.8pt solid #333; padding: 1pt 6pt;"
        " display: inline-block;",
        "rule": "font-weight: bold; border-bottom: 1.5pt solid #a00; color: #a00;",
        "plain": "",
        "large": f"font-weight: bold; font-size: {pt * 1.3:.1f}pt;",
    }[lay.label_style]
    cols = f"column-count: 2; column-gap: {lay.column_gap_mm}mm;"
    return f"""
{_margin_boxes(b, lay)}
html {{ font-family: {FONTS[lay.font_body]}; font-size: {pt}pt; line-height: {lay.line_height}; }}
body {{ margin: 0; }}
p {{ margin: 0 0 {lay.para_space_em}em 0; text-align: justify; }}
p.para, p.preface {{ text-indent: {"2em" if lay.indent else "0"}; }}
.mast-title {{ font-size: {pt * 2.4:.1f}pt; font-weight: bold; color: #b00;
  text-align: {"left" if lay.masthead == "banner" else "center"}; margin: 0.3em 0; }}
.mast-line {{ text-align: {"left" if lay.masthead == "banner" else "center"}; margin: 0.1em 0; }}
.mast {{ {"border-bottom: 2pt solid #b00;" if lay.masthead == "banner" else ""}
  margin-bottom: 2em; }}
.toc-title, .preface-title {{ font-size: {pt * 1.4:.1f}pt; font-weight: bold; text-align: center;
  margin: 0.8em 0 0.6em; letter-spacing: 0.2em; }}
.toc-group {{ font-weight: bold; margin-top: 0.5em; }}
.toc-entry {{ margin: 0.15em 0 0.15em {"1em" if lay.toc_groups != "none" else "0"}; }}
.preface {{ font-family: {FONTS["kai"]}; }}
h2.title {{ font-size: {pt * lay.title_scale:.2f}pt; font-weight: {bold};
  font-family: {FONTS[lay.font_title]}; text-align: {lay.title_align};
  margin: {lay.title_space_em}em 0 0.5em; line-height: 1.3; }}
.subtitle {{ text-align: {lay.title_align}; font-size: {pt * 1.05:.1f}pt; margin-bottom: 0.4em; }}
.extra {{ text-align: {"center" if lay.title_align == "center" else "right"};
  font-family: {FONTS["kai"]}; margin-bottom: 0.3em; }}
h3.subhead {{ font-size: {pt * lay.subhead_scale:.2f}pt; {sub} margin: 0.4em 0 0.2em;
  text-indent: {"2em" if lay.indent and lay.subhead == "plain" else "0"}; }}
.label {{ margin: 1em 0 0.3em; {label} }}
.colophon {{ font-size: {pt * 0.85:.1f}pt; margin: 0; }}
.colophon-first {{ border-top: 0.8pt solid #333; padding-top: 0.5em; margin-top: 2em; }}
.cols {{ {cols} }}
.flow {{ {cols} }}
.pagebreak {{ break-before: page; }}
.space {{ height: 1.5em; }}
"""


def _toc_entry(bl: Block, lay: Layout) -> str:
    t = escape(bl.text)
    if bl.page is None:
        return f'<p class="toc-entry">{t}</p>'
    if lay.toc_leaders:
        per_line = _line_chars(lay) - 1 - (1 if lay.toc_groups != "none" else 0)
        n = int(per_line - len(bl.text) % per_line - len(str(bl.page)) - 1)
        lead = "…" * max(2, n)
        return f'<p class="toc-entry">{t}{lead}{bl.page}</p>'
    return f'<p class="toc-entry">{t}　{bl.page}</p>'


def _line_chars(lay: Layout) -> int:
    w, _ = PAGE_SIZES_MM[lay.page]
    width = w - 1.8 * lay.margin_mm
    if lay.column_scope == "flow" and lay.columns == 2:
        width = (width - lay.column_gap_mm) / 2
    return max(8, int(width / (lay.body_pt * 25.4 / 72)))


def body_html(b: Bulletin, lay: Layout, pages: dict[int, int] | None = None) -> str:
    """The ``<body>`` content: masthead, then the flow (in columns when the layout says so)."""
    blocks = flatten(b, lay, pages)
    mast = [bl for bl in blocks if bl.kind.startswith("mast-")]
    rest = [bl for bl in blocks if not bl.kind.startswith("mast-")]
    out = []
    if mast:
        out.append('<div class="mast">')
        for bl in mast:
            out.append(f'<p class="{bl.kind}">{escape(bl.text)}</p>')
        out.append("</div>")
    flow = lay.columns == 2 and lay.column_scope == "flow"
    body_cols = lay.columns == 2 and not flow
    if flow:
        out.append('<div class="flow">')
    in_cols = False
    first_colophon = True
    for bl in rest:
        k, t = bl.kind, escape(bl.text)
        if body_cols and in_cols and k not in ("para", "subhead"):
            out.append("</div>")
            in_cols = False
        if k == "break":
            out.append(
                '<div class="pagebreak"></div>'
                if bl.level == "page"
                else '<div class="space"></div>'
            )
        elif k == "title":
            out.append(f'<h2 class="title">{t}</h2>')
        elif k == "subhead":
            if body_cols and not in_cols:
                out.append('<div class="cols">')
                in_cols = True
            out.append(f'<h3 class="subhead">{t}</h3>')
        elif k == "para":
            if body_cols and not in_cols:
                out.append('<div class="cols">')
                in_cols = True
            out.append(f'<p class="para">{t}</p>')
        elif k == "toc-entry":
            out.append(_toc_entry(bl, lay))
        elif k == "label":
            out.append(
                f'<div class="label"><span>{t}</span></div>'
                if lay.label_style == "box"
                else f'<p class="label">{t}</p>'
            )
        elif k == "colophon":
            cls = "colophon colophon-first" if first_colophon else "colophon"
            first_colophon = False
            out.append(f'<p class="{cls}">{t}</p>')
        else:
            out.append(f'<p class="{k}">{t}</p>')
    if in_cols:
        out.append("</div>")
    if flow:
        out.append("</div>")
    return "\n".join(out)


def render(b: Bulletin, lay: Layout, pages: dict[int, int] | None = None) -> str:
    """A complete HTML document for ``lay`` (TOC page numbers from ``pages`` where given)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(b.title or b.stem)}</title><style>{css(b, lay)}</style></head>"
        f"<body>\n{body_html(b, lay, pages)}\n</body></html>\n"
    )
