"""Physical lines of a leaf (a column region read top to bottom), for paragraph joining."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from huikan.ingest.pdf_columns import Leaf
from huikan.ingest.pdf_layout import Seg, needs_space, rows_of


@dataclass(slots=True)
class Line:
    """One printed line of a leaf, in reading order, with what paragraph joining needs."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # dominant glyph size of the line
    nchars: int
    nbold: int
    sizes: list[tuple[float, int]]
    frame: tuple[float, float]
    leaf: int
    tabs: list[int]  # offsets in ``text`` where a wide gap (>= 2 em) separated two runs
    last_run: str  # text of the right-most run (a TOC page number sits there)
    first_on_page: bool = False
    toc: str = ""  # "", "entry", "group", "leaders", "numbered" (see pdf_blocks)

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def _field_cuts(row: list[Seg]) -> list[int]:
    """Where a row breaks into fields set far apart (publisher ... date)."""
    return [
        i
        for i in range(1, len(row))
        if row[i].x0 - row[i - 1].x1 >= 4 * max(row[i].size, row[i - 1].size)
        and not _PAGE_NO.match(row[i].text.strip())  # a TOC page number stays with its title
        and sum(s.n for s in row[:i]) >= 3
        and sum(s.n for s in row[i:]) >= 3  # not a letter-spaced 目  录
    ]


def splits_fields(segs: list[Seg]) -> bool:
    """Split far-apart short fields into lines of their own, unless the page has several
    such rows: then they are table rows, better kept whole."""
    short = 0
    for row in rows_of(segs):
        cuts = _field_cuts(row)
        parts = [row[a:b] for a, b in itertools.pairwise([0, *cuts, len(row)])]
        if cuts and all(sum(s.n for s in p) <= 16 for p in parts):
            short += 1
    return short <= 1


def _split_fields(rows: list[list[Seg]]) -> list[list[Seg]]:
    out = []
    for row in rows:
        for a, b in itertools.pairwise([0, *_field_cuts(row), len(row)]):
            out.append(row[a:b])
    return out


_PAGE_NO = re.compile(r"^\d{1,4}$")


def leaf_lines(
    leaf: Leaf, page: int, leaf_no: int, bold_font: list[bool], fields: bool = True
) -> list[Line]:
    """Rows of a leaf joined into lines; overlapping duplicate runs (fake bold) collapse.

    With ``fields`` a row whose parts sit far apart becomes one line per part.
    """
    lines = []
    rows = rows_of(leaf.segs)
    for row in _split_fields(rows) if fields else rows:
        kept: list[Seg] = []
        for s in row:
            if kept:
                p = kept[-1]
                overlap = min(p.x1, s.x1) - max(p.x0, s.x0)
                if overlap > 0.7 * max(1e-6, s.x1 - s.x0) and s.text == p.text:
                    p.fake_bold = True  # the same text struck twice, slightly shifted
                    continue
            kept.append(s)
        parts: list[str] = []
        tabs: list[int] = []
        prev: Seg | None = None
        nchars = nbold = 0
        sizes: Counter[float] = Counter()
        biggest = max(s.size for s in kept)
        for s in kept:
            if prev is not None:
                gap = s.x0 - prev.x1
                size = max(s.size, prev.size)
                if gap >= 2 * size:
                    tabs.append(len("".join(parts)))
                if (
                    s.lead_space
                    or gap >= 2 * size
                    or needs_space(parts[-1][-1], s.text[0], gap, size)
                ):
                    parts.append(" ")
            parts.append(s.text)
            nchars += s.n
            if bold_font[s.fid] or s.fake_bold:
                nbold += s.n
            if s.size >= 0.85 * biggest:  # superscripts do not make a line small
                sizes[round(s.size, 1)] += s.n
            prev = s
        text = "".join(parts)
        size = sizes.most_common(1)[0][0]
        lines.append(
            Line(
                text=text,
                page=page,
                x0=kept[0].x0,
                x1=max(s.x1 for s in kept),
                top=min(s.top for s in kept),
                bottom=max(s.bottom for s in kept),
                size=size,
                nchars=nchars,
                nbold=nbold,
                sizes=sorted(sizes.items()),
                frame=leaf.frame,
                leaf=leaf_no,
                tabs=tabs,
                last_run=kept[-1].text,
            )
        )
    return lines
