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


def _doubted(text: str, first: list[tuple[str, float]], y: float) -> OcrLine:
    """A line whose first character the recogniser doubted: ``first`` its candidates."""
    line = _box(text, 78, y, 840, y + 31)
    line.alts = [(0, first), (7, [("士", 0.94), ("土", 0.05)])]
    return line


def test_a_marker_read_as_the_titles_first_character_is_read_as_a_marker():
    """◆ boxed with its title and read "?" at 0.3 between "●" and "+" becomes the marker;
    the line's other doubts keep their places; so does one doubted between "?", "√" and "+".
    A first character doubted between a symbol and a letter, an opening quote or a dash, or
    between punctuation only (a comma a layout put at a line's start), one read as a marker,
    one read with certainty, one before Latin or a digit, and a line of one character stay
    as read."""
    marked = _doubted(
        "?中国科学院院士、生物岛实验室主任徐涛", [("?", 0.3), ("●", 0.17), ("+", 0.14)], 100
    )
    plus = _doubted("?加快绿色技术推广应用", [("?", 0.5), ("√", 0.13), ("+", 0.13)], 150)
    kept = [
        _doubted("?中国科学院", [("?", 0.4), ("P", 0.3), ("●", 0.1)], 200),  # a letter
        _doubted("，完成管道中心线测绘", [("，", 0.6), ("、", 0.2), ("；", 0.1)], 250),  # a comma
        _doubted("？海内外专家", [("？", 0.5), ("！", 0.2), ("。", 0.1)], 260),  # punctuation
        _doubted("●海内外专家", [("●", 0.5), ("?", 0.2)], 270),  # a marker already
        _doubted("“产业投资人交流会”", [("“", 0.6), ("●", 0.2)], 300),  # an opening quote
        _doubted("—摘自新华社", [("—", 0.5), ("●", 0.3)], 400),  # a dash
        _doubted("?5G基站", [("?", 0.4), ("●", 0.3)], 500),  # before a digit
        _doubted("?", [("?", 0.4), ("●", 0.3)], 600),  # nothing after it
        _box("?海内外专家共话", 78, 700, 840, 731),  # read without doubt
    ]
    out = read_symbols(_page([marked, plus, *kept]))
    assert out.lines[0].text == MARK + "中国科学院院士、生物岛实验室主任徐涛"
    assert out.lines[0].alts == [(7, [("士", 0.94), ("土", 0.05)])]
    assert out.lines[1].text == MARK + "加快绿色技术推广应用"
    assert [ln.text for ln in out.lines[2:]] == [ln.text for ln in kept]
