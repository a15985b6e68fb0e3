"""Random layout parameters, drawn deterministically from a seed.

A *family* is a preset that pins the traits the issue names (e.g. 公文: 三号 body, 黑体
sub-headings at body size, 二号 titles, "— N —" at the outside corner) while everything it does
not pin is still drawn at random, so no family is ever one fixed file. ``random`` pins nothing.
Every parameter is a plain JSON value: the index and the benchmark report them verbatim.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, field
from typing import Any

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210, 297),
    "A5": (148, 210),
    "B5": (176, 250),
    "16K": (184, 260),
}
PDF_PRODUCERS = ("chromium", "reportlab", "libreoffice")
TEXT_PRODUCERS = ("text", "markdown")
PAGE_NUMBER_STYLES = ("— N —", "- N -", "第N页", "N/M", "N", "第 N 页")
TITLE_MARKERS = ("◆", "■", "●", "▲", "★")


@dataclass
class Layout:
    """Everything a producer needs to typeset one bulletin; JSON-serialisable."""

    family: str
    producer: str
    seed: int
    # page (PDF producers)
    page: str = "A4"
    margin_mm: float = 20.0
    columns: int = 1
    column_scope: str = "body"  # body: articles only; flow: TOC, 编者按 and titles too
    column_gap_mm: float = 8.0
    # body text
    body_pt: float = 10.5
    line_height: float = 1.6
    para_space_em: float = 0.3
    indent: bool = True
    font_body: str = "serif"  # serif | sans | kai
    # titles
    title_scale: float = 1.6
    title_bold: bool = True
    title_align: str = "center"  # center | left
    font_title: str = "sans"
    title_space_em: float = 1.0  # extra space above a title
    title_marker: str = ""  # ◆ ■ … printed before each title (not part of the gold title)
    article_break: str = "none"  # none | page: every article starts a new page
    # sub-headings
    subhead: str = "bold"  # bold | hei (黑体, not bold) | plain (numbered text at body size)
    subhead_scale: float = 1.0
    # column / cluster labels printed between articles
    labels: str = "column"  # column | cluster | both | none
    label_style: str = "bold"  # bold | box | rule | plain | large
    label_brackets: str = ""  # "" | 【】 | 〔〕 | [] around labels
    # table of contents
    toc: str = "own_page"  # none | own_page | inline
    toc_pages: bool = True
    toc_leaders: bool = True
    toc_groups: str = "column"  # column | cluster | none
    toc_title: str = "目录"
    # masthead, running header, page numbers
    masthead: str = "big"  # big | banner | compact | none
    masthead_own_page: bool = False
    header: str = "none"  # none | left | center | right | outside
    header_rule: bool = False
    page_number: str = "— N —"
    page_number_pos: str = (
        "bottom-center"  # bottom-center | bottom-outside | top-outside | bottom-right
    )
    # text producers
    wrap: int = 0  # hard wrap at this many full-width characters (0: one line per paragraph)
    page_lines: int = 0  # a page line ("— N —") and running header every ~this many lines
    blank_between: bool = True
    md_headings: str = "atx"  # atx | setext | bold (Markdown producer)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def pdf(self) -> bool:
        return self.producer in PDF_PRODUCERS


def rng_for(*parts: object) -> random.Random:
    """A ``random.Random`` seeded from ``parts`` by SHA-256 (stable across Python runs)."""
    h = hashlib.sha256(repr(parts).encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def _j(r: random.Random, lo: float, hi: float, nd: int = 2) -> float:
    return round(r.uniform(lo, hi), nd)


def draw_random(r: random.Random, seed: int, producer: str, family: str = "random") -> Layout:
    """Every trait drawn independently."""
    two = r.random() < 0.35
    page = r.choice(list(PAGE_SIZES_MM))
    return Layout(
        family=family,
        producer=producer,
        seed=seed,
        page=page,
        margin_mm=_j(r, 12, 25, 1),
        columns=2 if two else 1,
        column_scope=r.choice(["body", "flow"]) if two else "body",
        column_gap_mm=_j(r, 5, 12, 1),
        body_pt=_j(r, 9, 12.5 if page in ("A4", "16K") else 11, 1),
        line_height=_j(r, 1.3, 2.0),
        para_space_em=r.choice([0.0, 0.0, _j(r, 0.1, 0.9)]),
        indent=r.random() < 0.75,
        font_body=r.choice(["serif", "serif", "sans", "kai"]),
        title_scale=_j(r, 1.0, 2.2),
        title_bold=r.random() < 0.6,
        title_align=r.choice(["center", "left"]),
        font_title=r.choice(["serif", "sans", "kai"]),
        title_space_em=_j(r, 0.3, 2.0),
        title_marker=r.choice(TITLE_MARKERS) if r.random() < 0.12 else "",
        article_break="page" if r.random() < 0.1 else "none",
        subhead=r.choice(["bold", "hei", "plain"]),
        subhead_scale=r.choice([1.0, 1.0, _j(r, 1.0, 1.2)]),
        labels=r.choice(["column", "column", "cluster", "both", "none"]),
        label_style=r.choice(["bold", "box", "rule", "plain", "large"]),
        label_brackets=r.choice(["", "", "", "【】", "〔〕"]),
        toc=r.choice(["none", "own_page", "own_page", "inline"]),
        toc_pages=r.random() < 0.6,
        toc_leaders=r.random() < 0.5,
        toc_groups=r.choice(["column", "cluster", "none"]),
        toc_title=r.choice(["目录", "目 录", "本期要目", "本期导读", "目  录"]),
        masthead=r.choice(["big", "banner", "compact", "none"]),
        masthead_own_page=r.random() < 0.3,
        header=r.choice(["none", "none", "left", "center", "right", "outside"]),
        header_rule=r.random() < 0.5,
        page_number=r.choice([*PAGE_NUMBER_STYLES, "none"]),
        page_number_pos=r.choice(
            ["bottom-center", "bottom-outside", "top-outside", "bottom-right"]
        ),
        wrap=r.choice([0, r.randint(30, 45)]),
        page_lines=r.choice([0, r.randint(35, 45)]),
        blank_between=r.random() < 0.7,
        md_headings=r.choice(["atx", "setext", "bold"]),
    )


# Families: name → (producers to draw from, weight, function pinning traits on a random draw).
def _bold_body_centred(r: random.Random, lay: Layout) -> None:
    lay.title_scale, lay.title_bold, lay.title_align = _j(r, 1.0, 1.08), True, "center"
    lay.font_title = lay.font_body if r.random() < 0.5 else lay.font_title
    lay.subhead, lay.subhead_scale = "bold", 1.0
    lay.toc, lay.toc_pages = r.choice(["own_page", "inline"]), False
    lay.title_marker = ""


def _two_col_flow(r: random.Random, lay: Layout) -> None:
    lay.page, lay.columns, lay.column_scope = "B5", 2, "flow"
    lay.toc = r.choice(["inline", "inline", "own_page"])
    lay.masthead_own_page = False
    lay.body_pt = _j(r, 8.5, 10.5, 1)
    lay.margin_mm = _j(r, 12, 18, 1)


def _gongwen(r: random.Random, lay: Layout) -> None:
    lay.page, lay.body_pt = "A4", 16.0
    lay.font_body = r.choice(["serif", "kai"])
    lay.subhead, lay.subhead_scale = "hei", 1.0
    lay.title_scale, lay.title_bold, lay.font_title = 22 / 16, r.random() < 0.5, "serif"
    lay.title_align = "center"
    lay.page_number, lay.page_number_pos = "— N —", "bottom-outside"
    lay.line_height = _j(r, 1.45, 1.75)
    lay.margin_mm = _j(r, 25, 30, 1)
    lay.columns, lay.column_scope = 1, "body"
    lay.indent = True


def _a5_booklet(r: random.Random, lay: Layout) -> None:
    lay.page, lay.columns, lay.column_scope = "A5", 1, "body"
    lay.title_scale, lay.title_bold = _j(r, 1.3, 1.5), False
    lay.body_pt = _j(r, 9, 10.5, 1)
    lay.margin_mm = _j(r, 12, 18, 1)


def _office(r: random.Random, lay: Layout) -> None:
    lay.columns, lay.column_scope = 1, "body"
    lay.title_scale = _j(r, 1.3, 1.8)
    lay.title_marker = ""


def _text_markers(r: random.Random, lay: Layout) -> None:
    lay.title_marker = r.choice(TITLE_MARKERS[:1] * 3 + TITLE_MARKERS)
    lay.label_brackets = r.choice(["【】", "【】", "〔〕"])
    lay.labels = r.choice(["cluster", "both", "column"])


def _text_wrapped(r: random.Random, lay: Layout) -> None:
    lay.wrap = r.randint(34, 42)
    lay.page_lines = r.randint(36, 44)
    lay.page_number = r.choice(["— N —", "— N —", "- N -", "第 N 页"])
    lay.header = "center"


FAMILIES: dict[str, tuple[tuple[str, ...], float, Any]] = {
    "bold-body-centred": (("chromium", "reportlab"), 1.0, _bold_body_centred),
    "two-col-flow-b5": (("chromium", "reportlab"), 1.0, _two_col_flow),
    "gongwen": (("reportlab", "chromium"), 1.0, _gongwen),
    "a5-booklet": (("chromium", "reportlab"), 1.0, _a5_booklet),
    "office-headings": (("libreoffice",), 0.8, _office),
    "text-markers": (("text", "markdown"), 1.0, _text_markers),
    "text-wrapped": (("text",), 1.0, _text_wrapped),
    "random-pdf": (("chromium", "reportlab", "chromium"), 2.0, None),
    "random-text": (("text", "markdown"), 1.0, None),
}


def draw(seed: int, family: str | None = None, producers: tuple[str, ...] | None = None) -> Layout:
    """The layout for ``seed`` (family drawn too unless given); same seed → same layout."""
    r = rng_for("layout", seed)
    names = [f for f in FAMILIES if producers is None or set(FAMILIES[f][0]) & set(producers)]
    if family is None:
        family = r.choices(names, weights=[FAMILIES[f][1] for f in names])[0]
    prods, _, pin = FAMILIES[family]
    allowed = [p for p in prods if producers is None or p in producers] or list(prods)
    producer = r.choice(allowed)
    lay = draw_random(r, seed, producer, family)
    if pin is not None:
        pin(r, lay)
    if lay.columns == 1:
        lay.column_scope = "body"
    return lay
