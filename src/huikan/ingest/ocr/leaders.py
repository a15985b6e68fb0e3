"""TOC leaders the recogniser lost: a page number set apart from its title by white.

A scanned table of contents prints "标题……12", but faint leader dots often vanish in the
scan or are read as one or two dots: the line comes out "竞逐新赛道未来产业加速培育12" or
"…金融治理.·.5". Without its leaders the layout pipeline does not see a TOC entry, so the
entry ran into the next line and the page number into the title. The recogniser still
placed each character (:attr:`~.engine.OcrLine.chars`), and the number stands apart: set
solid, a title has at most about half an em between two characters, and a word space is
less than an em; leaders leave :data:`GAP` em or more of white or dots. Such a line gets its
leaders back ("title" + dots + number, the dots spread over the white), as its text layer
would read.

Only where entries come in a list: at least :data:`LIST` lines of the page end in a page
number after leaders (restored or read), so a lone table row ending in a number stays
as read; a line whose title part has a wide gap of its own (cells of a table row) too.

A page number the engine read twice — once at the end of the line, once as a box of its
own over the same print (the engine reads the strip right of a line again) — would
follow the restored entry as a second number; such a box is dropped.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import replace

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.pdf_layout import is_wide

GAP = 1.0  # em of white (or dots) between a title and its page number that leaders left
CELLS = 2.0  # em of white inside the title part: cells of a table row, not a title
LIST = 2  # TOC lines on a page before any line gets its leaders back
DOT_CELL = 0.55  # width of a leader dot in em (as a Latin character in .glyphs)
MIN_DOTS = 4  # dots put back, at least (what the layout pipeline asks of dot leaders)

_DOTS = ".·…。．・•‥⋯,，_"
# title (ends in print that is not a dot), then white or dots, then a page number
_TAIL = re.compile(
    rf"^(?P<title>.*?[^\s{re.escape(_DOTS)}])(?P<lead>[\s{re.escape(_DOTS)}]*)(?P<num>\d{{1,3}})$"
)
_READ_LEADERS = re.compile(rf"[{re.escape(_DOTS)}]{{3,}}\s*\d{{1,3}}$")
# dots read before a page number: this TOC prints leaders (a TOC without them keeps its white)
_SOME_DOTS = re.compile(r"[.·…。．・•‥⋯_]{2,}\s*\d{1,3}$")
_NUMBER = re.compile(rf"^[\s{re.escape(_DOTS)}]*(?P<num>\d{{1,3}})$")


def _xs(ln: OcrLine) -> list[tuple[float, float]] | None:
    return ln.chars if ln.chars and len(ln.chars) == len(ln.text) else None


def _em(ln: OcrLine, xs: list[tuple[float, float]]) -> float:
    """The line's em in pixels: the median width of its ideographs (0: fewer than two)."""
    widths = [b - a for ch, (a, b) in zip(ln.text, xs, strict=True) if is_wide(ch) and ch.isalpha()]
    return statistics.median(widths) if len(widths) >= 2 else 0.0


def _candidate(ln: OcrLine) -> tuple[str, str, float, float] | None:
    """(title, number, where the title's print ends, where the number's begins) of a line
    whose page number stands :data:`GAP` em or more after its title, else None."""
    text = ln.text.rstrip()
    xs = _xs(ln)
    m = _TAIL.match(text)
    if xs is None or m is None:
        return None
    title, num = m.group("title"), m.group("num")
    if sum(1 for ch in title if is_wide(ch) and ch.isalpha()) < 2:
        return None
    em = _em(ln, xs)
    if not em:
        return None
    end, start = xs[m.end("title") - 1][1], xs[m.start("num")][0]
    if start - end < GAP * em:
        return None
    ink = [xs[k] for k, ch in enumerate(title) if not ch.isspace()]
    if any(b[0] - a[1] >= CELLS * em for a, b in itertools.pairwise(ink)):
        return None  # cells of a table row, not a title
    return title.rstrip(), num, end, start


def _twice_read(ln: OcrLine, lines: list[OcrLine]) -> bool:
    """A number alone in its box (leaders read or not) whose print another line of its row
    already ends in: the same number, read again over the same pixels."""
    m = _NUMBER.match(ln.text.strip())
    if m is None:
        return False
    xs0, ys0, xs1, ys1 = ln.box
    for o in lines:
        if o is ln or not o.text.rstrip().endswith(m.group("num")):
            continue
        _, oy0, ox1, oy1 = o.box
        if len(o.text.strip()) <= len(ln.text.strip()):
            continue
        rows = min(ys1, oy1) - max(ys0, oy0) >= 0.5 * min(ys1 - ys0, oy1 - oy0)
        xs = _xs(o)
        digits = len(m.group("num"))
        tail = (xs[-digits][0], xs[-1][1]) if xs else (ox1 - (xs1 - xs0), ox1)
        over = min(xs1, tail[1]) - max(xs0, tail[0]) > 0
        if rows and over:
            return True
    return False


# A box of leaders alone, perhaps with the page number after them (a circled digit is a
# number the recogniser misread: "③").
_TAIL_BOX = re.compile(rf"^[{re.escape(_DOTS)}\s]*(?P<num>\d{{1,3}}|[①-⑳])?$")
_LEADER_DOTS = ".·…。．・•‥⋯_"  # what leaders print (a comma is only ever their first dot)
_CIRCLED = {chr(0x2460 + k): str(k + 1) for k in range(20)}
ROW = 0.5  # vertical overlap, of the lower box, that puts two boxes on one row


