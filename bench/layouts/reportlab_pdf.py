"""reportlab producer: a second, independent PDF engine with its own text placement.

Where Chromium embeds OpenType subsets and real bold faces, reportlab writes what many office
and print pipelines do: TrueType subsets of the AR PL fonts (宋/明 and 楷), the non-embedded
CID font STSong-Light, 黑体 from WenQuanYi when installed, and *fake bold* (text render mode 2,
fill+stroke) because none of these faces has a bold. Page furniture is drawn per page, so page
numbers can sit at the outside corner (odd pages right, even pages left). ``invariant=1`` keeps
the output byte-identical for a seed.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from .blocks import Block, flatten
from .model import Bulletin
from .pages import needs_pages
from .params import PAGE_SIZES_MM, Layout

ARPHIC = Path("/usr/share/fonts/truetype/arphic")
WQY = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]
_REGISTERED: dict[str, str] = {}


def available() -> bool:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return True


def _font(kind: str, lay: Layout) -> str:
    """Register (once) and name the face for serif | sans | kai."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if kind == "serif" and lay.extra.get("serif_face", "STSong-Light") == "UMing":
        kind = "uming"
    elif kind == "serif":
        kind = "cid"
    if kind == "sans":
        wqy = next((p for p in WQY if p.exists()), None)
        if wqy is None:
            kind = "cid"
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    if kind == "cid":
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        name = "STSong-Light"
    elif kind == "uming":
        pdfmetrics.registerFont(TTFont("UMing", str(ARPHIC / "uming.ttc"), subfontIndex=0))
        name = "UMing"
    elif kind == "kai":
        pdfmetrics.registerFont(TTFont("UKai", str(ARPHIC / "ukai.ttc"), subfontIndex=0))
        name = "UKai"
    else:
        wqy = next(p for p in WQY if p.exists())
        pdfmetrics.registerFont(TTFont("WenQuanYiZenHei", str(wqy), subfontIndex=0))
        name = "WenQuanYiZenHei"
    _REGISTERED[kind] = name
    return name


