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
    xs0, xs1 = min(p[0] for p in ln.quad), max(p[0] for p in ln.quad)
    ys0, ys1 = min(p[1] for p in ln.quad), max(p[1] for p in ln.quad)
    for o in lines:
        if o is ln or not o.text.rstrip().endswith(m.group("num")):
            continue
        ox1 = max(p[0] for p in o.quad)
        oy0, oy1 = min(p[1] for p in o.quad), max(p[1] for p in o.quad)
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

    def per_line(values: list[float]) -> list[float]:
        return [values[i] for i in keep] if len(values) == len(lines) else []

    return OcrPage(
        page.number,
        page.width,
        page.height,
        [lines[i] for i in keep],
        per_line(page.ink),
        per_line(page.glyph),
        per_line(page.fill),
    )
