"""Find a bulletin's table of contents and read its entries.

The TOC is the strongest cue the splitter has: it names every article exactly, and the group
headings it lists them under are either industry clusters ("集成电路与 ICT 产业") or columns
("理论", "园区"). Printed TOCs come as dot-leader lines ("标题……3"), tab-separated page
numbers, "01 / 标题" lists, bullet lists under 本期要目, and entries wrapped over two lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huikan.config import Taxonomy
from huikan.ingest.textutil import collapse_spaces, squash, strip_md, width
from huikan.model import Block

TOC_HEADERS = {"目录", "目次", "本期要目", "要目", "本期导读", "导读", "本期目录", "contents"}

_LEADER = re.compile(
    r"^(?P<title>.*?\S)?\s*(?:…{2,}|(?:[.．·…。・•_－-]\s*){3,})\s*(?P<page>\d{1,3})?\s*$"
)
_TAB = re.compile(r"^(?P<title>\S.*?)\t+\s*(?P<page>\d{1,3})\s*$")
_NUM_SLASH = re.compile(r"^(?:[-*+•]\s*)?(?P<page>\d{1,3})\s*[/|／]\s*(?P<title>\S.*)$")
_TRAILING_NUM = re.compile(
    r"^(?P<title>\S.*?\S)(?:\s+|(?<=[\u4e00-\u9fff”」》）]))(?P<page>\d{1,3})$"
)  # "标题 12", or "标题12" where a narrow TOC column leaves no room for leaders
_BULLET = re.compile(r"^[-*+•·]\s*(?P<title>\S.*)$")


@dataclass
class TocEntry:
    title: str
    page: int | None = None
    group: str | None = None  # the group heading it is listed under, as printed
    cluster: str | None = None  # the group resolved to a taxonomy cluster, if it is one
    column: str | None = None  # the group when it is not a cluster: a column (栏目)

    @property
    def key(self) -> str:
        return squash(self.title)


@dataclass
class Toc:
    entries: list[TocEntry] = field(default_factory=list)
    regions: list[tuple[int, int]] = field(default_factory=list)  # block index ranges [a, b)

    def covers(self, i: int) -> bool:
        return any(a <= i < b for a, b in self.regions)

    @property
    def end(self) -> int:
        return max((b for _, b in self.regions), default=0)


@dataclass
class _Item:
    kind: str  # "entry", "leader-only", "header", "plain"
    title: str = ""
    page: int | None = None
    leader: bool = False
    bold: bool = False  # the title part was marked bold (**理论** ……2)


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", strip_md(s)).strip(" -–—:：")


def is_toc_header(b: Block) -> bool:
    return squash(b.text) in TOC_HEADERS


def classify_line(b: Block, in_toc: bool) -> _Item:
    """What a block would be if it sat in a TOC."""
    text = b.text.strip()
    if is_toc_header(b):
        return _Item("header")
    m = _LEADER.match(text)
    if m and (m.group("page") or m.group("title")):
        if not m.group("title"):
            return _Item("leader-only", page=int(m.group("page")))
        page = int(m.group("page")) if m.group("page") else None
        return _Item("entry", _clean(m.group("title")), page, True, _bold(m.group("title")))
    m = _TAB.match(text) or _NUM_SLASH.match(text)
    if m:
        return _Item(
            "entry", _clean(m.group("title")), int(m.group("page")), True, _bold(m.group("title"))
        )
    if in_toc:
        m = _TRAILING_NUM.match(text)
        if m:
            return _Item("entry", _clean(m.group("title")), int(m.group("page")))
        m = _BULLET.match(text)
        if m:
            return _Item("entry", _clean(m.group("title")))
    return _Item("plain", _clean(text))


def _bold(s: str) -> bool:
    s = s.strip()
    return s.startswith("**") and s.endswith("**") and len(s) > 4


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
        if item.kind == "entry" and not (
            _is_group(b, item, taxonomy, styled) or _paged_group(item, blocks, i + 1)
        ):
            title = f"{pending}{item.title}" if pending else item.title
            pending = None
            kind, titles = _reprints(later, i, title, entries)
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
                    or _printed_before(blocks, i + 1, _clean(blocks[i + 1].text))
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
            found, titles = _reprints(later, i, item.title, entries)
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
            if _printed_before(blocks, i, item.title):
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


def _tail(item: _Item) -> tuple[str, int | None]:
    """The text and page number of a TOC line's wrapped tail ("能16" → "能", 16)."""
    m = re.fullmatch(r"(.*?[^\d\s])\s*(\d{1,3})", item.title)
    if item.page is None and m:
        return m.group(1), int(m.group(2))
    return item.title, item.page


