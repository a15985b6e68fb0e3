"""huikan.ingest.ocr.leaders: TOC leaders put back where OCR lost them, from synthetic
OCR lines (boxes and per-character x-ranges as RapidOCR reports them)."""

from __future__ import annotations

import re

from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.ocr.glyphs import cells
from huikan.ingest.ocr.leaders import join_tail_boxes, restore_leaders

EM = 24.0


def _line(parts: list[tuple[str, float]], x0: float, y0: float, em: float = EM) -> OcrLine:
    """One OCR line of runs of print, each after a gap (in em) of white: its box, and one
    x-range per character as the recogniser places them."""
    chars, x = [], x0
    text = ""
    for run, gap in parts:
        x += gap * em
        for ch in run:
            step = cells(ch) * em
            chars.append((x + 0.05 * step, x + 0.95 * step))
            x += step
        text += run
    quad = [[x0, y0], [x, y0], [x, y0 + 1.2 * em], [x0, y0 + 1.2 * em]]
    return OcrLine(text, 0.95, quad, chars)


def _page(lines: list[OcrLine]) -> OcrPage:
    n = len(lines)
    return OcrPage(1, 1400, 2000, lines, [0.1] * n, [20.0] * n, [0.5] * n)


def _texts(page: OcrPage) -> list[str]:
    return [ln.text for ln in page.lines]


def test_a_page_number_set_apart_from_its_title_gets_its_leaders_back():
    """Leader dots lost in the scan ("…培育12") or read as one or two (".8", ".·.5"):
    the white between title and number is what they left, and they come back."""
    page = _page(
        [
            _line([("竞逐新赛道未来产业加速培育", 0), ("12", 2.0)], 150, 980),
            _line([("储能全生命周期安全亟待提升", 0), (".8", 2.0)], 150, 1020),
            _line([("海内外专家共话全球经济金融治理", 0), (".·", 0.1), (".5", 1.2)], 150, 1060),
        ]
    )
    out = restore_leaders(page)
    texts = _texts(out)
    assert re.fullmatch(r"竞逐新赛道未来产业加速培育\.{4,}12", texts[0])
    assert re.fullmatch(r"储能全生命周期安全亟待提升\.{4,}8", texts[1])
    assert re.fullmatch(r"海内外专家共话全球经济金融治理\.{4,}5", texts[2])
    for old, new in zip(page.lines, out.lines, strict=True):
        assert len(new.chars) == len(new.text)  # the glyphs stay placed
        assert new.chars[-1] == old.chars[-1]  # the number where it was printed
        assert new.quad == old.quad
    assert out.ink == page.ink and out.glyph == page.glyph


def test_lines_that_are_no_toc_entries_stay_as_read():
    """A number after a word space or none ("印发15项", "增长 12"), a lone line ending in
    a number apart, a table row (wide gaps inside what would be its title), and a TOC
    printed without leaders (no dots read on its page: its numbers stand in white) are no
    entries whose leaders were lost."""
    solid = _page(
        [
            _line([("江西省专利转化运用专项行动印发15", 0)], 150, 900),
            _line([("今年一季度全市工业用电增长", 0), ("12", 0.4)], 150, 940),
        ]
    )
    assert restore_leaders(solid) is solid
    lone = _page([_line([("竞逐新赛道未来产业加速培育", 0), ("12", 2.0)], 150, 980)])
    assert restore_leaders(lone) is lone
    table = _page(
        [
            _line([("集成电路", 0), ("产量同比", 3.0), ("16", 3.0)], 150, 980),
            _line([("电子元件", 0), ("出口同比", 3.0), ("63", 3.0)], 150, 1020),
        ]
    )
    assert restore_leaders(table) is table
    leaderless = _page(
        [
            _line([("竞逐新赛道未来产业加速培育", 0), ("12", 2.0)], 150, 980),
            _line([("储能全生命周期安全亟待提升", 0), ("15", 2.0)], 150, 1020),
        ]
    )
    assert restore_leaders(leaderless) is leaderless


