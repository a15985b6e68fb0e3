"""Find a bulletin's table of contents and read its entries.

The TOC is the strongest cue the splitter has: it names every article exactly, and the group
headings it lists them under are either industry clusters ("集成电路与 ICT 产业") or columns
("理论", "园区"). Printed TOCs come as dot-leader lines ("标题……3"), tab-separated page
numbers, "01 / 标题" lists, bullet lists under 本期要目, and entries wrapped over two lines.
"""

from __future__ import annotations

import re

from huikan.config import Taxonomy
from huikan.ingest.textutil import collapse_spaces, squash, width
from huikan.ingest.toc_lines import Toc, TocEntry, _clean, _Item, classify_line, is_toc_header
from huikan.ingest.toc_reprints import (
    _continues_then_group,
    _entry_follows,
    _group_tail,
    _heads_article,
    _paged_group,
    _printed_before,
    _reprints,
    _tail,
    later_titles,
)
from huikan.model import Block

__all__ = ["Toc", "TocEntry", "classify_line", "find_toc", "is_toc_header", "later_titles"]


def _is_group(b: Block, item: _Item, taxonomy: Taxonomy, styled_groups: bool = False) -> bool:
    """A group heading of the TOC (a cluster or a column). ``styled_groups``: this TOC sets its
    group headings apart (bold, larger, bracketed), so a plain short line is an entry."""
    title = item.title
    if not title or width(title) > 16:
        return False
    if taxonomy.lookup(title) is not None:
        return True
    if b.bracketed or b.heading or b.bold or item.bold or b.size >= 1.03:
        return True
    return item.kind == "plain" and width(title) <= 8 and not styled_groups


def _styled_groups(blocks: list[Block], i: int) -> bool:
    """Does the TOC starting at block i set short lines (its group headings) in a style of
    their own? Then style, not length, tells a group from a short entry."""
    return any(
        (b.bold or b.heading or b.bracketed or b.size >= 1.03) and 0 < width(b.text) <= 16
        for b in blocks[i : i + 40]
        if not is_toc_header(b)
    )


def find_toc(blocks: list[Block], taxonomy: Taxonomy) -> Toc:
    """Locate TOC regions and parse their entries (entries of several TOCs are merged)."""
    toc = Toc()
    seen: set[str] = set()
    titles: list[tuple[int, str, str]] | None = None  # computed when a TOC header is seen
    i = 0
    n = len(blocks)
    while i < n:
        start = i
        header = is_toc_header(blocks[i])
        if not header and not _strong(blocks, i, taxonomy):
            i += 1
            continue
        if header and titles is None:
            titles = later_titles(blocks)
        entries, end = _parse_region(
            blocks, start + (1 if header else 0), taxonomy, header, titles or []
        )
        paged = sum(1 for e in entries if e.page is not None)
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


def _strong(blocks: list[Block], i: int, taxonomy: Taxonomy) -> bool:
    """Could a headerless TOC start at block i (an entry with a page, or a group before one)?"""
    item = classify_line(blocks[i], False)
    if item.kind == "entry" and item.leader and item.page is not None:
        return True
    if i + 1 < len(blocks) and _is_group(blocks[i], classify_line(blocks[i], True), taxonomy):
        nxt = classify_line(blocks[i + 1], False)
        return nxt.kind == "entry" and nxt.leader and nxt.page is not None
    return False


