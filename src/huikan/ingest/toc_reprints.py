"""Is a TOC line printed again further on? The body confirms what a TOC line is.

A TOC without leaders or page numbers, entries wrapped over two lines, several entries run
together by the reader, group headings that look like short titles: each is told apart by
where (and over what) the line's text is printed again after the TOC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from huikan.ingest.textutil import CLOSING, squash, width, within_one_edit
from huikan.ingest.toc_lines import TocEntry, _clean, _Item, classify_line
from huikan.model import Block

# Space above a line (in line heights beyond the normal leading) below which it runs on from
# the line above: the lines of one wrapped heading.
RUN_ON_GAP = 0.05


NEAR_KEY = 10  # characters of a key that may be found again with one character misread


def _near_start(here: str, key: str) -> bool:
    """Does ``here`` begin with ``key`` but for one character read differently, dropped or
    added? OCR misreads a rare character (亟 as 函, or drops it) in the TOC and in the title
    independently, so a listed title is not printed again letter for letter; one edit in
    ten or more characters does not make another title's line."""
    n = len(key)
    for m in (n - 1, n, n + 1):
        a = here[:m]
        if len(a) == m and within_one_edit(key, a):
            return True
    return False


def _tail(item: _Item) -> tuple[str, int | None]:
    """The text and page number of a TOC line's wrapped tail ("能16" → "能", 16)."""
    m = re.fullmatch(r"(.*?[^\d\s])\s*(\d{1,3})", item.title)
    if item.page is None and m:
        return m.group(1), int(m.group(2))
    return item.title, item.page


def _reprints(
    titles_after: list[tuple[int, str, str]],
    i: int,
    title: str,
    entries: list[TocEntry],
    paragraphs: Sequence[tuple[int, str, str]] = (),
) -> tuple[str | None, list[str]]:
    """Is the TOC line at block i printed again later as a title? "entry" if it begins a later
    block (or two consecutive blocks: a title wrapped in the body); "continues" if it completes
    the previous entry (an entry wrapped in the TOC); "entries", with their titles, when the
    line holds several entries run together (a PDF reader joins TOC lines that fill the
    measure): it is tiled, left to right, by titles printed later, or by the start of a later
    paragraph (``paragraphs``, :func:`paragraph_starts`) that a title was run into. None
    otherwise."""
    key = squash(title)
    if not key or title.rstrip()[-1:] in "。；;，,：:":
        return None, []
    later = [(h, t) for k, h, t in titles_after if k > i]
    runs = later + [(h, t) for k, h, t in paragraphs if k > i]
    prev = entries[-1].key + key if entries else None
    if prev and any(here.startswith(prev) for here, _ in later):
        return "continues", []
    if len(key) < 4:
        return None, []
    for here, _text in later:
        if here.startswith(key) and width(title) <= 60:
            return "entry", [title]
    listed = {e.key for e in entries}
    if width(title) <= 60 and _runs_into(key, runs, listed) is not None:
        return "entry", [title]  # printed again, run into its first paragraph
    near = len(key) >= NEAR_KEY and width(title) <= 60
    if near and any(_near_start(here, key) for here, _ in later):
        return "entry", [title]
    short = width(title) < 16  # too short for two entries, not for one and a group heading
    found: list[str] = []
    pos = 0
    while pos < len(key):
        if found and (m := re.match(r"\d{1,3}", key[pos:])):
            pos += m.end()  # the page number of the entry before, left between two entries
            if pos >= len(key):
                break
        best = max(
            ((h, t) for h, t in later if len(h) >= 4 and key.startswith(h, pos)),
            key=lambda ht: (len(ht[0]), len(ht[1])),  # with its closing marks, if wrapped
            default=None,
        )
        if best is None:
            best = _run_in(key, pos, runs, listed)
        if best is None:
            rest = key[pos:]
            if found and 2 <= len(rest) <= 12:
                # "…技术医药健康产业": the last entry of a group, then the next group's heading.
                return "entries+group", [*found, rest]
            return None, []
        found.append(best[1])
        pos += len(best[0])
    return ("entries", found) if len(found) >= 2 and not short else (None, [])


RUN_IN_MIN = 8  # characters of a title run into its first paragraph, to be recognised
TITLE_MAX = 90  # a longer block is a paragraph, not a title printed again


def _run_in(
    key: str, pos: int, later: list[tuple[str, str]], listed: set[str]
) -> tuple[str, str] | None:
    """A title at ``key[pos:]`` that the body prints run into its first paragraph
    (:func:`_runs_into`): the longest such piece after which the next entry's title (a later
    title, or the rest of the line, printed later run on into its byline or lead) or the end
    of the line follows."""
    starts = {h for h, _ in later if len(h) >= 4}

    def next_title_at(q: int) -> bool:
        # the next entry's title, printed later alone, or run on into its byline or lead
        rest = key[q:]
        return any(key.startswith(h, q) for h in starts) or (
            len(rest) >= RUN_IN_MIN and any(h.startswith(rest) for h in starts)
        )

    for q in range(len(key), pos + RUN_IN_MIN - 1, -1):
        if q < len(key) and not next_title_at(q):
            continue
        printed = _runs_into(key[pos:q], later, listed)
        if printed is not None:
            return key[pos:q], printed
    return None


def _runs_into(piece: str, later: list[tuple[str, str]], listed: set[str]) -> str | None:
    """The title ``piece`` (a squashed key) as printed at the start of a later block that
    runs on past it: a title the body prints run into its first paragraph
    ("中国科学院院士…生物智造" printed over the columns at a page's foot, read into "…生物智造
    “像我国传统制造业一样…"). None when no block does, for a piece shorter than RUN_IN_MIN,
    and for the start of a title the TOC has listed already (``listed``): that is the body,
    begun after the TOC, with its first title and first paragraph."""
    if len(piece) < RUN_IN_MIN or any(k.startswith(piece) for k in listed):
        return None
    for h, t in later:
        if len(h) > len(piece) and h.startswith(piece):
            return _printed(t, piece)
    return None


