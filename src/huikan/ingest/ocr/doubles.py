"""Print the engine read twice: a line boxed inside another line's box.

The engine reads the strip right of a line again where the detector left print unread
(:func:`~.engine._row_rest`). Right of a short box that stands over a large title — a title
marker the recogniser has no character for, read "D" — that strip runs through the title's
own print, and the title came back twice: "两仪泰和大健康产" and, inside its box,
"内仅泰和大健康飞", which the layout then joined into the title. A line whose box lies
almost wholly inside a larger line's box is such a second reading and is dropped; two
lines of a page never share their print so.
"""

from __future__ import annotations

from huikan.ingest.ocr.engine import OcrLine, OcrPage

INSIDE = 0.8  # of a line's box inside a larger line's box: a second reading of its print


def _box(ln: OcrLine) -> tuple[float, float, float, float]:
    xs, ys = [q[0] for q in ln.quad], [q[1] for q in ln.quad]
    return min(xs), min(ys), max(xs), max(ys)


def _area(b: tuple[float, float, float, float]) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def drop_double_reads(page: OcrPage) -> OcrPage:
    """The page without lines boxed inside a larger line's box (see the module doc); the
    page itself when there are none."""
    boxes = [_box(ln) for ln in page.lines]
    gone: set[int] = set()
    for i, b in enumerate(boxes):
        area = _area(b)
        if area <= 0:
            continue
        for j, o in enumerate(boxes):
            if j == i or j in gone or _area(o) <= area:
                continue
            inter = (max(b[0], o[0]), max(b[1], o[1]), min(b[2], o[2]), min(b[3], o[3]))
            if _area(inter) >= INSIDE * area:
                gone.add(i)
                break
    if not gone:
        return page
    return page.kept(list(page.lines), [i for i in range(len(page.lines)) if i not in gone])