def _parse_region(
    blocks: list[Block],
    i: int,
    taxonomy: Taxonomy,
    header: bool,
    later: list[tuple[int, str, str]] | None = None,
) -> tuple[list[TocEntry], int]:
    entries: list[TocEntry] = []
    start = i  # a lead article printed before the TOC is printed before this block
    group: str | None = None
    n = len(blocks)
    later = later if later is not None else later_titles(blocks)
    styled = _styled_groups(blocks, i)
    group_at = -1  # block index of the last group heading
    pending: str | None = None  # first line of an entry wrapped onto the next line
    last_good = i
    while i < n:
        b = blocks[i]
        item = classify_line(b, True)
        if item.kind == "header":
            break
        if item.kind == "leader-only":
            if pending:
                entries.append(_entry(pending, item.page, group, taxonomy))
                pending = None
            i += 1
            last_good = i
            continue
        if (
            header
            and entries
            and item.kind in ("plain", "entry")
            and pending is None
            and entries[-1].page is None
            and _reprints(later, i, _tail(item)[0], entries)[0] == "continues"
        ):
            # The second line of an entry wrapped in a narrow TOC ("…新能源消" / "纳能力 12").
            last = entries[-1]
            tail, page = _tail(item)
            entries[-1] = _entry(last.title + tail, page, last.group, taxonomy)
            i += 1
            last_good = i
            continue
        split = (
            _continues_then_group(later, i, item.title, entries)
            if header and entries and item.kind == "plain" and pending is None
            else None
        )
        if split:  # "…技术分享活动" + "节能环保产业": a wrapped entry's end, then a group
            last = entries[-1]
            entries[-1] = _entry(last.title + split[0], None, last.group, taxonomy)
            group, group_at = split[1], i
            i += 1
            last_good = i
            continue
        if item.kind == "entry" and not (
            _is_group(b, item, taxonomy, styled) or _paged_group(item, blocks, i + 1)
        ):
            title = f"{pending}{item.title}" if pending else item.title
            pending = None
            kind, titles = _group_tail(blocks, i, *_reprints(later, i, title, entries))
            if kind == "entries":  # several entries run together in one block
                entries += [_entry(t, None, group, taxonomy) for t in titles[:-1]]
                title = titles[-1]
            if kind == "entries+group":
                entries += [_entry(t, None, group, taxonomy) for t in titles[:-1]]
                group = titles[-1]
                group_at = i
            else:
                entries.append(_entry(title, item.page, group, taxonomy))
            i += 1
            last_good = i
            continue
        group_line = _is_group(b, item, taxonomy, styled) or _paged_group(item, blocks, i + 1)
        if (
            group_line
            and header
            and group_at == i - 1
            and item.kind == "plain"
            and _reprints(later, i, item.title, entries)[0] == "entry"
        ):
            group_line = False  # a group has entries: a short title right under one is an entry
        if group_line and header and item.kind == "plain" and _heads_article(blocks, i):
            group_line = False  # printed again over a byline or prose: an article's title
        if group_line:
            group_at = i
            # A group heading is followed by its entries; a heading that repeats an entry's
            # title (or is followed by prose) is where the body begins.
            if pending or squash(item.title) in {e.key for e in entries}:
                break
            if not _entry_follows(blocks, i + 1) and not (
                header
                and i + 1 < n
                and (
                    _reprints(later, i + 1, _clean(blocks[i + 1].text), entries)[0]
                    in ("entry", "entries", "entries+group")
                    or _printed_before(blocks, i + 1, _clean(blocks[i + 1].text), start)
                )
            ):
                break
            group = item.title
            i += 1
            last_good = i
            continue
        # A TOC without leaders or page numbers: a title-like line that is printed again
        # further on (as a title) is an entry; its wrapped second half completes it.
        if header and item.kind == "plain" and pending is None:
            if _label_over_entry(blocks, later, i, item.title, entries):
                group, group_at = item.title, i  # printed again over a title, not an article
                i += 1
                last_good = i
                continue
            found, titles = _group_tail(blocks, i, *_reprints(later, i, item.title, entries))
            if found == "entries+group":
                entries += [_entry(t, None, group, taxonomy) for t in titles[:-1]]
                group = titles[-1]
                group_at = i
                i += 1
                last_good = i
                continue
            if found in ("entry", "entries", "entries+group"):
                entries += [_entry(t, None, group, taxonomy) for t in titles]
                i += 1
                last_good = i
                continue
            if found == "continues" and entries:
                entries[-1] = _entry(entries[-1].title + item.title, None, group, taxonomy)
                i += 1
                last_good = i
                continue
            if _printed_before(blocks, i, item.title, start):
                # The lead article printed before the TOC (on the cover) and listed in it.
                entries.append(_entry(item.title, None, group, taxonomy))
                i += 1
                last_good = i
                continue
            if (
                _reprints(later, i + 1, _clean(blocks[i + 1].text), entries)[0]
                in ("entry", "entries", "entries+group")
                if (i + 1 < n and width(item.title) <= 16)
                else False
            ):
                group = item.title  # a short line over reprinted entries: a group heading
                group_at = i
                i += 1
                last_good = i
                continue
        # A plain line: the first half of a wrapped entry, or the end of the TOC.
        nxt = classify_line(blocks[i + 1], True) if i + 1 < n else _Item("plain")
        if (
            pending is None
            and item.kind == "plain"
            and width(item.title) <= 60
            and nxt.kind in ("entry", "leader-only")
            and (entries or header)
        ):
            pending = item.title
            i += 1
            continue
        break
    return entries, last_good


def _label_over_entry(
    blocks: list[Block],
    later: list[tuple[int, str, str]],
    i: int,
    title: str,
    entries: list[TocEntry],
) -> bool:
    """A short plain TOC line over an entry, printed again in the body over a title (not over
    an article's byline or prose): a group heading set like the entries ("专家观点")."""
    if width(title) > 16 or i + 1 >= len(blocks) or not squash(title):
        return False
    below = classify_line(blocks[i + 1], True)
    if below.kind != "entry" and _reprints(later, i + 1, below.title, entries)[0] not in (
        "entry",
        "entries",
        "entries+group",
    ):
        return False
    key = squash(title)
    again = any(squash(_clean(b.text)) == key for b in blocks[i + 1 :])
    return again and not _heads_article(blocks, i)


def _entry(title: str, page: int | None, group: str | None, taxonomy: Taxonomy) -> TocEntry:
    title = re.sub(r"[.．·…]+$", "", title).strip()
    e = TocEntry(title=title, page=page, group=group)
    if group:
        c = taxonomy.lookup(group)
        if c is not None:
            e.cluster = c.name
        else:
            e.column = collapse_spaces(group)
    return e
