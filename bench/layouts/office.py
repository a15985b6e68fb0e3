"""LibreOffice producer: "office-suite export with heading styles".

The bulletin is written as plain HTML where titles are ``<h2>``, sub-headings ``<h3>`` and
cluster labels ``<h1>``; Writer imports them as 标题 1/2/3 paragraph styles and its PDF export
turns the heading styles into the PDF outline (bookmarks), as an editor's "export as PDF" does.
Many files go through one ``soffice`` call (startup dominates); each call gets its own profile
directory so parallel runs never share one. The output is deterministic in layout and text, not
in bytes: Writer salts the Type 1 font programs it embeds (dates and /ID are fixed here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from .blocks import flatten
from .chromium import fix_dates
from .html import FONTS
from .model import Bulletin
from .pages import needs_pages, page_texts, title_pages
from .params import PAGE_SIZES_MM, Layout

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def available() -> bool:
    return Path(SOFFICE).exists()


def html(b: Bulletin, lay: Layout, pages: dict[int, int] | None = None) -> str:
    """Heading-styled HTML that Writer imports with its own paragraph styles."""
    w, h = PAGE_SIZES_MM[lay.page]
    pt = lay.body_pt
    tag = {
        "title": "h2",
        "subhead": "h3",
        "toc-title": "h1",
        "preface-title": "h1",
        "mast-title": "h1",
    }
    align = ' align="center"' if lay.title_align == "center" else ""
    parts = []
    for bl in flatten(b, lay, pages):
        k, t = bl.kind, escape(bl.text)
        if k == "break":
            if bl.level == "page":
                parts.append('<p style="page-break-before: always"></p>')
            continue
        if k == "label":
            parts.append(f"<h1>{t}</h1>" if bl.level == "cluster" else f"<p><b>{t}</b></p>")
        elif k == "toc-entry":
            tail = f"{'…' * 6 if lay.toc_leaders else '　'}{bl.page}" if bl.page else ""
            parts.append(f"<p>{t}{tail}</p>")
        elif k in tag:
            a = align if k == "title" else ' align="center"'
            parts.append(f"<{tag[k]}{a}>{t}</{tag[k]}>")
        elif k in ("mast-line", "subtitle", "extra"):
            parts.append(f'<p align="center">{t}</p>')
        else:
            parts.append(f"<p>{t}</p>")
    bold = "bold" if lay.title_bold else "normal"
    sub_font = "sans" if lay.subhead == "hei" else lay.font_body
    style = f"""
@page {{ size: {w}mm {h}mm; margin: {lay.margin_mm}mm; }}
body {{ font-family: {FONTS[lay.font_body]}; font-size: {pt}pt; }}
p {{ font-size: {pt}pt; margin-top: 0; margin-bottom: {lay.para_space_em * pt:.1f}pt;
  text-indent: {"2em" if lay.indent else "0"}; line-height: {int(lay.line_height * 100)}%; }}
h1 {{ font-size: {pt * 1.25:.1f}pt; font-family: {FONTS["sans"]}; }}
h2 {{ font-size: {pt * lay.title_scale:.1f}pt; font-weight: {bold};
  font-family: {FONTS[lay.font_title]}; }}
h3 {{ font-size: {pt * lay.subhead_scale:.1f}pt; font-family: {FONTS[sub_font]};
  font-weight: {"bold" if lay.subhead == "bold" else "normal"}; }}
"""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(b.title or '')}</title><style>{style}</style></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def convert(items: list[tuple[str, Path]], timeout: float = 600) -> None:
    """Convert ``(html, dest.pdf)`` pairs with one soffice run."""
    if not items:
        return
    with tempfile.TemporaryDirectory(prefix="huikan-lo-") as tmp:
        t = Path(tmp)
        srcs = []
        for i, (text, _) in enumerate(items):
            p = t / f"in{i:04d}.html"
            p.write_text(text, "utf-8")
            srcs.append(p)
        env = dict(os.environ, HOME=str(t))
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{t}/profile",
                "--headless",
                "--norestore",
                "--infilter=HTML (StarWriter)",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(t / "out"),
                *map(str, srcs),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
        for i, (_, dest) in enumerate(items):
            out = t / "out" / f"in{i:04d}.pdf"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(fix_dates(out.read_bytes()))


def typeset(items: list[tuple[Bulletin, Layout, Path]]) -> None:
    """Write each bulletin's PDF; those whose TOC shows page numbers are converted twice."""
    convert([(html(b, lay), dest) for b, lay, dest in items])
    again = []
    for b, lay, dest in items:
        if needs_pages(lay):
            found = title_pages(page_texts(dest.read_bytes()), flatten(b, lay))
            again.append((html(b, lay, found), dest))
    convert(again)