def _tail_box(ln: OcrLine) -> str | None:
    """The page number ("" for none) of a box holding only leaders and a number, else None."""
    text = ln.text.strip()
    m = _TAIL_BOX.match(text)
    if m is None or sum(1 for c in text if c in _LEADER_DOTS) < (1 if m.group("num") else 2):
        # a number alone may be a group's (in a TOC that numbers its groups); a comma or a
        # dot alone, the end of a clause the detector boxed apart
        return None
    num = m.group("num") or ""
    return _CIRCLED.get(num, num)


def _host(box: tuple[float, float, float, float], lines: list[OcrLine], tails: set[int]) -> int:
    """The line a tail box at ``box`` ends: on its row, the nearest whose print ends left of
    the tail's start (-1: none)."""
    x0, y0, _, y1 = box
    best, best_x1 = -1, float("-inf")
    for i, ln in enumerate(lines):
        if i in tails:
            continue
        hx0, hy0, hx1, hy1 = ln.box
        overlap = min(y1, hy1) - max(y0, hy0)
        if overlap < ROW * min(y1 - y0, hy1 - hy0) or hx0 >= x0 or hx1 > x0 + (y1 - y0):
            continue
        if hx1 > best_x1:
            best, best_x1 = i, hx1
    return best


def join_tail_boxes(page: OcrPage) -> OcrPage:
    """A TOC line the detector cut in two: the title, then its leaders (and page number) in a
    box of their own, often read twice (the engine reads the strip right of a line again:
    "..................3" and ".........③" over the same print). The reading order placed
    such a box by its own top, before its title or after the whole list, so the entry lost
    its number and the dots became a line of their own. Each such box is joined to the line
    it ends (on its row, left of it): the title, one run of dots over the boxes' span, and
    the number the rightmost of them read. Only on a page with :data:`LIST` such boxes or
    more; a number alone is left to the line it stands beside (a TOC may number its group
    headings too, and dots put there would make the group an entry)."""
    tails = {i: num for i, ln in enumerate(page.lines) if (num := _tail_box(ln)) is not None}
    if len(tails) < LIST:
        return page
    hosts: dict[int, list[int]] = {}
    for i in tails:
        if (h := _host(page.lines[i].box, page.lines, set(tails))) >= 0:
            hosts.setdefault(h, []).append(i)
    if not hosts:
        return page
    lines = list(page.lines)
    for h, group in hosts.items():
        lines[h] = _joined(page.lines[h], [page.lines[i] for i in group], [tails[i] for i in group])
    gone = {i for group in hosts.values() for i in group}
    keep = [i for i in range(len(lines)) if i not in gone]
    return page.kept(lines, keep)


def _joined(host: OcrLine, tails: list[OcrLine], nums: list[str]) -> OcrLine:
    """``host`` with its tail boxes after it: dots over their span, then the number."""
    boxes = [t.box for t in tails]
    hx0, hy0, hx1, hy1 = host.box
    start = max(hx1, min(b[0] for b in boxes))
    end = max(b[2] for b in boxes)
    by_right = sorted(zip(tails, boxes, nums, strict=True), key=lambda tbn: -tbn[1][2])
    num, digits = "", []
    for tail, box, read in by_right:
        if not read:
            continue
        num, xs, stop = read, _xs(tail), len(tail.text.rstrip())
        if xs is not None:
            digits = xs[stop - len(num) : stop]
        else:  # the number's place unknown: it ends the box, in half-em cells
            w = 0.5 * (box[3] - box[1])
            digits = [
                (box[2] - (len(num) - k) * w, box[2] - (len(num) - k - 1) * w)
                for k in range(len(num))
            ]
        break
    num_x0 = digits[0][0] if digits else end
    n = max(MIN_DOTS, round((num_x0 - start) / (DOT_CELL * (hy1 - hy0))))
    step = max(num_x0 - start, 0.0) / n
    dots = [(start + k * step, start + (k + 1) * step) for k in range(n)]
    text = host.text.rstrip(_DOTS + " ")
    xs = _xs(host)
    chars = [*xs[: len(text)], *dots, *digits] if xs is not None else []
    quad = [[hx0, hy0], [end, hy0], [end, hy1], [hx0, hy1]]
    return replace(
        host,
        text=text + "." * n + num,
        quad=quad,
        chars=chars,
        alts=[a for a in host.alts if a[0] < len(text)],
        gaps=[g for g in host.gaps if g[0] < len(text)],
    )


def restore_leaders(page: OcrPage) -> OcrPage:
    """The page with TOC leaders put back where white stands for them (see the module
    doc); the page itself when nothing changes."""
    found = {i: c for i, ln in enumerate(page.lines) if (c := _candidate(ln))}
    if not found:
        return page
    read = sum(
        1 for i, ln in enumerate(page.lines) if i not in found and _READ_LEADERS.search(ln.text)
    )
    if len(found) + read < LIST or not any(_SOME_DOTS.search(ln.text) for ln in page.lines):
        return page
    lines = list(page.lines)
    for i, (title, num, end, start) in found.items():
        ln = page.lines[i]
        xs = _xs(ln)
        assert xs is not None
        n = max(MIN_DOTS, round((start - end) / (DOT_CELL * _em(ln, xs))))
        step = (start - end) / n
        dots = [(end + k * step, end + (k + 1) * step) for k in range(n)]
        tail = len(ln.text.rstrip()) - len(num)
        lines[i] = replace(
            ln,
            text=title + "." * n + num,
            chars=[*xs[: len(title)], *dots, *xs[tail:]],
            # doubts past the title would point into the restored dots
            alts=[a for a in ln.alts if a[0] < len(title)],
            gaps=[g for g in ln.gaps if g[0] < len(title)],
        )
    restored = [lines[i] for i in found]
    keep = [i for i, ln in enumerate(lines) if i in found or not _twice_read(ln, restored)]
    return page.kept(lines, keep)
