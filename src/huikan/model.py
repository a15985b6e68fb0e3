"""The data model shared by ingest, classification, search and rendering.

Ingest turns a file into an :class:`IngestResult`; everything downstream reads only these
dataclasses (never the source file again), which is what makes ingest results cacheable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any


@dataclass
class Block:
    """One paragraph-like unit of a bulletin, with the typographic cues the splitter uses.

    Both the text reader and the PDF reader produce blocks, so the splitter never needs to
    know where a bulletin came from. Hard-wrapped lines are already joined into one block.
    """

    text: str
    page: int | None = None  # 1-based page (PDF; text files with form feeds)
    line: int | None = None  # 1-based source line where the block starts (text inputs)
    size: float = 1.0  # font size relative to the body text size (text inputs: 1.0)
    bold: bool = False  # the whole block is set in a bold face (or **marked** in Markdown)
    centered: bool = False  # horizontally centred on the page/column
    heading: int = 0  # Markdown heading level 1-6, 0 if none
    lines: int = 1  # physical lines joined into this block
    gap_before: float = 0.0  # blank space above: blank lines (text) or body line heights (PDF)
    indent: bool = False  # starts with a paragraph indent / leading space
    page_top: bool = False  # first block on its page (after running headers are removed)
    # Decorations read off the text by ingest.decor: a leading title marker ("◆"), a whole
    # block in brackets ("【国内动态】"), or a bracketed label in front of a title.
    marker: str = ""
    bracketed: bool = False
    furniture: bool = False  # a running head or page number (text dumps keep it, flagged)
    label: str | None = None
    # Where it is printed (PDF): one (page, x0, top, x1, bottom) rectangle per page and column
    # it spans, in points from the page's top-left corner. Used by ``huikan review`` only.
    boxes: list[tuple[int, float, float, float, float]] = field(default_factory=list)
    end_line: int | None = None  # last source line of the block (text inputs)


@dataclass
class Document:
    """What a reader extracted from one file, before splitting."""

    blocks: list[Block]
    pages: int | None = None
    outline: list[str] = field(default_factory=list)  # PDF bookmarks, in order
    meta_title: str | None = None  # document-info title, when it looks like a real title
    # Width of a full body line in CJK character cells (hard-wrapped input), if the reader knows.
    measure: float | None = None
    warnings: list[Warning] = field(default_factory=list)
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # PDF (width, height)
    # Running headers/footers and page numbers the PDF reader removed before making blocks.
    dropped: list[Region] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # PDF pages whose text OCR read


@dataclass
class Region:
    """Where a piece of the bulletin is printed and what the split made of it (for review).

    ``kind``: "title" and "body" (of article ``article``, its position in ``articles``),
    "masthead", "toc", "preface", "column", "colophon", "header", "footer", "page-number",
    "dropped" (by the sidecar) or "leftover" (in no article). PDF regions have ``page`` and
    ``bbox`` = [x0, top, x1, bottom] in points from the page's top-left corner; text regions
    have ``line``..``end_line`` (1-based source lines).
    """

    kind: str
    page: int | None = None
    bbox: list[float] | None = None
    line: int | None = None
    end_line: int | None = None
    article: int | None = None
    text: str = ""


@dataclass
class Warning:
    """A problem worth telling the editor about; never fatal by itself."""

    code: str  # stable machine-readable code, e.g. "empty-body", "no-date", "no-boundary"
    message: str  # plain-language Chinese/English message naming what is wrong
    file: str | None = None
    page: int | None = None
    line: int | None = None
    article: str | None = None  # article title, when the warning concerns one article

    def __str__(self) -> str:
        where = self.file or ""
        if self.page:
            where += f" 第{self.page}页"
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class BulletinMeta:
    """Masthead metadata of one bulletin issue; ``None`` where nothing is printed."""

    title: str | None = None
    publisher: str | None = None
    number: str | None = None  # as printed, e.g. "第8期（总第39期）"
    date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    source_file: str = ""
    pages: int | None = None
    preface: str | None = None  # 编者按 / 卷首语 printed before the articles, if any
    kind: str = "text"  # "pdf" or "text": what the source file is
    slug: str | None = None  # URL slug pinned by the sidecar; otherwise derived from the file name
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR (scans): check them


@dataclass
class TermWeight:
    """One vocabulary term found in an article and what it added to its cluster's score."""

    term: str
    weight: float


