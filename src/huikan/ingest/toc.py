"""Find a bulletin's table of contents and read its entries.

The TOC is the strongest cue the splitter has: it names every article exactly, and the group
headings it lists them under are either industry clusters ("集成电路与 ICT 产业") or columns
("理论", "园区"). Printed TOCs come as dot-leader lines ("标题……3"), tab-separated page
numbers, "01 / 标题" lists, bullet lists under 本期要目, and entries wrapped over two lines.
Each region is read by :class:`huikan.ingest.toc_region.RegionParser`; this module finds
the regions (and a TOC's continuation that the reading order put before its header).
"""

from __future__ import annotations

from huikan.config import Taxonomy
from huikan.ingest.textutil import ends_with_stop, width
from huikan.ingest.toc_lines import Toc, TocEntry, classify_line, is_toc_header
from huikan.ingest.toc_region import RegionParser, _entry, _entry_size, _is_group
from huikan.ingest.toc_reprints import later_titles, paragraph_starts
from huikan.model import Block

__all__ = ["Toc", "TocEntry", "classify_line", "find_toc", "is_toc_header", "later_titles"]


def find_toc(blocks: list[Block], taxonomy: Taxonomy) -> Toc:
    """Locate TOC regions and parse their entries (entries of several TOCs are merged)."""
    toc = Toc()
    seen: set[str] = set()
    titles: list[tuple[int, str, str]] | None = None  # computed when a TOC header is seen
    paragraphs: list[tuple[int, str, str]] = []
    i = 0
    n = len(blocks)
    while i < n:
        start = i
        header = is_toc_header(blocks[i])
        if not header and not _strong(blocks, i, taxonomy):
            i += 1
            continue
        if header and titles is None:
            titles, paragraphs = later_titles(blocks), paragraph_starts(blocks)
        entries, end = RegionParser(
            blocks,
            taxonomy,
            header,
            titles or [],
            start + (1 if header else 0),
            paragraphs=paragraphs,
        ).parse()
        paged = sum(1 for e in entries if e.page is not None)
        if header and entries:
            before = _continued_before(blocks, taxonomy, start, entries, titles or [], paragraphs)
            if before:
                start, more = before
                entries = entries + more
        if (header and entries) or paged >= 3:
            toc.regions.append((start, end))
            for e in entries:
                if e.key and e.key not in seen:
                    seen.add(e.key)
                    toc.entries.append(e)
                elif e.key in seen and e.group:
                    # A fuller TOC later may give the group the highlights list lacked.
                    for old in toc.entries:
                        if old.key == e.key and old.group is None:
                            old.group, old.cluster, old.column = e.group, e.cluster, e.column
            i = max(end, i + 1)
        else:
            i += 1
    return toc


def _prose(text: str) -> bool:
    """A paragraph's block: long, and ending on a full stop (a title may end on "？" or
    "）" too, but is short)."""
    return width(text) >= 40 and ends_with_stop(text)


def _continued_before(
    blocks: list[Block],
    taxonomy: Taxonomy,
    header: int,
    entries: list[TocEntry],
    titles: list[tuple[int, str, str]],
    paragraphs: list[tuple[int, str, str]],
) -> tuple[int, list[TocEntry]] | None:
    """The rest of a TOC that the reading order put before its header: (first block, entries).

    A TOC set at the foot of one column runs on at the head of the next, and where the page's
    columns are read left first, a header in the right column puts that continuation (in the
    left one, or at the head of the right) before the header in the block order. Such a run
    is read as TOC lines where every block from its first to the header is one, on the
    header's page, with at least two page numbers that go on from the last number the header's
    own entries gave: 1, 2, 3 under the header, 4 … 19 before it — or, in a TOC without page
    numbers, at least two entries, each printed again later as a title (how such a TOC is
    read at all). Going back, the run ends at prose (:func:`_prose`). Otherwise the lines
    before a header are the lead article's or the masthead's, and stay theirs. A group
    heading may stand between the run and the header (the header at the foot of the left
    column, the TOC from the head of the right one down to a group whose entries go on
    over the page, after the header in the block order): it heads the header's entries."""
    last = max((e.page for e in entries if e.page is not None), default=None)
    page = blocks[header].page
    best = None
    k = header - 1
    while k >= 0 and blocks[k].page == page and not _prose(blocks[k].text):
        run, end = RegionParser(blocks, taxonomy, True, titles, k, paragraphs=paragraphs).parse()
        pages = [e.page for e in run if e.page is not None]
        if last is None:  # a TOC without page numbers: entries printed again later, none paged
            goes_on = len(run) >= 2 and not pages
        else:
            goes_on = len(pages) >= 2 and pages[0] >= last and pages == sorted(pages)
        stop = end  # a group heading left at the column's foot heads the header's entries
        while stop < header and _is_group(
            blocks[stop], classify_line(blocks[stop], True), taxonomy, entry=_entry_size(blocks, k)
        ):
            stop += 1
        if stop == header and goes_on:
            best = (k, run, end)
        k -= 1
    if best is None:
        return None
    k, run, end = best
    if end < header:
        group = blocks[header - 1].text.strip()
        for n, e in enumerate(entries):
            if e.group is None:
                entries[n] = _entry(e.title, e.page, group, taxonomy)
    return k, run


def _strong(blocks: list[Block], i: int, taxonomy: Taxonomy) -> bool:
    """Could a headerless TOC start at block i (an entry with a page, or a group before one)?"""
    item = classify_line(blocks[i], False)
    if item.kind == "entry" and item.leader and item.page is not None:
        return True
    group = _is_group(
        blocks[i], classify_line(blocks[i], True), taxonomy, entry=_entry_size(blocks, i)
    )
    if i + 1 < len(blocks) and group:
        nxt = classify_line(blocks[i + 1], False)
        return nxt.kind == "entry" and nxt.leader and nxt.page is not None
    return False
