"""Where each title really landed, so the printed TOC carries true page numbers.

A bulletin's TOC numbers are right; a generator that printed estimates would teach a splitter
(and its self-check, e.g. "第 3–8 页没有文章开头") to distrust them. PDF producers therefore
lay out twice: the first PDF's text is extracted per page (pdfminer, a dependency already),
the titles are found *in reading order* (a cursor walks TOC entries and titles as they are
printed, so a TOC entry never passes for its article's title), and the second run prints the
pages found (the second layout differs from the first only in the TOC's digits). A title that
cannot be found keeps its estimate.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from .blocks import Block
from .model import squash


def page_texts(pdf: bytes) -> list[str]:
    """The squashed text of every page: poppler's ``pdftotext`` when installed (~1 s for 20
    pages), else pdfminer without layout analysis (10× slower, same answer for this use)."""
    exe = shutil.which("pdftotext")
    if exe:
        out = subprocess.run([exe, "-q", "-", "-"], input=pdf, capture_output=True, check=True)
        pages = out.stdout.decode("utf-8", "replace").split("\f")
        if pages and not pages[-1].strip():
            pages.pop()
        return [squash(p) for p in pages]
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    def chars(obj):
        for x in obj:
            if isinstance(x, LTChar):
                yield x.get_text()
            elif isinstance(x, LTContainer):
                yield from chars(x)

    return [squash("".join(chars(p))) for p in extract_pages(io.BytesIO(pdf), laparams=None)]


def title_pages(pages: list[str], blocks: list[Block]) -> dict[int, int]:
    """``{article index: page number}`` for the title blocks found in ``pages``."""
    text = "".join(pages)
    starts, pos = [], 0
    for p in pages:
        starts.append(pos)
        pos += len(p)
    found: dict[int, int] = {}
    cursor = 0
    for bl in blocks:
        if bl.kind not in ("toc-entry", "title"):
            continue
        needle = squash(bl.text)
        at = text.find(needle, cursor)
        if at < 0 and bl.kind == "title":  # a marker or a wrapped title: try its first half
            needle = needle[: max(4, len(needle) // 2)]
            at = text.find(needle, cursor)
        if at < 0:
            continue
        cursor = at + len(needle)
        if bl.kind == "title":
            page = max(i for i, s in enumerate(starts) if s <= at) + 1
            found[bl.article] = page
    return found


def needs_pages(lay) -> bool:
    """Does the layout print TOC page numbers (so a second layout pass is worth it)?"""
    return lay.toc != "none" and lay.toc_pages