def _printed(text: str, key: str) -> str:
    """The start of ``text`` that squashes to ``key``: the title as printed, with the closing
    marks right after it ("…行动计划》"), which squash drops."""
    for n in range(len(key), len(text) + 1):
        if squash(text[:n]) == key:
            while n < len(text) and text[n] in CLOSING:
                n += 1
            return text[:n]
    return key


def _continues_then_group(
    titles_after: list[tuple[int, str, str]], i: int, title: str, entries: list[TocEntry]
) -> tuple[str, str] | None:
    """The TOC line at block i ends the previous (wrapped) entry and then names the next
    group, run together by the reader: ("技术分享活动", "节能环保产业"). The entry, completed,
    is printed again later as a title; the rest is a short name."""
    key = squash(title)
    if len(key) < 4 or entries[-1].page is not None:
        return None
    later = {h for k, h, _t in titles_after if k > i}
    for cut in range(len(title) - 2, 0, -1):
        head, rest = title[:cut], title[cut:].strip()
        if not 2 <= width(rest) <= 12 or not squash(rest) or len(squash(head)) < 2:
            continue
        if entries[-1].key + squash(head) in later:
            return head, rest
    return None


def _group_tail(
    blocks: list[Block], i: int, kind: str | None, titles: list[str]
) -> tuple[str | None, list[str]]:
    """Entries run together whose last piece is a short name that does not head an article
    where it is printed again: the next group's heading ("…交流会集成电路与 ICT产业")."""
    if (
        kind == "entries"
        and width(titles[-1]) <= 12
        and not _heads_article(blocks, i, squash(titles[-1]))
    ):
        return "entries+group", titles
    return kind, titles


def _heads_article(blocks: list[Block], i: int, key: str | None = None) -> bool:
    """Is the short TOC line at block i (or ``key``) printed again further on right over an
    article's subtitle, byline or first paragraph, more often than over something else? Then it is a
    short title ("MCU 的国产加速度"), not a group heading: a column or cluster name printed
    again stands over a title (or over the next TOC line, where the TOC runs on)."""
    from huikan.ingest.credits import byline_line

    key = key or squash(_clean(blocks[i].text))
    again = [k for k in range(i + 1, len(blocks) - 1) if squash(_clean(blocks[k].text)) == key]
    votes = 0
    for k in again:
        t = _clean(blocks[k + 1].text)
        prose = width(t) >= 60 or (t.rstrip()[-1:] in "。！？!?" and width(t) >= 12)
        prose = prose or blocks[k + 1].text.lstrip().startswith("——")  # over its subtitle
        # Printed once, over the same line as in the TOC and running straight on into it: a
        # title's first line over its second. (A label is printed again over each title of
        # its group, and in the TOC over its first entry, not over the rest of a title.)
        wrapped = (
            len(again) == 1
            and squash(_clean(blocks[k + 1].text)) == squash(_clean(blocks[i + 1].text))
            and _runs_on(blocks[k], blocks[k + 1])
        )
        votes += 1 if (k + 2 < len(blocks) and byline_line(t)) or prose or wrapped else -1
    return votes > 0


def _runs_on(line: Block, below: Block) -> bool:
    """Do ``line`` and ``below`` make one wrapped heading: set off together from what is above,
    in the same face, with no space between them? A group or column heading is set off from
    the title under it (by space or by a face of its own); the first line of a title runs
    straight on into its second. Without any spacing to go by, nothing is concluded."""
    return (
        line.gap_before > RUN_ON_GAP >= below.gap_before
        and line.bold == below.bold
        and abs(line.size - below.size) <= 0.02 * max(line.size, below.size)
        and line.page == below.page
    )


def _printed_before(blocks: list[Block], i: int, title: str, start: int) -> bool:
    """Is this TOC line the title of an article printed before the TOC (followed by prose)?
    The title may be wrapped over up to three blocks (large type in a narrow column).
    ``start`` is where the TOC begins: a line of the TOC itself is not such a title."""
    key = squash(title)
    if not key:
        return False
    hi = min(i - 1, start)
    for k in range(max(0, i - 60), hi):
        printed = ""
        for m in range(k, min(k + 3, hi)):
            printed += squash(blocks[m].text)
            if not key.startswith(printed):
                break
            if printed == key:
                if m + 1 < i and width(blocks[m + 1].text) >= 40:
                    return True
                break
    return False


def paragraph_starts(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(block index, squashed key, text) of the first TITLE_MAX characters of every block
    longer than a title: where :func:`_run_in` looks for a title run into its paragraph."""
    out = []
    for k, b in enumerate(blocks):
        t = _clean(b.text)
        if width(t) > TITLE_MAX:
            out.append((k, squash(t[:TITLE_MAX]), t[:TITLE_MAX]))
    return out


def later_titles(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """(block index, squashed key, text) of every title-length block, alone and joined with the
    next one to three (a title wrapped over several blocks in the body): what a TOC line may
    reappear as. Computed once per document."""
    out = []
    for k, b in enumerate(blocks):
        t = _clean(b.text)
        if width(t) > TITLE_MAX or not t:
            continue
        out.append((k, squash(t), t))
        # a title wrapped over two to four lines (large type in a narrow column)
        for nxt in blocks[k + 1 : k + 4]:
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