def _styles(lay: Layout) -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    pt = lay.body_pt
    body = _font(lay.font_body, lay)
    lead = pt * lay.line_height
    base = ParagraphStyle(
        "base", fontName=body, fontSize=pt, leading=lead, wordWrap="CJK", alignment=TA_JUSTIFY
    )
    align = TA_CENTER if lay.title_align == "center" else TA_LEFT
    tsize = pt * lay.title_scale

    def st(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    sub_font = _font("sans", lay) if lay.subhead == "hei" else body
    mast_align = TA_LEFT if lay.masthead == "banner" else TA_CENTER
    return {
        "para": st(
            "para", firstLineIndent=2 * pt if lay.indent else 0, spaceAfter=lay.para_space_em * pt
        ),
        "preface": st("preface", fontName=_font("kai", lay), firstLineIndent=2 * pt),
        "title": st(
            "title",
            fontName=_font(lay.font_title, lay),
            fontSize=tsize,
            leading=tsize * 1.3,
            alignment=align,
            spaceBefore=lay.title_space_em * pt,
            spaceAfter=0.5 * pt,
        ),
        "subtitle": st("subtitle", alignment=align, spaceAfter=0.3 * pt),
        "extra": st(
            "extra",
            fontName=_font("kai", lay),
            alignment=TA_CENTER if align == TA_CENTER else TA_RIGHT,
        ),
        "subhead": st(
            "subhead",
            fontName=sub_font,
            fontSize=pt * lay.subhead_scale,
            spaceBefore=0.3 * pt,
            firstLineIndent=2 * pt if lay.indent and lay.subhead == "plain" else 0,
        ),
        "label": st(
            "label",
            fontSize=pt * (1.3 if lay.label_style == "large" else 1.0),
            spaceBefore=pt,
            spaceAfter=0.3 * pt,
            borderWidth=0.8 if lay.label_style == "box" else 0,
            borderColor="#333333" if lay.label_style == "box" else None,
            borderPadding=2 if lay.label_style == "box" else 0,
        ),
        "mast-title": st(
            "mast-title",
            fontSize=pt * 2.4,
            leading=pt * 3,
            alignment=mast_align,
            textColor="#bb0000",
        ),
        "mast-line": st("mast-line", alignment=mast_align),
        "toc-title": st(
            "toc-title", fontSize=pt * 1.4, leading=pt * 2, alignment=TA_CENTER, spaceBefore=pt
        ),
        "preface-title": st(
            "preface-title", fontSize=pt * 1.4, leading=pt * 2, alignment=TA_CENTER, spaceBefore=pt
        ),
        "toc-group": st("toc-group", spaceBefore=0.4 * pt),
        "toc-entry": st("toc-entry", leftIndent=pt if lay.toc_groups != "none" else 0),
        "colophon": st("colophon", fontSize=pt * 0.85, leading=pt * 1.3),
    }


def _bold(flowable):
    """Wrap a flowable so its text is drawn fill+stroke (render mode 2): an office fake bold."""
    from reportlab.platypus.flowables import Flowable

    class FakeBold(Flowable):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def wrap(self, aw, ah):
            return self.inner.wrap(aw, ah)

        def split(self, aw, ah):
            return [FakeBold(f) for f in self.inner.split(aw, ah)]

        def getSpaceBefore(self):
            return self.inner.getSpaceBefore()

        def getSpaceAfter(self):
            return self.inner.getSpaceAfter()

        def draw(self) -> None:
            c = self.canv
            c.saveState()
            c._code.append("2 Tr 0.35 w")
            self.inner.drawOn(c, 0, 0)
            c.restoreState()

    return FakeBold(flowable)


def _toc_text(bl: Block, lay: Layout, per_line: int) -> str:
    if bl.page is None:
        return bl.text
    if lay.toc_leaders:
        n = per_line - 1 - len(bl.text) % per_line - len(str(bl.page))
        return bl.text + "·" * max(4, 2 * n if n > 2 else 6) + str(bl.page)
    return f"{bl.text}　{bl.page}"


def _flowables(blocks: list[Block], lay: Layout, per_line: int) -> list:
    from reportlab.platypus import CondPageBreak, FrameBreak, PageBreak, Paragraph, Spacer
    from reportlab.platypus.flowables import BalancedColumns

    s = _styles(lay)
    out: list = []
    flow = lay.columns == 2 and lay.column_scope == "flow"
    body_cols = lay.columns == 2 and not flow
    run: list = []

    def flush() -> None:
        if run:
            if body_cols:
                out.append(BalancedColumns(list(run), nCols=2, spaceBefore=0, spaceAfter=4))
            else:
                out.extend(run)
            run.clear()

    seen_mast = False
    for bl in blocks:
        k = bl.kind
        if k == "break":
            flush()
            out.append(PageBreak() if bl.level == "page" else Spacer(1, lay.body_pt * 1.5))
            continue
        if seen_mast and not k.startswith("mast-") and flow:
            out.append(FrameBreak())
            seen_mast = False
        if k.startswith("mast-"):
            seen_mast = flow or seen_mast
        text = _toc_text(bl, lay, per_line) if k == "toc-entry" else bl.text
        p = Paragraph(escape(text), s[k])
        bold = (
            (k == "title" and lay.title_bold)
            or (k == "subhead" and lay.subhead == "bold")
            or (k == "label" and lay.label_style != "plain")
            or k in ("mast-title", "toc-title", "preface-title", "toc-group")
        )
        f = _bold(p) if bold else p
        if k == "title":
            f._article = bl.article  # afterFlowable records the page it lands on
        if k in ("para", "subhead"):
            run.append(f)
            continue
        flush()
        if k == "title":
            out.append(CondPageBreak(lay.body_pt * 5))
        out.append(f)
    flush()
    return out


def _furniture(b: Bulletin, lay: Layout, total: int):
    """The onPage callback: running header and page number."""
    from reportlab.lib.units import mm

    w, h = (x * mm for x in PAGE_SIZES_MM[lay.page])
    m = lay.margin_mm * mm
    size = max(7.0, lay.body_pt * 0.75)
    head = b.title or "产业科技动态"

    def draw(canvas, doc) -> None:
        n = doc.page
        right = n % 2 == 1  # page 1 is a right-hand page
        canvas.saveState()
        canvas.setFont(_font("serif", lay), size)
        if lay.header != "none" and n > 1:
            y = h - m + size * 1.2
            where = lay.header if lay.header != "outside" else ("right" if right else "left")
            if where == "left":
                canvas.drawString(m, y, head)
            elif where == "right":
                canvas.drawRightString(w - m, y, head)
            else:
                canvas.drawCentredString(w / 2, y, head)
            if lay.header_rule:
                canvas.setLineWidth(0.5)
                canvas.line(m, y - 3, w - m, y - 3)
        if lay.page_number != "none":
            text = lay.page_number.replace("N/M", f"{n}/{total}").replace("N", str(n))
            pos = lay.page_number_pos
            top = pos.startswith("top") and lay.header == "none"
            y = h - m + size * 1.2 if top else m - size * 2
            if pos.endswith("outside"):
                if right:
                    canvas.drawRightString(w - m, y, text)
                else:
                    canvas.drawString(m, y, text)
            elif pos == "bottom-right":
                canvas.drawRightString(w - m, y, text)
            else:
                canvas.drawCentredString(w / 2, y, text)
        canvas.restoreState()

    return draw


def _doc_class():
    from reportlab.platypus import BaseDocTemplate

    class Doc(BaseDocTemplate):
        """Records the page each article title is drawn on (for the TOC's page numbers)."""

        def afterFlowable(self, flowable) -> None:
            i = getattr(flowable, "_article", None)
            if i is not None:
                self.title_pages.setdefault(i, self.page)

    return Doc


def _build(
    b: Bulletin, lay: Layout, blocks: list[Block], total: int
) -> tuple[bytes, int, dict[int, int]]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Frame, PageTemplate

    w, h = (x * mm for x in PAGE_SIZES_MM[lay.page])
    m = lay.margin_mm * mm
    gap = lay.column_gap_mm * mm
    buf = io.BytesIO()
    doc = _doc_class()(
        buf,
        pagesize=(w, h),
        leftMargin=m,
        rightMargin=m,
        topMargin=m,
        bottomMargin=m,
        invariant=1,
        title=b.title or "",
        author="",
        creator="huikan layouts",
    )
    fw, fh = w - 2 * m, h - 2 * m
    draw = _furniture(b, lay, total)
    if lay.columns == 2 and lay.column_scope == "flow":
        cw = (fw - gap) / 2
        mast_h = fh * 0.32 if any(x.kind.startswith("mast-") for x in blocks) else 0
        first = [Frame(m, m + fh - mast_h, fw, mast_h, id="mast")] if mast_h else []
        first += [
            Frame(m, m, cw, fh - mast_h, id="c1"),
            Frame(m + cw + gap, m, cw, fh - mast_h, id="c2"),
        ]
        later = [Frame(m, m, cw, fh, id="l1"), Frame(m + cw + gap, m, cw, fh, id="l2")]
        doc.addPageTemplates(
            [
                PageTemplate("first", first, onPage=draw, autoNextPageTemplate="later"),
                PageTemplate("later", later, onPage=draw),
            ]
        )
        per_line = int(cw / (lay.body_pt))
    else:
        doc.addPageTemplates([PageTemplate("one", [Frame(m, m, fw, fh, id="f")], onPage=draw)])
        per_line = int(fw / (lay.body_pt))
    doc.title_pages = {}
    doc.build(_flowables(blocks, lay, per_line))
    return buf.getvalue(), doc.page, doc.title_pages


def render(b: Bulletin, lay: Layout) -> bytes:
    """PDF bytes for ``lay``, laid out again for true TOC page numbers and for N/M totals."""
    blocks = flatten(b, lay)
    data, total, found = _build(b, lay, blocks, 0)
    if needs_pages(lay):
        blocks = flatten(b, lay, found)
        data, total, _ = _build(b, lay, blocks, total)
    if lay.page_number == "N/M":
        data, _, _ = _build(b, lay, blocks, total)
    return data
