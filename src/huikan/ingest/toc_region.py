"""One TOC region read line by line (:class:`RegionParser`): the kinds of TOC line, and
what each step makes of one, with the style measures the steps share (the size of the
entries, whether groups are set apart). :mod:`huikan.ingest.toc` finds the regions and
merges their entries; :mod:`huikan.ingest.toc_reprints` says where a line is printed again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from huikan.config import Taxonomy
from huikan.ingest.textutil import collapse_spaces, squash, width
from huikan.ingest.toc_lines import TocEntry, _clean, _Item, classify_line, is_toc_header
from huikan.ingest.toc_reprints import (
    _continues_then_group,
    _entry_follows,
    _group_tail,
    _heads_article,
    _paged_group,
    _printed,
    _printed_before,
    _reprints,
    _tail,
)
from huikan.model import Block

# leaders and a page number inside a TOC line, before more text: the end of an entry
_LEADER_TAIL = ".．·…"  # what a leader broken at the line's end leaves after a title
_INNER_LEADER = re.compile(r"\s*(?:…{2,}|(?:[.．·…]\s*){3,})\s*(\d{1,3})\s*(?=[^\d\s.．·…])")
LARGER = 1.03  # a TOC line set this much larger than the TOC's entries is a group heading
TOC_LINES = 40  # lines looked at from a TOC's start for its style


# A group heading in brackets may be long ("【试点联盟动态及协发网网员单位动态】", 19 wide):
# the brackets say what it is, where a plain line that long is an entry
BRACKETED_GROUP = 24
_ENCLOSED = re.compile(r"[【〖［\[].+[】〗］\]]")


def _enclosed(b: Block, title: str) -> bool:
    return b.bracketed or _ENCLOSED.fullmatch(title) is not None


def _is_group(
    b: Block, item: _Item, taxonomy: Taxonomy, styled_groups: bool = False, entry: float = 1.0
) -> bool:
    """A group heading of the TOC (a cluster or a column). ``styled_groups``: this TOC sets its
    group headings apart (bold, larger, bracketed), so a plain short line is an entry.
    ``entry``: the size of the TOC's entries (:func:`_entry_size`)."""
    title = item.title
    if not title or width(title) > (BRACKETED_GROUP if _enclosed(b, title) else 16):
        return False
    if taxonomy.lookup(title) is not None:
        return True
    if _enclosed(b, title) or b.heading or b.bold or item.bold or b.size >= LARGER * entry:
        return True
    return item.kind == "plain" and width(title) <= 8 and not styled_groups


def _entry_size(blocks: list[Block], i: int) -> float:
    """The size most lines of the TOC starting at block i are set in: "larger" is measured
    against it when it is the body size or more. Sizes are relative to a body size taken in
    half-point bins, so 10.7 pt type throughout (TOC and body) measured 1.03, and every short
    entry ("海内外专家共话全球经济金融治理 2") was taken for a group heading and lost. A TOC set
    smaller than the body keeps the body as its measure."""
    sizes = Counter(round(b.size, 2) for b in blocks[i : i + TOC_LINES] if not is_toc_header(b))
    return max(1.0, sizes.most_common(1)[0][0]) if sizes else 1.0


def _styled_groups(blocks: list[Block], i: int, entry: float) -> bool:
    """Does the TOC starting at block i, its entries set in size ``entry``
    (:func:`_entry_size`), set short lines (its group headings) in a style of their own?
    Then style, not length, tells a group from a short entry. Where the TOC gives page
    numbers, it ends at the last of them: past it, the first line of a large title in the
    body is short and styled too, and is no group heading of the TOC."""
    window = [b for b in blocks[i : i + TOC_LINES] if not is_toc_header(b)]
    paged = [k for k, b in enumerate(window) if classify_line(b, True).page is not None]
    if len(paged) >= 3:
        window = window[: paged[-1] + 1]
    return any(
        (b.bold or b.heading or b.bracketed or b.size >= LARGER * entry) and 0 < width(b.text) <= 16
        for b in window
    )


_NEXT, _STOP = "next", "stop"  # what a step did with a TOC line: took it, or ended the TOC
_ENTRY_KINDS = ("entry", "entries", "entries+group")


