"""huikan.ingest.ocr.symbols: a title marker the recogniser has no character for, from
synthetic OCR lines (boxes as RapidOCR reports them)."""

from __future__ import annotations

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.ocr.symbols import MARK, read_symbols


def _box(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text, 0.9, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _page(lines: list[OcrLine]) -> OcrPage:
    n = len(lines)
    return OcrPage(1, 1400, 2000, lines, [0.1 * k for k in range(n)], [20.0] * n, [0.5] * n)


def test_a_marker_read_as_latin_letters_is_read_as_a_marker():
    """★ before a large title, read "7" and "D" in two boxes: one marker, the title intact;
    a page number after lost leaders, far from the next column's line, stays a number; so
    does a number heading a line at the line's own height."""
    page = _page(
        [
            _box("两仪泰和大健康产", 197, 124, 652, 183),
            _box("7", 153, 139, 187, 163),
            _box("D", 182, 137, 220, 166),
            _box("6.3%.....", 124, 948, 225, 972),
            _box("4", 340, 951, 367, 966),
            _box("本册为新兴产业动态，每月一期", 807, 939, 1272, 968),
            _box("1", 120, 1100, 140, 1128),
            _box("总体要求", 150, 1100, 300, 1128),
        ]
    )
    out = read_symbols(page)
    assert [ln.text for ln in out.lines] == [
        "两仪泰和大健康产",
        MARK,
        "6.3%.....",
        "4",
        "本册为新兴产业动态，每月一期",
        "1",
        "总体要求",
    ]
    assert out.ink == [page.ink[i] for i in (0, 1, 3, 4, 5, 6, 7)]
    assert read_symbols(_page([_box("总体要求", 150, 1100, 300, 1128)])).lines[0].text == "总体要求"
