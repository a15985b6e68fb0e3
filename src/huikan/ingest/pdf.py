"""PDF reader of the ingest stage: a bulletin PDF → :class:`~huikan.model.Document`.

The splitter needs the bulletin as ordered, paragraph-like blocks with typographic cues.
This module opens the file (turning every way a PDF can be unusable into an
:class:`~huikan.model.IngestError` with a plain Chinese reason), reads glyphs page by page
(:mod:`.pdf_chars`; pdfminer's interpreter with the faster tokenisers of :mod:`.pdf_content`
and :mod:`.pdf_objects`), puts them in reading order without running heads (:mod:`.pdf_layout`)
and joins lines into blocks (:mod:`.pdf_blocks`). Pages are interpreted one at a time and
only plain tuples survive a page, so memory stays bounded on long archives.

Usage::

    from huikan.ingest.pdf import read_pdf
    doc = read_pdf(Path("issues/2024-04.pdf"))
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pdfminer.pdfdocument import (
    PDFDocument,
    PDFEncryptionError,
    PDFNoOutlines,
    PDFPasswordIncorrect,
    PDFXRefFallback,
)
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from huikan.ingest.pdf_blocks import build_blocks, classify_toc
from huikan.ingest.pdf_chars import Char, CharSink, FontInfo
from huikan.ingest.pdf_columns import body_geometry, edges, reading_order
from huikan.ingest.pdf_content import FastInterpreter
from huikan.ingest.pdf_layout import PageData, build_segments, remove_running_heads, rows_of
from huikan.ingest.pdf_lines import Line, leaf_lines, splits_fields
from huikan.ingest.pdf_objects import FastDocument, FastResourceManager, faster_pdfminer
from huikan.ingest.pdf_scan import GARBLED_SHARE, check_scans, read_scanned_pages
from huikan.ingest.split_doc import PREFACE_TITLES, titles_level
from huikan.ingest.textutil import squash, width
from huikan.ingest.toc_lines import TOC_HEADERS
from huikan.model import Document, IngestError, Region, Warning

if TYPE_CHECKING:
    from huikan.ingest.ocr import OcrOptions


# Private-use code points, U+FFFD (unmapped glyph) and control characters other than \t\n\r;
# one regular expression so the per-glyph test runs in C.
_GARBAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")
_BLANK = re.compile(r"\s")  # the characters str.isspace() is true of


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning for every harmless oddity; keep the build output readable."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# --- document info ------------------------------------------------------------------------

_JUNK_TITLE = re.compile(
    r"\.(?:docx?|wps|pdf|txt|rtf|xlsx?|pptx?|indd|html?|qxp|ps|tmp)$"
    r"|^(?:microsoft\s+(?:word|powerpoint|excel)|wps\s|document\d*$|untitled|无标题|新建|文档\d*$"
    r"|slide\s*\d*$|title$|标题$)"
    r"|^[0-9a-f]{8,}(?:-[0-9a-f]{4,}){0,4}$"
    r"|[/\\]",
    re.I,
)


def _decode(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    return value if isinstance(value, str) else ""


def meta_title(doc: PDFDocument, stem: str) -> str | None:
    """The document-info Title, unless it is a file name, a hash, a placeholder or empty."""
    for info in doc.info or []:
        try:
            title = _decode(resolve1(info).get("Title"))
        except Exception:  # a broken info dict just means: no title
            continue
        title = re.sub(r"\s+", " ", title.replace("\x00", "")).strip()
        if len(title) < 2 or _JUNK_TITLE.search(title):
            continue
        if title.lower() == stem.lower() or not re.search(r"[A-Za-z\u4e00-\u9fff]", title):
            continue
        if re.fullmatch(r"[\w\-. ]+", title, re.A) and re.search(r"\d{4,}|_", title):
            continue  # scan_20240401_001 and friends
        return title
    return None


def outline_titles(doc: PDFDocument) -> list[str]:
    """Bookmark titles of the articles, in document order; empty when there are none.

    An office suite exports every heading style as a bookmark: the masthead, "目录" and group
    headings, the article titles, and their sub-headings, one level each. The article titles
    are the shallowest level whose entries are title-length (a group or masthead line is a
    few characters; see :func:`article_level`).
    """
    entries: list[tuple[int, str]] = []
    try:
        for level, title, *_ in doc.get_outlines():
            text = re.sub(r"\s+", " ", _decode(title)).strip()
            if text:
                entries.append((int(level or 1), text))
            if len(entries) >= 5000:  # cyclic outline trees exist in the wild
                break
    except PDFNoOutlines:
        return []
    except Exception:  # a broken outline must not make the file unreadable
        pass
    level = article_level(entries)
    return [t for lv, t in entries if lv == level]


_BRACKETED = re.compile(r"^\s*[【〔［\[〖〘][^】〕］\]〗〙]*[】〕］\]〗〙]\s*$")


def article_level(entries: list[tuple[int, str]]) -> int | None:
    """The outline level that holds the article titles (:func:`~.split_doc.titles_level`:
    title-length entries), not counting bookmarks of the 编者按 or the TOC itself, nor labels
    in brackets ("〔数字经济产业〕": a group, however long its name); else the shallowest."""
    by_level: dict[int, list[float]] = {}
    for lv, t in entries:
        by_level.setdefault(lv, [])
        key = squash(t)
        if key not in PREFACE_TITLES and key not in TOC_HEADERS and not _BRACKETED.match(t):
            by_level[lv].append(width(t))
    level = titles_level(by_level)
    return level if level is not None else min(by_level, default=None)


# --- opening --------------------------------------------------------------------------------


def _open(path: Path, fp) -> PDFDocument:
    name = path.name
    head = fp.read(1024)
    fp.seek(0)
    if b"%PDF-" not in head:
        raise IngestError(
            name, "不是PDF文件（文件头缺少 %PDF 标记），可能已损坏或扩展名有误", code="corrupt"
        )
    try:
        doc = FastDocument(PDFParser(fp), password="")
    except PDFPasswordIncorrect as err:
        raise IngestError(
            name, "文件已加密，需要密码才能打开；请提供未加密的版本", code="encrypted"
        ) from err
    except PDFEncryptionError as err:
        raise IngestError(
            name, f"文件使用了无法解开的加密方式（{err}）；请提供未加密的版本", code="encrypted"
        ) from err
    except Exception as err:  # pdfminer raises many types on broken files
        raise IngestError(
            name, f"PDF文件已损坏，无法解析（{type(err).__name__}）", code="corrupt"
        ) from err
    if any(isinstance(x, PDFXRefFallback) for x in doc.xrefs):
        fp.seek(0, 2)
        size = fp.tell()
        fp.seek(max(0, size - 32768))
        tail = fp.read()
        fp.seek(0)
        if b"%%EOF" not in tail:
            raise IngestError(
                name, "PDF文件不完整（结尾缺失，可能在下载或复制时被截断）", code="corrupt"
            )
    return doc


def _page_height(page: PDFPage) -> tuple[float, float]:
    x0, y0, x1, y1 = page.mediabox
    w, h = abs(x1 - x0), abs(y1 - y0)
    return (h, w) if (page.rotate or 0) % 180 == 90 else (w, h)


def _read_pages(
    doc: PDFDocument, name: str, warnings: list[Warning]
) -> tuple[list[PageData], list[FontInfo]]:
    """Interpret pages one at a time, keeping only glyph runs and counters."""
    rsrcmgr = FastResourceManager(caching=True)
    sink = CharSink(rsrcmgr)
    interpreter = FastInterpreter(rsrcmgr, sink)
    pages: list[PageData] = []
    failed = 0
    try:
        for number, page in enumerate(PDFPage.create_pages(doc), start=1):
            width, height = _page_height(page)
            sink.reset(height)
            try:
                interpreter.process_page(page)
            except Exception as err:  # one broken page must not sink the issue
                failed += 1
                warnings.append(
                    Warning(
                        "pdf-page-error",
                        f"第{number}页无法解析（{type(err).__name__}），已跳过",
                        file=name,
                        page=number,
                    )
                )
            good, glyphs = _visible(sink.chars)
            pages.append(
                PageData(
                    number=number,
                    width=width,
                    height=height,
                    segs=build_segments(good),
                    images=sink.images,
                    garbage=len(sink.chars) - len(good),
                    glyphs=glyphs,
                )
            )
            sink.reset(0.0)
    except IngestError:
        raise
    except Exception as err:  # a broken page tree
        if not pages:
            raise IngestError(
                name, f"PDF页面结构已损坏，无法读取（{type(err).__name__}）", code="corrupt"
            ) from err
        warnings.append(
            Warning("pdf-page-error", f"第{len(pages) + 1}页之后的页面无法读取", file=name)
        )
    if pages and failed == len(pages):
        raise IngestError(name, "PDF文件已损坏，所有页面都无法解析", code="corrupt")
    return pages, sink.fonts


def _visible(chars: list[Char]) -> tuple[list[Char], int]:
    """The page's glyphs without unreadable ones, and how many glyphs are not blank (unreadable
    ones included). One regular-expression pass over the page's text decides for the usual
    page of single-character glyphs, none of them garbage; otherwise glyph by glyph."""
    texts = [c[4] for c in chars]
    joined = "".join(texts)
    if len(joined) == len(texts) and "" not in texts and not _GARBAGE.search(joined):
        return chars, len(joined) - len(_BLANK.findall(joined))
    garbled = _GARBAGE.search
    good = [c for c in chars if not garbled(c[4])]
    return good, sum(1 for t in texts if t and not t.isspace())


def _check_text(
    pages: list[PageData], name: str, warnings: list[Warning], ocr_tried: bool = False
) -> None:
    """Refuse files without a text layer and mis-encoded files; warn about dropped garbage.
    ``ocr_tried``: OCR looked at the unreadable pages and found no text on them."""
    glyphs = sum(p.glyphs for p in pages)
    garbage = sum(p.garbage for p in pages)
    if glyphs == 0:
        if ocr_tried:
            raise IngestError(
                name, "这是扫描件，但OCR文字识别也没有在页面上找到文字", code="scanned"
            )
        if any(p.images for p in pages):
            raise IngestError(
                name, "这是扫描件：页面只有图片、没有文字层，需要先做OCR文字识别", code="scanned"
            )
        raise IngestError(
            name,
            "PDF里没有可提取的文字（可能是扫描件或文字已转成曲线），需要先做OCR文字识别",
            code="scanned",
        )
    if garbage >= GARBLED_SHARE * glyphs:
        raise IngestError(
            name,
            f"文字编码无法识别（{garbage}/{glyphs} 个字符是乱码），字体缺少Unicode映射；"
            "请用正确嵌入字体的方式重新导出PDF",
            code="garbled",
        )
    text = "".join(s.text for p in pages for s in p.segs)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin1 = sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff")
    if text and cjk < 0.05 * len(text) and latin1 >= 0.3 * len(text):
        raise IngestError(
            name, "文字编码错乱（中文被映射成了西文字母），请重新导出PDF", code="garbled"
        )
    if garbage and garbage >= 0.01 * glyphs:
        warnings.append(
            Warning("pdf-garbage-chars", f"有 {garbage} 个无法识别的字符已删除", file=name)
        )


def _bold_fonts(pages: list[PageData], fonts: list[FontInfo], body_size: float) -> list[bool]:
    """Which fonts read as bold next to the body face (weights relative, Hei on Song = bold)."""
    use: Counter[int] = Counter()
    for p in pages:
        for s in p.segs:
            if abs(s.size - body_size) <= 0.1 * body_size:
                use[s.fid] += s.n
    if not use:
        return [f.weight >= 600 for f in fonts]
    body = fonts[use.most_common(1)[0][0]]
    out = []
    for f in fonts:
        heavier = f.weight >= 500 and f.weight - body.weight >= 100
        heading_face = f.sans and not body.sans and f.weight >= body.weight
        out.append(heavier or heading_face)
    return out


def _frame(page: PageData, doc_box: tuple[float, float]) -> tuple[float, float]:
    x0, x1 = edges(page.segs)
    if len(rows_of(page.segs)) < 8:  # a sparse page: its own extent says little
        x0, x1 = min(x0, doc_box[0]), max(x1, doc_box[1])
    return x0, x1


def read_pdf(path: Path, ocr: OcrOptions | None = None) -> Document:
    """Read a bulletin PDF into blocks in reading order; raise IngestError if unusable.

    Pages without a usable text layer are read by OCR (``ocr``: workers, cache, progress)."""
    path = Path(path)
    name = path.name
    warnings: list[Warning] = []
    try:
        fp = path.open("rb")
    except OSError as err:
        raise IngestError(
            name, f"无法打开文件（{err.strerror or err}）", code="unreadable"
        ) from err
    with fp, _quiet_pdfminer(), faster_pdfminer():
        doc = _open(path, fp)
        outline = outline_titles(doc)
        title = meta_title(doc, path.stem)
        pages, fonts = _read_pages(doc, name, warnings)
        del doc
    if not pages:
        raise IngestError(name, "PDF文件里没有任何页面", code="no-pages")
    ocr_pages, ocr_tried = read_scanned_pages(path, pages, fonts, ocr, warnings)
    _check_text(pages, name, warnings, ocr_tried)
    geo = body_geometry(pages)
    dropped: list[Region] = []
    remove_running_heads(pages, geo.body_size, dropped)
    check_scans(pages, name, warnings, ocr_tried)
    bold = _bold_fonts(pages, fonts, geo.body_size)
    lefts = sorted(min(s.x0 for s in p.segs) for p in pages if p.segs)
    rights = sorted(max(s.x1 for s in p.segs) for p in pages if p.segs)
    doc_box = (lefts[len(lefts) // 2], rights[len(rights) // 2]) if lefts else (0.0, 0.0)
    lines: list[Line] = []
    leaf_no = 0
    for page in pages:
        if not page.segs:
            continue
        page_lines: list[Line] = []
        fields = splits_fields(page.segs)
        for leaf in reading_order(page.segs, geo, _frame(page, doc_box)):
            page_lines.extend(leaf_lines(leaf, page.number, leaf_no, bold, fields))
            leaf_no += 1
        if page_lines:
            page_lines[0].first_on_page = True
        classify_toc(page_lines, geo)
        lines.extend(page_lines)
    return Document(
        blocks=build_blocks(lines, geo),
        pages=len(pages),
        outline=outline,
        meta_title=title,
        warnings=warnings,
        page_sizes=[(round(p.width, 1), round(p.height, 1)) for p in pages],
        dropped=dropped,
        ocr_pages=ocr_pages,
    )