@dataclass
class RegionParser:
    """Reads one TOC region line by line. Each ``_step_*`` method handles one kind of line and
    says whether it took it (``_NEXT``), ended the TOC (``_STOP``) or left it to the next step
    (``None``); the first to answer wins, in the order of :meth:`parse`."""

    blocks: list[Block]
    taxonomy: Taxonomy
    header: bool
    later: list[tuple[int, str, str]]
    i: int
    start: int = 0  # a lead article printed before the TOC is printed before this block
    entries: list[TocEntry] = field(default_factory=list)
    group: str | None = None
    group_at: int = -1  # block index of the last group heading
    pending: str | None = None  # first line of an entry wrapped onto the next line
    last_good: int = 0
    styled: bool = False
    entry: float = 1.0  # the size of the TOC's entries (_entry_size)
    paragraphs: list[tuple[int, str, str]] = field(default_factory=list)  # paragraph_starts

    def __post_init__(self) -> None:
        self.start = self.last_good = self.i
        self.entry = _entry_size(self.blocks, self.i)
        self.styled = _styled_groups(self.blocks, self.i, self.entry)

    def parse(self) -> tuple[list[TocEntry], int]:
        steps = (
            self._step_leader_only,
            self._step_wrapped_tail,
            self._step_continues_then_group,
            self._step_entry,
            self._step_group,
            self._step_joined,
            self._step_reprinted,
            self._step_pending,
        )
        while self.i < len(self.blocks):
            item = classify_line(self.blocks[self.i], True)
            if item.kind == "header":
                break
            outcome = next((r for step in steps if (r := step(item)) is not None), _STOP)
            if outcome == _STOP:
                break
        return self.entries, self.last_good

    def _took(self, *, good: bool = True) -> str:
        self.i += 1
        if good:
            self.last_good = self.i
        return _NEXT

    def _add(self, title: str, page: int | None = None, group: str | None = None) -> None:
        self.entries.append(_entry(title, page, group or self.group, self.taxonomy))

    def _reprint_kind(self, k: int, title: str) -> str | None:
        return _reprints(self.later, k, title, self.entries)[0]

    def _step_leader_only(self, item: _Item) -> str | None:
        if item.kind != "leader-only":
            return None
        if self.pending:
            self._add(self.pending, item.page)
            self.pending = None
        return self._took()

    def _step_wrapped_tail(self, item: _Item) -> str | None:
        """The second line of an entry wrapped in a narrow TOC ("…新能源消" / "纳能力 12")."""
        if not (
            self.header
            and self.entries
            and item.kind in ("plain", "entry")
            and self.pending is None
            and self.entries[-1].page is None
            and self._reprint_kind(self.i, _tail(item)[0]) == "continues"
        ):
            return None
        last = self.entries[-1]
        tail, page = _tail(item)
        self.entries[-1] = _entry(last.title + tail, page, last.group, self.taxonomy)
        return self._took()

    def _step_continues_then_group(self, item: _Item) -> str | None:
        """ "…技术分享活动" + "节能环保产业": a wrapped entry's end, then a group."""
        if not (self.header and self.entries and item.kind == "plain" and self.pending is None):
            return None
        split = _continues_then_group(self.later, self.i, item.title, self.entries)
        if not split:
            return None
        last = self.entries[-1]
        self.entries[-1] = _entry(last.title + split[0], None, last.group, self.taxonomy)
        self.group, self.group_at = split[1], self.i
        return self._took()

    def _is_group_line(self, item: _Item) -> bool:
        b, i = self.blocks[self.i], self.i
        return _is_group(b, item, self.taxonomy, self.styled, self.entry) or _paged_group(
            item, self.blocks, i + 1
        )

    def _add_joined(self, text: str) -> tuple[bool, str]:
        """ "甲………1乙……2丙": the whole entries a reader ran together in front of the last
        piece, added with their page numbers. Whether there were any, and the last piece."""
        *joined, rest = _INNER_LEADER.split(text)
        for k in range(0, len(joined), 2):
            self._add(_clean(joined[k]), int(joined[k + 1]))
        return bool(joined), rest

    def _step_entry(self, item: _Item) -> str | None:
        if item.kind != "entry" or self._is_group_line(item):
            return None
        title = f"{self.pending}{item.title}" if self.pending else item.title
        self.pending = None
        # "甲………1乙……2": a reader ran two leader lines together, the first whole
        joined, title = self._add_joined(title)
        if joined:  # and the next group's heading after the page number, a cluster's name
            head = next(
                (n for n in range(len(title) - 2, 1, -1) if self.taxonomy.lookup(title[:n])),
                None,
            )
            if head:
                self.group, self.group_at, title = title[:head].strip(), self.i, title[head:]
        kind, titles = _group_tail(
            self.blocks,
            self.i,
            *_reprints(self.later, self.i, title, self.entries, self.paragraphs),
        )
        if kind == "entries":  # several entries run together in one block
            for t in titles[:-1]:
                self._add(t)
            title = titles[-1]
        if kind == "entries+group":
            for t in titles[:-1]:
                self._add(t)
            self.group, self.group_at = titles[-1], self.i
        else:
            self._add(title, item.page)
        return self._took()

    def _step_group(self, item: _Item) -> str | None:
        i, header = self.i, self.header
        if not self._is_group_line(item):
            return None
        plain = header and item.kind == "plain"
        if plain and self.group_at == i - 1 and self._reprint_kind(i, item.title) == "entry":
            return None  # a group has entries: a short title right under one is an entry
        if plain and _heads_article(self.blocks, i):
            return None  # printed again over a byline or prose: an article's title
        self.group_at = i
        # A group heading is followed by its entries; a heading that repeats an entry's
        # title (or is followed by prose) is where the body begins.
        if self.pending or squash(item.title) in {e.key for e in self.entries}:
            return _STOP
        if not _entry_follows(self.blocks, i + 1) and not (
            header and i + 1 < len(self.blocks) and self._reprinted_or_before(i + 1)
        ):
            return _STOP
        self.group = item.title
        return self._took()

    def _step_joined(self, item: _Item) -> str | None:
        """ "甲……2乙……2丙的前" + "半……3": TOC lines a reader joined because each filled the
        measure, the last entry wrapped. The whole ones are entries; the rest waits for its
        end on the next line, or is an entry of its own where it is printed again as a title.
        Left alone, the block was too long for a wrapped entry's first half and ended the
        TOC at its header: the TOC lost its first entries, and the articles they name were
        taken for front matter."""
        if item.kind != "plain" or not (self.entries or self.header):
            return None
        joined, rest = self._add_joined(item.title)
        if not joined:
            return None
        rest = _clean(rest.rstrip(_LEADER_TAIL))
        i = self.i
        nxt = classify_line(self.blocks[i + 1], True) if i + 1 < len(self.blocks) else None
        if rest and self.taxonomy.lookup(rest) is not None:  # the next group's heading
            self.group, self.group_at = rest, i
            return self._took()
        if rest and nxt is not None and nxt.kind in ("entry", "leader-only"):
            self.pending = rest
            return self._took(good=False)
        if rest and self._reprint_kind(i, rest) in _ENTRY_KINDS:
            self._add(rest)
        return self._took()

    def _reprinted_or_before(self, k: int) -> bool:
        text = _clean(self.blocks[k].text)
        return self._reprint_kind(k, text) in _ENTRY_KINDS or _printed_before(
            self.blocks, k, text, self.start
        )

    def _step_reprinted(self, item: _Item) -> str | None:
        """A TOC without leaders or page numbers: a title-like line that is printed again
        further on (as a title) is an entry; its wrapped second half completes it."""
        if not (self.header and item.kind == "plain" and self.pending is None):
            return None
        i, title = self.i, item.title
        if _label_over_entry(self.blocks, self.later, i, title, self.entries):
            self.group, self.group_at = title, i  # printed again over a title, not an article
            return self._took()
        found, titles = _group_tail(
            self.blocks, i, *_reprints(self.later, i, title, self.entries, self.paragraphs)
        )
        if found == "entries+group":
            for t in titles[:-1]:
                self._add(t)
            self.group, self.group_at = titles[-1], i
            return self._took()
        if found in _ENTRY_KINDS:
            for t in titles:
                self._add(t)
            return self._took()
        if found == "continues" and self.entries:
            self.entries[-1] = _entry(
                self.entries[-1].title + title, None, self.group, self.taxonomy
            )
            return self._took()
        if _printed_before(self.blocks, i, title, self.start):
            self._add(title)  # the lead article printed before the TOC (on the cover), listed
            return self._took()
        lead = self._lead_run_on(i, title)
        if lead:
            for t in lead[0]:
                self._add(t)
            if lead[1]:
                self.group, self.group_at = lead[1], i
            return self._took()
        if (
            i + 1 < len(self.blocks)
            and width(title) <= 16
            and self._reprint_kind(i + 1, _clean(self.blocks[i + 1].text)) in _ENTRY_KINDS
        ):
            self.group, self.group_at = title, i  # a short line over reprinted entries: a group
            return self._took()
        return None

    def _lead_run_on(self, i: int, title: str) -> tuple[list[str], str | None] | None:
        """ "以创新链之强托举产业链之优推进工程机械电动化…": the lead article's title (printed
        before the TOC, over prose) and the next entries, one TOC line the reader joined
        because the first filled the measure. Their titles and the next group's heading, when
        a cluster's name follows the lead title ("…之优工程机械与智能装备产业"), or None."""
        key = squash(title)
        for k in range(max(0, i - 60), min(i - 1, self.start)):
            lead = squash(self.blocks[k].text)
            if not (4 <= len(lead) < len(key) and key.startswith(lead)):
                continue
            if not _printed_before(self.blocks, i, self.blocks[k].text, self.start):
                continue
            printed = _printed(title, lead)
            rest = title[len(printed) :].strip()
            if self.taxonomy.lookup(rest) is not None and not _heads_article(
                self.blocks, i, squash(rest)
            ):
                return [printed.strip()], rest
            kind, titles = _reprints(self.later, i, rest, self.entries, self.paragraphs)
            if kind in ("entry", "entries"):
                return [printed.strip(), *titles], None
        return None

    def _step_pending(self, item: _Item) -> str | None:
        """A plain line: the first half of a wrapped entry (or else the end of the TOC)."""
        i, n = self.i, len(self.blocks)
        nxt = classify_line(self.blocks[i + 1], True) if i + 1 < n else _Item("plain")
        if (
            self.pending is None
            and item.kind == "plain"
            and width(item.title) <= 60
            and nxt.kind in ("entry", "leader-only")
            and (self.entries or self.header)
        ):
            self.pending = item.title
            return self._took(good=False)
        return _STOP


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
    title = title.rstrip(_LEADER_TAIL).strip()
    e = TocEntry(title=title, page=page, group=group)
    if group:
        c = taxonomy.lookup(group)
        if c is not None:
            e.cluster = c.name
        else:
            e.column = collapse_spaces(group)
    return e