@dataclass
class ClusterWhy:
    """Why an article got its cluster, as ``huikan ingest`` shows it.

    ``cue`` is where the decision came from: a printed cue ("toc", "byline", "column", with
    the printed text in ``printed``), the text's vocabulary ("keywords"; "several" when three
    or more industries score alike and the article is therefore 综合; "default" when no
    cluster's vocabulary occurs enough), or the editor ("sidecar"). ``terms`` are the chosen
    cluster's strongest terms (for "several", the leading industry's); ``ratio`` is the
    runner-up's score over the winner's (0: no contest, 1: a tie; for "several", how near the
    call came to one industry leading instead, 1 at the line). ``uncertain`` marks a decision
    an editor should confirm (the "集群不确定" warning).
    """

    cue: str
    printed: str | None = None
    terms: list[TermWeight] = field(default_factory=list)
    score: float = 0.0
    runner_up: str | None = None
    runner_up_score: float = 0.0
    ratio: float = 0.0
    uncertain: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClusterWhy:
        terms = [TermWeight(**t) for t in data.get("terms") or []]
        return cls(**{**data, "terms": terms})


@dataclass
class Article:
    """One self-contained piece of a bulletin."""

    title: str
    text: str  # body: clean plain paragraphs separated by blank lines, no Markdown marks
    subtitle: str | None = None
    column: str | None = None  # 栏目 printed above it
    cluster: str = "综合"  # primary industry cluster (display name from site.yml)
    clusters: list[str] = field(default_factory=list)  # plausible clusters, best first
    byline: str | None = None
    source: str | None = None
    page: int | None = None  # 1-based page where the article starts (PDF)
    line: int | None = None  # 1-based source line of the title (text inputs)
    slug: str | None = None  # pinned by a sidecar; otherwise derived at render time
    cluster_cue: str | None = None  # why this cluster: "toc", "byline", "column", "keywords", ...
    cluster_why: ClusterWhy | None = None  # the evidence behind ``cluster`` and its runner-up
    # The same body as Markdown for rendering: sub-headings as "### …", bold lead-ins as
    # "**…**", lists as "- …". Stripping its marks gives ``text``.
    markdown: str = ""


@dataclass
class IngestResult:
    """The whole outcome of ingesting one bulletin file: pure data, JSON-serialisable."""

    bulletin: BulletinMeta
    articles: list[Article]
    warnings: list[Warning] = field(default_factory=list)
    sha256: str = ""  # of the source file's bytes
    # Printed text that is in no article: masthead, TOC, colophon, page numbers, dropped blocks.
    # Kept so that an editor (and the tests) can see that nothing was silently lost.
    leftover: list[str] = field(default_factory=list)
    # Where each article, the front matter and what was dropped are printed (``huikan review``).
    regions: list[Region] = field(default_factory=list)
    page_sizes: list[list[float]] = field(default_factory=list)  # PDF pages: [width, height]

    def to_json(self) -> dict[str, Any]:
        """The shape printed by ``huikan ingest --json`` (a superset of the documented one)."""
        return {
            "bulletin": plain(self.bulletin),
            "articles": [plain(a) for a in self.articles],
            "warnings": [plain(w) for w in self.warnings],
            "sha256": self.sha256,
            "leftover": list(self.leftover),
            "regions": [plain(r) for r in self.regions],
            "page_sizes": [list(s) for s in self.page_sizes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IngestResult:
        return cls(
            bulletin=BulletinMeta(**data["bulletin"]),
            articles=[_article(a) for a in data["articles"]],
            warnings=[Warning(**w) for w in data.get("warnings", [])],
            sha256=data.get("sha256", ""),
            leftover=list(data.get("leftover", [])),
            regions=[Region(**r) for r in data.get("regions", [])],
            page_sizes=[list(s) for s in data.get("page_sizes", [])],
        )


class IngestError(Exception):
    """A bulletin that cannot be read at all (corrupt, encrypted, scanned, mis-encoded...).

    The message is plain language and names the file; the build reports it and skips the file
    (or fails under ``--strict``).
    """

    def __init__(
        self, file: str, reason: str, *, code: str = "unreadable", page: int | None = None
    ):
        self.file = file
        self.reason = reason
        self.code = code
        self.page = page
        where = f"{file} 第{page}页" if page else file
        super().__init__(f"{where}: {reason}")


def _article(data: dict[str, Any]) -> Article:
    why = data.get("cluster_why")
    if isinstance(why, dict):
        data = {**data, "cluster_why": ClusterWhy.from_json(why)}
    return Article(**data)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def plain(obj: Any) -> Any:
    """``dataclasses.asdict`` for the model's records, without its deep copies: the same
    dicts, lists and tuples, sharing the (immutable) strings and numbers. Every ingest
    result is turned into JSON for the cache; asdict took an eighth of a text bulletin's
    ingest time."""
    if hasattr(obj, "__dataclass_fields__"):
        return {name: plain(getattr(obj, name)) for name in _field_names(type(obj))}
    if isinstance(obj, list):
        return [plain(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(plain(x) for x in obj)
    if isinstance(obj, dict):
        return {plain(k): plain(v) for k, v in obj.items()}
    return obj