def _reprints(
    titles_after: list[tuple[int, str, str]], i: int, title: str, entries: list[TocEntry]
) -> tuple[str | None, list[str]]:
    """Is the TOC line at block i printed again later as a title? "entry" if it begins a later
    block (or two consecutive blocks: a title wrapped in the body); "continues" if it completes
    the previous entry (an entry wrapped in the TOC); "entries", with their titles, when the
    line holds several entries run together (a PDF reader joins TOC lines that fill the
    measure): it is tiled, left to right, by titles printed later. None otherwise."""
    key = squash(title)
    if not key or title.rstrip()[-1:] in "。；;，,：:":
        return None, []
    later = [(h, t) for k, h, t in titles_after if k > i]
    prev = entries[-1].key + key if entries else None
    if prev and any(here.startswith(prev) for here, _ in later):
        return "continues", []
    if len(key) < 4:
        return None, []
    for here, _text in later:
        if here.startswith(key) and width(title) <= 60:
            return "entry", [title]
    if width(title) < 16:
        return None, []
    found: list[str] = []
    pos = 0
    while pos < len(key):
        if found and (m := re.match(r"\d{1,3}", key[pos:])):
            pos += m.end()  # the page number of the entry before, left between two entries
            if pos >= len(key):
                break
        best = max(
            ((h, t) for h, t in later if len(h) >= 4 and key.startswith(h, pos)),
            key=lambda ht: len(ht[0]),
            default=None,
        )
        if best is None:
            rest = key[pos:]
            if found and 2 <= len(rest) <= 12:
                # "…技术医药健康产业": the last entry of a group, then the next group's heading.
                return "entries+group", [*found, rest]
            return None, []
        found.append(best[1])
        pos += len(best[0])
    return ("entries", found) if len(found) >= 2 else (None, [])


def _printed_before(blocks: list[Block], i: int, title: str) -> bool:
    """Is this TOC line the title of an article printed before the TOC (followed by prose)?"""
    key = squash(title)
    for k in range(max(0, i - 60), i - 1):
        if squash(blocks[k].text) == key and k + 1 < i and width(blocks[k + 1].text) >= 40:
            return True
    return False


def later_titles(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(block index, squashed key, text) of every title-length block, alone and joined with the
    next one or two (a title wrapped over several blocks in the body): what a TOC line may
    reappear as. Computed once per document."""
    out = []
    for k, b in enumerate(blocks):
        t = _clean(b.text)
        if width(t) > 90 or not t:
            continue
        out.append((k, squash(t), t))
        for nxt in blocks[k + 1 : k + 3]:  # a title wrapped over two or three lines
            t2 = _clean(nxt.text)
            if not 0 < width(t2) <= 60:
                break
            t += t2
            out.append((k, squash(t), t))
    return out


def _paged_group(item: _Item, blocks: list[Block], nxt: int) -> bool:
    """ "理论 ……2" over "某篇文章标题 ……2": a column name with the page of its first article,
    set like an entry. A name of a few characters on the same page as the entry below it is a
    group, not an article (article titles are longer than a column name)."""
    if item.kind != "entry" or item.page is None or width(item.title) > 6 or nxt >= len(blocks):
        return False
    below = classify_line(blocks[nxt], True)
    return (
        below.kind == "entry" and below.page == item.page and width(below.title) > width(item.title)
    )


def _entry_follows(blocks: list[Block], i: int) -> bool:
    """Is there a TOC entry at block i (or at i+1, after the first half of a wrapped one)?"""
    for k in (i, i + 1):
        if k < len(blocks) and classify_line(blocks[k], True).kind in ("entry", "leader-only"):
            return True
    return False


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