def test_a_page_number_read_again_in_a_box_of_its_own_is_dropped_once():
    """The engine read the number of a restored entry a second time, as its own box over
    the same print: that reading goes, and a page number of another row stays."""
    entry = _line([("竞逐新赛道未来产业加速培育", 0), ("..", 0.2), ("12", 2.5)], 150, 980)
    x0, x1 = entry.chars[-2][0] - 3, entry.chars[-1][1] + 3
    again = OcrLine("..12", 0.6, [[x0 - 20, 982], [x1, 982], [x1, 1004], [x0 - 20, 1004]])
    other = _line([("储能全生命周期安全亟待提升", 0), ("15", 2.5)], 150, 1020)
    below = OcrLine("12", 0.9, [[x0, 1062], [x1, 1062], [x1, 1084], [x0, 1084]])
    page = _page([entry, again, other, below])
    texts = _texts(restore_leaders(page))
    assert len(texts) == 3
    assert texts[0].endswith("12") and texts[1].endswith("15") and texts[2] == "12"


def _tail(text: str, x0: float, y0: float, em: float = EM) -> OcrLine:
    """A box the detector cut off a TOC line: leaders in small print, perhaps a number."""
    return _line([(text, 0)], x0, y0 + 0.3 * em, em=0.5 * em)


def test_leader_boxes_cut_off_their_titles_are_joined_to_them():
    """The detector boxes faint leaders apart from their title, reads them twice (the strip
    right of a line again), misreads a digit as "③" or loses the number: each entry becomes
    one line again — title, dots, the number the rightmost box read — in reading order."""
    page = _page(
        [
            _line([("推进工程机械电动化聚力打造优势创新产业集群", 0)], 120, 840),
            _tail(".2", 720, 840),
            _line([("深圳市发布新材料产业集群行动计划", 0)], 120, 950),
            _tail("........", 540, 950),
            _line([("以创新链之强托举产业链之优", 0)], 120, 1060),
            _line([("一行正文，没有页码。", 0)], 120, 1170),
            _tail("..................3", 560, 950),  # read again after the whole list
            _tail(".........③", 620, 950),
            _tail("......", 460, 1060),  # its number lost
        ]
    )
    out = join_tail_boxes(page)
    texts = _texts(out)
    assert len(texts) == 4
    assert re.fullmatch(r"推进工程机械电动化聚力打造优势创新产业集群\.{4,}2", texts[0])
    assert re.fullmatch(r"深圳市发布新材料产业集群行动计划\.{4,}3", texts[1])
    assert re.fullmatch(r"以创新链之强托举产业链之优\.{4,}", texts[2])
    assert texts[3] == "一行正文，没有页码。"
    for ln in out.lines:
        assert len(ln.chars) == len(ln.text)
    assert len(out.ink) == len(out.glyph) == len(out.fill) == 4


def test_a_number_alone_stays_beside_its_line():
    """A TOC that numbers its group headings: the number beside "热点资讯" is no leader box,
    and dots put there would turn the group into an entry."""
    page = _page(
        [
            _line([("热点资讯", 0)], 120, 490),
            _tail("6", 1220, 490),
            _line([("西安交通大学研究开发4D打印材料", 0)], 120, 550),
            _tail("....................6", 640, 550),
            _line([("积极应对欧美以碳足迹制约国内光伏产业发展", 0)], 120, 600),
            _tail("...........6", 800, 600),
        ]
    )
    texts = _texts(join_tail_boxes(page))
    assert texts[:2] == ["热点资讯", "6"]
    assert [re.sub(r"\.{4,}", "…", t) for t in texts[2:]] == [
        "西安交通大学研究开发4D打印材料…6",
        "积极应对欧美以碳足迹制约国内光伏产业发展…6",
    ]
    one = _page([_line([("表1 各地项目数量", 0)], 120, 840), _tail("......12", 720, 840)])
    assert join_tail_boxes(one) is one  # one box of dots on a page: no list of entries
