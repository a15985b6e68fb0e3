"""OCR of scanned bulletins (src/huikan/ingest/ocr/), with the real RapidOCR engine.

The fixture is made at test time (bench/scans.py): two dense two-column pages of a sample
bulletin, rendered, turned, blurred, noised and saved as an image-only PDF. Its two pages
are recognised once per session (with two worker processes) and kept in a session OCR
cache, which the mixed PDF and the command-line tests reuse: their scanned pages are the
same pixels. That keeps the cost of OCR in the suite to two pages.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from huikan.cache import IngestCache
from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.ocr import OcrOptions
from huikan.ingest.ocr.engine import OcrLine, OcrPage
from huikan.ingest.ocr.glyphs import (
    OcrBox,
    cells,
    glyphs,
    ink_cells,
    page_boxes,
    pitch,
    skew,
)
from huikan.ingest.ocr.metrics import line_metrics
from huikan.ingest.ocr.normalize import normalize_line
from huikan.ingest.ocr.notice import ocr_notice, page_ranges
from huikan.ingest.ocr.pages import recognise_pages
from huikan.ingest.ocr.sizes import assign_sizes
from huikan.ingest.ocr.weight import mark_heavy
from huikan.model import IngestError

sys.path.insert(0, str(REPO))
from bench.ocr import edit_distance
from bench.scans import make_scan, mix

SOURCE = REPO / "tests" / "corpus" / "pdf" / "a4-two-column" / "004_04bd7fccb17faafb.pdf"
PAGES = [2, 3]  # seven short articles over two columns


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ocr")
    make_scan(SOURCE, d / "text.pdf", pages=PAGES, text_pages=PAGES)  # the all-text twin
    make_scan(SOURCE, d / "scan.pdf", pages=PAGES, seed=7, dpi=200)
    mix(d / "text.pdf", d / "scan.pdf", {2}, d / "mixed.pdf")  # page 1 text, page 2 scanned
    return d


@pytest.fixture(scope="session")
def ocr_opts(fixture_dir) -> OcrOptions:
    return OcrOptions(jobs=2, cache_dir=fixture_dir / "ocr-cache", progress=False)


@pytest.fixture(scope="session")
def config():
    return load_config(REPO / "site.yml")


@pytest.fixture(scope="session")
def text_result(fixture_dir, config):
    return ingest_file(fixture_dir / "text.pdf", config, use_sidecar=False)


@pytest.fixture(scope="session")
def scan_result(fixture_dir, config, ocr_opts):
    t0 = time.perf_counter()
    res = ingest_file(fixture_dir / "scan.pdf", config, use_sidecar=False, ocr=ocr_opts)
    print(f"\nOCR of the {len(PAGES)}-page fixture: {time.perf_counter() - t0:.1f} s")
    return res


def _squash(s: str | None) -> str:
    return "".join((s or "").split())


def _titles(res) -> list[str]:
    return [_squash(a.title) for a in res.articles]


def test_a_scanned_pdf_splits_like_its_text_twin(scan_result, text_result):
    assert scan_result.bulletin.ocr_pages == [1, 2]
    assert len(text_result.articles) >= 5
    assert _titles(scan_result) == _titles(text_result)
    assert [a.cluster for a in scan_result.articles] == [a.cluster for a in text_result.articles]
    ref = "".join(_squash(a.text) for a in text_result.articles)
    hyp = "".join(_squash(a.text) for a in scan_result.articles)
    assert edit_distance(ref, hyp) / len(ref) <= 0.01  # body CER at most 1 %


def test_a_mixed_pdf_splits_like_its_text_twin(fixture_dir, config, ocr_opts, text_result):
    res = ingest_file(fixture_dir / "mixed.pdf", config, use_sidecar=False, ocr=ocr_opts)
    assert res.bulletin.ocr_pages == [2]  # only the scanned page was read by OCR
    assert _titles(res) == _titles(text_result)
    assert [a.page for a in res.articles] == [a.page for a in text_result.articles]


def test_ocr_pages_are_cached_by_their_pixels(fixture_dir, scan_result, ocr_opts):
    """The second reading of a page (same pixels, here inside the mixed PDF) is a cache hit."""
    t0 = time.perf_counter()
    pages = recognise_pages(fixture_dir / "mixed.pdf", [2], ocr_opts)
    assert time.perf_counter() - t0 < 5  # rendering for the key; recognising takes far longer
    assert pages[2].lines and pages[2].number == 2


def test_a_cached_reingest_takes_milliseconds(fixture_dir, config, ocr_opts, tmp_path):
    cache = IngestCache(tmp_path)
    first = cache.ingest(fixture_dir / "scan.pdf", config, ocr=ocr_opts)
    t0 = time.perf_counter()
    again = cache.ingest(fixture_dir / "scan.pdf", config, ocr=ocr_opts)
    assert time.perf_counter() - t0 < 0.5
    assert cache.hits == 1 and again.to_json() == first.to_json()
    assert again.bulletin.ocr_pages == [1, 2]


def test_ingest_prints_the_ocr_notice(fixture_dir, ocr_opts, capsys, tmp_path):
    """`huikan ingest` names the OCR pages; the site's OCR cache is reused (no new OCR)."""
    from huikan.cli import main

    site = tmp_path / "site"
    (site / ".huikan-cache").mkdir(parents=True)
    os.symlink(ocr_opts.cache_dir, site / ".huikan-cache" / "ocr")
    (site / "issues").mkdir()
    (site / "site.yml").write_text((REPO / "site.yml").read_text("utf-8"), "utf-8")
    scan = site / "issues" / "scan.pdf"
    scan.write_bytes((fixture_dir / "scan.pdf").read_bytes())
    assert main(["ingest", str(scan), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "经 OCR 识别：全部页面是扫描件" in out
    assert main(["ingest", str(scan), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bulletin"]["ocr_pages"] == [1, 2]


def test_the_review_page_says_the_text_was_read_by_ocr(fixture_dir, scan_result, text_result):
    from huikan.review import make_review

    templates = [REPO / "templates"]
    html = make_review(fixture_dir / "scan.pdf", scan_result, template_dirs=templates).html
    assert "<strong>经 OCR 识别</strong>：全部页面是扫描件" in html.decode("utf-8")
    html = make_review(fixture_dir / "text.pdf", text_result, template_dirs=templates).html
    assert "经 OCR 识别" not in html.decode("utf-8")


def test_without_the_engine_the_file_and_the_fix_are_named(fixture_dir, monkeypatch, tmp_path):
    import huikan.ingest.ocr as ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    from huikan.ingest.pdf import read_pdf

    with pytest.raises(IngestError) as e:
        read_pdf(fixture_dir / "scan.pdf")
    assert e.value.file == "scan.pdf" and e.value.code == "scanned"
    assert "pip install 'huikan[ocr]'" in str(e.value)
    # a file with a few scanned pages is still read, with a warning naming them and the fix
    import pypdfium2 as pdfium

    few = pdfium.PdfDocument.new()
    text, scan = (pdfium.PdfDocument(str(fixture_dir / n)) for n in ("text.pdf", "scan.pdf"))
    few.import_pages(text, [0])
    few.import_pages(scan, [1])
    few.import_pages(text, [1])
    few.save(str(tmp_path / "few.pdf"))
    doc = read_pdf(tmp_path / "few.pdf")
    (w,) = [w for w in doc.warnings if w.code == "ocr-unavailable"]
    assert "第2页" in w.message and "huikan[ocr]" in w.message and w.file == "few.pdf"


def test_killing_huikan_leaves_no_ocr_workers(fixture_dir, tmp_path):
    """Workers die with their parent (PR_SET_PDEATHSIG): no orphans after a kill -9."""
    scan = tmp_path / "fresh.pdf"  # new pixels, so nothing is cached and workers start
    make_scan(SOURCE, scan, pages=[2, 3], seed=11, dpi=150)
    proc = subprocess.Popen(
        [sys.executable, "-m", "huikan.cli", "ingest", str(scan), "--no-cache", "-j", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2:
        time.sleep(0.2)
        children = _children(proc.pid)
    assert len(children) >= 2, "the OCR workers never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    assert not any(_alive(c) for c in children)


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(p.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("数字经济,推动发展", "数字经济，推动发展"),
        ("2O24年", "2024年"),
        ("二0二四年", "二〇二四年"),
        ("1一3月", "1-3月"),
        ("一一广东燃气安全技术展", "——广东燃气安全技术展"),
        ("逐一一对应", "逐一一对应"),
        ("产业 科技", "产业科技"),
        ("(一)总体要求", "（一）总体要求"),
        ("ICT and AI, 5G", "ICT and AI, 5G"),
        ("vivo丶OPPO下滑，电动化丶数字化丶", "vivo、OPPO下滑，电动化、数字化、"),
        ("近年来.伴随全球经济", "近年来，伴随全球经济"),
        # a decimal point, a URL, TOC leaders and a sentence's Latin end stay as they are
        ("增长3.5%，见www.most.gov.cn。", "增长3.5%，见www.most.gov.cn。"),
        ("本期要目......12", "本期要目......12"),
        ("热点资讯.....专家观点", "热点资讯.....专家观点"),
        ("发布了GPT-4o.该模型", "发布了GPT-4o.该模型"),
        # a quote opened inside a double quote is single; a pair that disagrees is single
        ("“要坚持“生态即未来’理念。”谢少锋说", "“要坚持‘生态即未来’理念。”谢少锋说"),
        ("举办“建筑业“BIM+’智能建造", "举办“建筑业‘BIM+’智能建造"),
        ("供应的‘顶梁柱”和‘压舱石”。", "供应的‘顶梁柱’和‘压舱石’。"),
        ("绿色低碳的“国产心’。”中船", "绿色低碳的‘国产心’。”中船"),
        # pairs that agree, and marks whose partner is on another line, stay
        ("首届“一带一路”论坛", "首届“一带一路”论坛"),
        ("企业满园”行动理念，“加快", "企业满园”行动理念，“加快"),
        ("地位”“加强科技", "地位”“加强科技"),
        ("“到“新药”，我国实现了“从无到有", "“到“新药”，我国实现了“从无到有"),  # outer open
        ("举办“赣翻对接一地一链’”活动", "举办“赣翻对接一地一链’”活动"),  # ‘ lost
        ("低碳的‘国产心。”中船", "低碳的‘国产心。”中船"),  # ” ends a quoted sentence
        # a closing double quote read as an opening one, around a short term
        ("首届“一带一路“科技交流大会", "首届“一带一路”科技交流大会"),
        ("“双碳“目标和“一带一路”倡议", "“双碳”目标和“一带一路”倡议"),
        ("他说：“今年“十四五”规划", "他说：“今年“十四五”规划"),  # a later ” closes it
        # a closing parenthesis that closes nothing after an open 《 is its 》
        ("《江西省实施方案）印发15项举措", "《江西省实施方案》印发15项举措"),
        ("《方案（试行）》发布", "《方案（试行）》发布"),
        ("发展规划）和《十四五", "发展规划）和《十四五"),  # opened on the line before
    ],
)
def test_normalize_repairs_what_ocr_confuses(raw, fixed):
    assert normalize_line(raw) == fixed


def test_page_ranges_and_notice():
    assert page_ranges([5, 1, 2, 3]) == "1–3、5"
    assert ocr_notice([1, 2], 2).startswith("经 OCR 识别：全部页面")
    assert "第 2 页" in ocr_notice([2], 3)


def _line(text: str, x0: float, y0: float, h: float, em: float, tilt: float = 0.0) -> OcrLine:
    """A line as RapidOCR reports it: its box and one x-range per character."""
    w = cells(text) * em
    chars, x = [], x0
    for ch in text:
        step = cells(ch) * em
        chars.append((x + 0.05 * step, x + 0.95 * step))
        x += step
    quad = [[x0, y0], [x0 + w, y0 + tilt * w], [x0 + w, y0 + h + tilt * w], [x0, y0 + h]]
    return OcrLine(text, 0.99, quad, chars)


def test_glyph_sizes_come_from_character_spacing_and_snap_to_the_documents_sizes():
    em = 24.0  # pixels per em of body text
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 100 + 40 * i, 27, em) for i in range(8)
    ]
    body.append(_line("本册为新兴产业动态，每月一期", 100, 500, 28, em * 1.03))  # justified
    title = _line("让数字经济成为发展新质生产力的主战场", 100, 40, 40, em * 1.5)
    spaced = _line("目录", 100, 600, 30, em * 4)  # letter-spaced heading: capped by height
    page = OcrPage(1, 1000, 1400, [title, *body, spaced], [0.1] * 11)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    sizes = [b.size for b in boxes]
    assert sizes[1:10] == [sizes[1]] * 9  # body lines share one size
    assert abs(sizes[1] - em * 0.5) <= 0.5
    assert sizes[0] >= 1.4 * sizes[1]  # the title is set larger
    assert sizes[10] < 2 * sizes[1]  # not the 4 em its spacing suggests
    # in a mixed PDF the OCR sizes take the sizes the text pages print
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [(12.5, 1000), (18.0, 40)])
    assert boxes[1].size == 12.5 and boxes[0].size == 18.0


def test_a_tilted_page_is_straightened():
    lines = [
        _line("数字经济赋能新质生产力发展数字经济", 100, 100 + 40 * i, 27, 24, 0.01)
        for i in range(6)
    ]
    page = OcrPage(1, 1000, 1400, lines, [0.1] * 6)
    assert abs(skew(page) - 0.01) < 1e-3
    boxes = page_boxes(page, 1.0)
    assert all(b.height < 30 for b in boxes)  # turned back: as tall as an upright line
    assert max(b.x0 for b in boxes) - min(b.x0 for b in boxes) < 3  # one left edge


def test_glyphs_spread_over_the_box_on_one_baseline():
    box = OcrBox("数据要素ab", 0.99, 0.0, 50.0, 0.0, 10.0, 0.1, size=10.0)
    chars = glyphs(box, 3, 4)
    assert "".join(c[4] for c in chars) == "数据要素ab"
    assert chars[0][0] == 0.0 and abs(chars[-1][1] - 50.0) < 1e-6
    assert len({c[2] for c in chars}) == 1 and {c[5] for c in chars} == {3}


def test_pitch_measures_whole_runs_not_single_steps():
    """The recogniser places characters on a grid of a few pixels: single steps of a 22 px
    em come out as 16 or 24 px, whose median is 9 % off; the span of the run is not."""
    text = "集群化是产业链向中高端迈进的必由之路"
    grid = 8.0
    chars = []
    for i in range(len(text)):
        c = round((100 + 22.0 * i) / grid) * grid
        chars.append((c - 10, c + 10))
    assert abs(pitch(text, chars) - 22.0) < 0.5


def test_a_title_is_not_shrunk_by_its_relatively_low_box():
    """The detector's box is relatively lower for large type (0.9 of the size for a title,
    1.2 for body text): a long title keeps the size its character spacing gives."""
    em = 20.0
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 100 + 40 * i, 24, em) for i in range(8)
    ]
    title = _line("让数字经济成为发展新质生产力的主战场", 100, 40, 27, em * 1.5)
    page = OcrPage(1, 1000, 1400, [title, *body], [0.1] * 9)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[0].size >= 1.45 * boxes[1].size


def test_the_short_last_line_of_a_wrapped_title_keeps_the_titles_size():
    """A two-character line has no spacing to measure and a relatively taller box: its
    width over its cells, near the title's size, makes it the title's continuation."""
    em = 20.0
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 200 + 40 * i, 24, em) for i in range(8)
    ]
    first = _line("习近平总书记主持召开深入推进长三角一体化发展座", 100, 40, 26, em * 1.4)
    last = _line("谈会", 300, 70, 34, em * 1.4 * 1.06)  # a little wide, box tall
    page = OcrPage(1, 1000, 1400, [first, last, *body], [0.1] * 10)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[1].size == boxes[0].size
    assert boxes[1].follows is boxes[0]


def _weighed(lines: list[OcrLine], ink: list[float], body_top: float = 300) -> list:
    """The boxes of ``lines`` over eight body lines (ink 0.1), sized and weighed."""
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, body_top + 40 * i, 24, 20.0)
        for i in range(8)
    ]
    page = OcrPage(1, 1000, 1400, [*lines, *body], [*ink, *[0.1] * 8])
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    mark_heavy(boxes, boxes[-1].size)
    return boxes


def test_a_wrapped_title_end_of_few_ideographs_keeps_the_titles_weight():
    """A bold title wrapped onto a line of three ideographs in brackets ("法（试行）"): the
    brackets are thin strokes in any face, so its ink says regular, but three ideographs
    are too little ink to judge; it takes the weight of the title line it continues. A line
    of four ideographs or more is judged with its title, by their ink together."""
    em = 20.0
    title = _line("徐州市新型研发机构绩效评价管理办", 100, 40, 30, em * 1.25)
    end = _line("法（试行）", 230, 72, 30, em * 1.25)
    other = _line("科技创新研究院年度发展规划纲要", 100, 520, 30, em * 1.25)
    other_end = _line("实施意见", 150, 552, 30, em * 1.25)
    boxes = _weighed([title, end, other, other_end], [0.3, 0.12, 0.3, 0.12], body_top=200)
    assert boxes[1].follows is boxes[0] and boxes[0].heavy and boxes[1].heavy
    assert boxes[3].follows is boxes[2] and boxes[2].heavy and boxes[3].heavy
    assert not any(b.heavy for b in boxes[4:])


def test_a_short_line_starting_left_of_the_line_above_does_not_continue_it():
    """A TOC's bold group label ("理论", two ideographs) right under an entry, standing out
    to the left of it: not the wrapped end of the entry, so it keeps its own weight (it
    took the entry's, regular, and the TOC ended there). Under the entry's start it is the
    entry's wrapped end."""
    em = 20.0
    entry = _line("海内外专家共话全球经济金融治理与发展", 130, 100, 24, em)
    label = _line("理论", 100, 128, 24, em)
    wrapped = _line("升级", 130, 128, 24, em)
    for second, follows in ((label, False), (wrapped, True)):
        boxes = _weighed([entry, second], [0.1, 0.3])
        assert (boxes[1].follows is boxes[0]) is follows
        assert boxes[1].heavy is not follows  # its own ink, or the entry's weight


def test_the_lines_of_one_title_are_read_as_one_weight():
    """Ink share varies from line to line with the characters: a bold title's full line
    and its short end can fall on either side of the bar. The lines of one display-size
    title are weighed together, so the title is not cut in two at a change of weight; a
    title of another size below, or one further down, is weighed on its own, and so are
    body-size lines (a bold lead line over regular text)."""
    em = 20.0
    first = _line("习近平总书记主持召开深入推进长三角一体", 100, 40, 30, em * 1.4)
    end = _line("化发展座谈会", 330, 72, 30, em * 1.4)
    other = _line("我国首次提出国际科技合作倡议构建全", 100, 160, 30, em * 1.4)
    other_end = _line("球科技共同体", 330, 192, 30, em * 1.4)
    lead = _line("科技创新研究院年度发展规划纲要", 100, 260, 24, em)
    bar = 1.45 * 0.1 * 1.4**0.5  # HEAVY_INK × the body's ink, raised for the size
    ink = [bar - 0.03, bar + 0.01, bar + 0.03, bar - 0.01, 0.2]
    boxes = _weighed([first, end, other, other_end, lead], ink)
    assert len({b.size for b in boxes[:4]}) == 1 and boxes[0].size > boxes[-1].size
    assert not boxes[0].heavy and not boxes[1].heavy  # the long line's ink decides
    assert boxes[2].heavy and boxes[3].heavy
    assert boxes[4].heavy and not any(b.heavy for b in boxes[5:])


def test_punctuation_is_measured_where_its_ink_is():
    """。 prints in the left half of its cell and the box ends at its ink: "号。" is one and
    a half cells wide, and a run's span stops at the last ideograph."""
    assert ink_cells("号。") == 1.5 and ink_cells("“好”") == 2.0 and ink_cells("数据") == 2.0
    text = "展望了中医药与现代科技融合的未来。"
    chars = [(100 + 20.0 * i, 118 + 20.0 * i) for i in range(len(text))]
    chars[-1] = (100 + 20.0 * (len(text) - 1) - 6, 100 + 20.0 * (len(text) - 1))  # 。's ink
    assert abs(pitch(text, chars) - 20.0) < 0.1


def _inked(text: str, em: float, ink: float, fill: bool, tilt: float = 0.0):
    """A white page with one line of square "glyphs" (``ink`` px high, solid or hollow) as
    RapidOCR would report it, padded box and all."""
    import numpy as np

    grey = np.full((200, 1200), 255, np.uint8)
    line = _line(text, 100, 60, 2 * ink, em, tilt)
    for a, b in line.chars:
        mid = (a + b) / 2
        y0 = int(60 + tilt * (mid - 100) + ink / 2)
        x0, x1, y1 = int(mid - ink / 2), int(mid + ink / 2), y0 + int(ink)
        grey[y0:y1, x0:x1] = 0
        if not fill:
            grey[y0 + 3 : y1 - 3, x0 + 3 : x1 - 3] = 255
    return grey, line


def test_line_metrics_read_the_ink_height_and_weight_of_the_glyphs():
    grey, line = _inked("数字经济赋能新质生产力", 30, 24, fill=True, tilt=0.01)
    glyph, fill = line_metrics(grey, line)
    assert abs(glyph - 24) <= 1 and fill > 0.95  # the box is 48 px high: not its height
    grey, line = _inked("数字经济赋能新质生产力", 30, 24, fill=False)
    assert line_metrics(grey, line)[1] < 0.5  # a light face fills less of its ink box
    assert line_metrics(grey, _line("AB", 100, 60, 40, 30)) == (0.0, 0.0)  # no ideographs


def test_a_justified_line_keeps_the_body_size_by_its_ink():
    """Justification stretches a line's spacing by 12 %, which alone reads as a larger
    size; the ink height of its glyphs is the body's, and the two together stay in the
    body's size."""
    em = 24.0
    lines = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 100 + 40 * i, 30, em) for i in range(8)
    ]
    lines.append(_line("本册为新兴产业动态每月一期", 100, 500, 30, em * 1.12))
    spaced = _line("目录", 100, 600, 34, em * 3)  # letter-spaced: the ink decides
    page = OcrPage(1, 1000, 1400, [*lines, spaced], [0.1] * 10, [20.0] * 10, [0.5] * 10)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[8].size == boxes[0].size == boxes[9].size


def test_a_page_number_read_twice_is_kept_once():
    """The detector boxed "...13" over the end of a TOC line, and the engine's second look
    right of the line read "13" inside that box again: one reading is dropped."""
    lines = [
        _line("徐州牵头成立淮海经济区安全应急装备产教融合共同体", 179, 366, 40, 32),
        _line("...13", 941, 369, 30, 25.5),
        OcrLine("13", 0.99, [[977, 376], [1009, 376], [1009, 395], [977, 395]]),
        _line("智慧应急争先手科技兴安强能力", 181, 465, 28, 27),
        OcrLine("14", 0.99, [[724, 470], [746, 470], [746, 486], [724, 486]]),
    ]
    boxes = page_boxes(OcrPage(2, 1240, 1754, lines, [0.1] * 5), 0.5)
    texts = [b.text for b in boxes]
    assert texts[1:] == ["...13", "智慧应急争先手科技兴安强能力", "14"]


def test_a_line_read_twice_over_the_same_print_is_kept_once():
    """The engine's second look read a whole line again, in a box a few pixels inside the
    first one's: its text came twice. The same text on another row is another line."""
    text = "全年实现营业收入12.5亿元，同比增长8.6%。"
    lines = [
        _line(text, 739, 479, 30, 25),
        _line("下一行正文接着上一行继续排印下去的文字", 739, 520, 30, 25),
        OcrLine(text, 0.95, [[752, 481], [1266, 481], [1266, 506], [752, 506]]),
        _line(text, 739, 900, 30, 25),
    ]
    boxes = page_boxes(OcrPage(6, 1417, 2000, lines, [0.1] * 4), 0.5)
    assert [b.text for b in boxes] == [text, "下一行正文接着上一行继续排印下去的文字", text]
    assert boxes[0].pitch and boxes[2].top > boxes[1].top  # the first reading stays
    # read again with a character misread and a mark added: still the same line
    line = "今年一季度全市规模以上工业增加值同比增长百分之八，"
    again = "今年一季度全市规摸以上工业增加值同比增长百分之八，！"
    lines = [
        _line(line, 692, 1323, 27, 21),
        _line("下一行正文接着上一行继续排印下去的文字", 692, 1360, 27, 21),
        OcrLine(again, 0.9, [[727, 1328], [1298, 1328], [1298, 1347], [727, 1347]]),
    ]
    boxes = page_boxes(OcrPage(8, 1417, 2000, lines, [0.1] * 3), 0.5)
    assert [b.text for b in boxes] == [line, "下一行正文接着上一行继续排印下去的文字"]


def _quad(text: str, x0: float, y0: float, x1: float, y1: float) -> OcrLine:
    return OcrLine(text, 0.9, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def test_a_line_read_again_inside_another_is_dropped():
    """The strip right of a marker, read again through the title: "内仅泰和大健康飞" inside the
    box of "两仪泰和大健康产", a text not alike. Lines side by side, or a short line under a
    long one, stay."""
    title = _quad("两仪泰和大健康产", 197, 124, 652, 183)
    again = _quad("内仅泰和大健康飞", 228, 137, 651, 167)
    beside = _quad("产业有限公司选择承办此届大会", 766, 123, 1291, 157)
    below = _quad("业有限公司董事长杨", 141, 196, 642, 254)
    boxes = page_boxes(OcrPage(1, 1400, 2000, [title, beside, again, below], [0.1] * 4), 0.5)
    assert [b.text for b in boxes] == [title.text, beside.text, below.text]
    boxes = page_boxes(OcrPage(1, 1400, 2000, [title, beside, below], [0.1] * 3), 0.5)
    assert [b.text for b in boxes] == [title.text, beside.text, below.text]

    # the first reading lies within a longer second one that is all but the same: one of
    # the two stays (each used to drop the other), and a second reading covering only part
    # of the first (short of its 。) is dropped too
    first = "快速研发及作用机制的科学阐释奠定了坚实"
    lines = [
        _line(first, 711, 1080, 27, 25),
        OcrLine(first + "实", 0.9, [[733, 1082], [1195, 1082], [1195, 1105], [733, 1105]]),
        _line("根本动力。", 711, 1200, 27, 25),
        OcrLine("根本动力力", 0.9, [[720, 1202], [813, 1202], [813, 1225], [720, 1225]]),
    ]
    boxes = page_boxes(OcrPage(3, 1417, 2000, lines, [0.1] * 4), 0.5)
    assert [b.text for b in boxes] == [first, "根本动力。"]


def test_spacing_thrown_off_by_leader_dots_is_outvoted():
    """Leader dots can throw the recogniser's placing of characters off: spacing 1.5 em
    where ink height and box height both say body size. The median of the three wins."""
    em = 24.0
    lines = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 100 + 40 * i, 30, em) for i in range(8)
    ]
    lines.append(_line("佛燃科技泄漏检测无人机等创新成果亮相", 100, 500, 30, em * 1.5))
    page = OcrPage(1, 1000, 1400, lines, [0.1] * 9, [20.0] * 9, [0.5] * 9)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[8].size == boxes[0].size


def test_a_title_in_another_face_keeps_its_spacing_and_its_wrapped_end():
    """A 楷体 title's ink fills more of its em than the body face that calibrated the page:
    by ink it reads 20 % large. Spacing and box both well above the body: the spacing
    stands, and the title's short last line is scaled like the line above it."""
    em = 20.0
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 300 + 40 * i, 24, em) for i in range(8)
    ]
    first = _line("智慧应急争先手科技兴安强", 100, 40, 40, 2 * em)
    last = _line("能力", 100, 90, 40, 2 * em)
    wrapped = _line("畜禽良种联盟举办第17期动物种业前沿科技论", 100, 200, 24, em)
    tail = _line("坛7", 100, 228, 24, 1.6 * em)  # nothing to measure it by
    lines = [first, last, wrapped, tail, *body]
    glyph = [2 * 16 * 1.2] * 2 + [16.0, 0.0] + [16.0] * 8  # the title face: ink 20 % taller
    page = OcrPage(1, 1000, 1400, lines, [0.1] * 12, glyph, [0.5] * 12)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[0].size == boxes[1].size == 2 * boxes[4].size
    assert boxes[3].size == boxes[2].size == boxes[4].size


def test_a_page_number_takes_the_size_of_the_toc_entry_on_its_row():
    """A lone "1" has nothing to measure: by its width it read 20 % above the body, and the
    TOC line with it read as a group heading. It is set like the entry on its row (not like
    a line of another page at the same height)."""
    em = 20.0
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 300 + 40 * i, 24, em) for i in range(8)
    ]
    entry = _line("以创新链之强托举产业链之优", 100, 100, 24, em)
    number = OcrLine("1", 0.99, [[900, 102], [914, 102], [914, 122], [900, 122]])
    lines = [entry, number, *body]
    glyph = [16.0, 0.0] + [16.0] * 8  # a digit has no ideograph to measure the ink of
    page = OcrPage(1, 1000, 1400, lines, [0.1] * 10, glyph, [0.5] * 10)
    other = OcrPage(2, 1000, 1400, [_line("目录", 880, 98, 40, 2.5 * em)], [0.1], [32.0])
    boxes = page_boxes(page, 0.5) + page_boxes(other, 0.5)
    assign_sizes(boxes, [])
    assert boxes[1].size == boxes[0].size == boxes[2].size


def test_a_running_head_gets_one_size_on_every_page():
    """A section name over each page is one small style; measured from a few glyphs of ink
    it came out 7.25 on some pages and 8.0 on others, and the style split in two. Small
    lines at one height in the band of three or more pages get their median size; a
    title lower on the page and body-sized print are left alone."""
    from huikan.ingest.ocr.bands import one_size_per_slot

    def box(text, top, size):
        return OcrBox(text, 0.99, 60.0, 120.0, top, top + 8.0, 0.1, size=size)

    pages = {
        n: [box(head, 30.0 + 0.5 * n, size), box("正文", 80.0, 9.5), box("标题", 300.0, size)]
        for n, (head, size) in enumerate(
            [("新华健康周刊", 8.0), ("理论", 7.25), ("理论", 7.25), ("政策", 8.0)], start=2
        )
    }
    one_size_per_slot(pages, dict.fromkeys(pages, 842.0), 9.5)
    assert [p[0].size for p in pages.values()] == [7.25] * 4
    assert [p[2].size for p in pages.values()] == [8.0, 7.25, 7.25, 8.0]
    assert {p[1].size for p in pages.values()} == {9.5}


@pytest.mark.parametrize(
    ("title", "listed", "out"),
    [
        (
            "从2024年政府工作报告看生物医药产业新超势",
            "从2024年政府工作报告看生物医药产业新趋势",
            "toc",
        ),
        ("储能全生命周期安全待提升", "储能全生命周期安全函待提升", "toc"),  # 亟 dropped
        ("储能全生命周期安全亟待提升", "储能全生命周期安全待提升", "title"),  # the TOC dropped it
        ("储能全生命周期安全亟待提升", "储能全生命周期安全驱待提升", "title"),  # 亟待 is a word
        (
            "生物芯片研究中心主任程京：A 技术推动中医药",
            "生物芯片研究中心主任程京：AI 技术推动中医药",
            "toc",
        ),
        ("程京：AI 技术推动中医药传承", "程京：A 技术推动中医药传承", "title"),  # the TOC dropped I
        (
            "从2024年政府工作报告看生物医药",
            "从2024年政府工作报告看生物医药X",
            "title",
        ),  # no letter beside
        ("第5G基站建设全面提速推进", "第15G基站建设全面提速推进", "title"),  # a digit: not taken
        ("让数字经济成为主战场", "让数字经济成为发展新质生产力的主战场", "title"),  # not one slip
        ("微迈思半导体攻克“卡脖子”技术", "微迈思半导体攻克卡脖子技术.4", "title"),  # leaders left
        (
            "佛燃科技“泄漏检测无人机”等创新成果亮相",
            "佛燃科技“泄漏检测无人机”等创新成果亮相·9",
            "title",
        ),
    ],
)
def test_a_title_misread_by_one_character_takes_its_toc_lines_reading(title, listed, out):
    from huikan.ingest.assemble import ocr_title

    assert ocr_title(title, listed) == (listed if out == "toc" else title)


def test_a_stray_letter_on_a_toc_row_keeps_its_own_size():
    """Only a page number is set like the entry on its row: a speck read as "L" keeps its
    own (tiny) estimate, so it does not join the TOC lines around it into one block."""
    em = 20.0
    body = [
        _line("集群化是产业链向中高端迈进的必由之路", 100, 300 + 40 * i, 24, em) for i in range(8)
    ]
    entry = _line("以创新链之强托举产业链之优", 100, 100, 24, em)
    speck = OcrLine("L", 0.6, [[900, 110], [903, 110], [903, 116], [900, 116]])
    glyph = [16.0, 0.0] + [16.0] * 8
    page = OcrPage(1, 1000, 1400, [entry, speck, *body], [0.1] * 10, glyph, [0.5] * 10)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[1].size < 0.5 * boxes[0].size


LEFT = "集群化是产业链向中高端迈进的必由之路，"  # 19 characters a column line
RIGHT = "数字经济赋能新质生产力发展的新路径探索"


def _merged(left: OcrLine, right: OcrLine) -> OcrLine:
    """One detector box over a line of each column, as RapidOCR reports it when two columns
    stand close: one text, the characters where they are."""
    (x0, y0), _, _, (_, y3) = left.quad
    (_, t), (x1, _), (_, b), _ = right.quad
    top, bottom = min(y0, t), max(y3, b)
    quad = [[x0, top], [x1, top], [x1, bottom], [x0, bottom]]
    return OcrLine(left.text + right.text, 0.99, quad, left.chars + right.chars)


def _two_columns(rows: int = 12, em: float = 22.0, merged=range(0, 12, 2)):
    """A page of two columns one em apart; the rows in ``merged`` boxed as one line each
    (their right-hand line half a line lower, as columns drift)."""
    right_x = 100 + (len(LEFT) + 1) * em
    lines = []
    for r in range(rows):
        y = 100 + 40 * r
        left = _line(LEFT, 100, y, 28, em)
        right = _line(RIGHT, right_x, y + (14 if r in merged else 0), 28, em)
        lines += [_merged(left, right)] if r in merged else [left, right]
    return lines, right_x


def _texts(page: OcrPage) -> list[str]:
    return [ln.text for ln in page.lines]


def test_a_line_boxed_over_two_columns_is_cut_at_the_gutter():
    """Two columns one em apart: the detector drew one box over a line of each (every
    other row). Cut at the white band the rows share, each column keeps its text, and the
    layout pipeline finds the two columns again."""
    from huikan.ingest.ocr.gutters import split_gutters
    from huikan.ingest.pdf_gutter import Geometry, gutter_of
    from huikan.ingest.pdf_layout import build_segments

    lines, right_x = _two_columns()
    page = OcrPage(1, 1100, 1400, lines, [0.1] * len(lines))
    out = split_gutters(page)
    assert _texts(out) == [LEFT, RIGHT] * 12
    assert len(out.ink) == len(out.lines)
    for ln in out.lines:
        xs = [p[0] for p in ln.quad]
        assert max(xs) <= right_x - 0.9 * 22 or min(xs) >= right_x - 0.1 * 22
    boxes = page_boxes(out, 0.5)
    assign_sizes(boxes, [])
    segs = build_segments([c for b in boxes for c in glyphs(b, 0, 1)])
    assert gutter_of(segs, Geometry(boxes[0].size, 20.0)) is not None


def test_a_box_reaching_into_the_gutter_ends_at_its_print():
    """The detector's box of a right-hand line began in the gutter (the left line's end):
    its box starts at its first character, so no glyph is spread into the gutter; a mark
    read into the white band between the columns goes, and so does the re-reading of the
    left line's last character at the start of a box over both."""
    from huikan.ingest.ocr.gutters import split_gutters

    lines, right_x = _two_columns()
    em = 22.0
    wide = lines[1]  # a right-hand line whose box starts 0.8 em into the gutter
    wide.quad[0][0] = wide.quad[3][0] = right_x - 0.8 * em
    a, b = right_x - 0.7 * em, right_x - 0.3 * em  # a speck in the gutter, read as "1"
    speck = OcrLine("1", 0.53, [[a, 182], [b, 182], [b, 196], [a, 196]], [(a, b)])
    edge = (right_x - 1.6 * em, right_x - 1.0 * em)  # the last character of the left line
    row = _line(RIGHT, right_x, 180, 28, em)
    reread = OcrLine("刀" + RIGHT, 0.99, [list(p) for p in row.quad], [edge, *row.chars])
    reread.quad[0][0] = reread.quad[3][0] = edge[0]
    page = OcrPage(1, 1100, 1400, [*lines, speck, reread], [0.1] * (len(lines) + 2))
    out = split_gutters(page)
    texts = _texts(out)
    assert "1" not in texts and "刀" not in texts and texts.count(RIGHT) == 13
    first = out.lines[1]
    assert first.text == RIGHT and min(p[0] for p in first.quad) == row.chars[0][0]


def test_a_single_line_boxed_over_two_columns_is_cut_where_the_other_rows_show_the_gutter():
    """Only one row of the page was boxed over both columns: no other line has a wide gap
    to make a band with its own, but the white between the two columns' boxes on the other
    rows shows the gutter, and the line is cut there. A narrow overlap of short lines'
    white (a heading beside a line of the other column) is no gutter."""
    from huikan.ingest.ocr.gutters import split_gutters

    lines, right_x = _two_columns(merged=[5])
    heads = [_line("短标题", 100, 640 + 40 * r, 28, 22.0) for r in range(3)]
    others = [_line(RIGHT, right_x, 640 + 40 * r, 28, 22.0) for r in range(3)]
    page = OcrPage(1, 1100, 1400, [*lines, *heads, *others], [0.1] * (len(lines) + 6))
    out = split_gutters(page)
    assert _texts(out)[:24] == [LEFT, RIGHT] * 12
    assert _texts(out)[24:] == _texts(page)[23:]
    # three rows whose white only meets over a pixel: no band there
    from huikan.ingest.ocr.gutter_band import print_lines, row_bands

    em = 22.0
    rows = [(300, 600), (200, 301), (299, 700)]
    narrow = [
        line
        for r, (end, start) in enumerate(rows)
        for line in (
            _line("短" * int((end - 100) / em), 100, 100 + 40 * r, 28, em),
            _line("长" * 10, start, 100 + 40 * r, 28, em),
        )
    ]
    bands = row_bands(print_lines(OcrPage(1, 1100, 1400, narrow)), em, 1100)
    assert all(g1 - g0 >= 0.7 * em for g0, g1 in bands)


def test_boxes_drawn_far_past_their_print_end_at_it():
    """Two columns 1.5 em apart, no line boxed over both, but on a few rows the detector
    drew the left line's box 1.4 em past its last character, into the gutter: every box
    ends at its print again, and the layout pipeline finds the gutter on those rows too.
    A box padded by a fraction of an em keeps its padding."""
    from huikan.ingest.ocr.gutters import trim_overhangs
    from huikan.ingest.pdf_gutter import Geometry, gutter_of
    from huikan.ingest.pdf_layout import build_segments

    em = 22.0
    right_x = 100 + (len(LEFT) + 1.5) * em
    lines = []
    for r in range(12):
        left = _line(LEFT, 100, 100 + 40 * r, 28, em)
        if r in (4, 5, 6):
            left.quad[1][0] = left.quad[2][0] = left.chars[-1][1] + 1.4 * em
        else:
            left.quad[1][0] = left.quad[2][0] = left.chars[-1][1] + 0.2 * em
        lines += [left, _line(RIGHT, right_x, 100 + 40 * r, 28, em)]
    page = OcrPage(1, 1100, 1400, lines, [0.1] * len(lines))
    out = trim_overhangs(page)
    assert _texts(out) == _texts(page) and len(out.ink) == len(out.lines)
    for old, new in zip(page.lines, out.lines, strict=True):
        end = max(p[0] for p in new.quad)
        assert end <= old.chars[-1][1] + 0.25 * em and end <= max(p[0] for p in old.quad)
    assert out.lines[0] is page.lines[0]

    def gutter(p: OcrPage):
        boxes = page_boxes(p, 0.5)
        assign_sizes(boxes, [])
        segs = build_segments([c for b in boxes for c in glyphs(b, 0, 1)])
        return gutter_of(segs, Geometry(boxes[0].size, 20.0))

    assert gutter(page) is None and gutter(out) is not None


def test_letter_spaced_and_display_lines_over_the_gutter_stay_whole():
    """Only lines set solid in body type are cut: a letter-spaced heading whose even gaps
    hold the gutter, and a title in display type with a word space there, stay whole."""
    from huikan.ingest.ocr.gutters import split_gutters

    em = 22.0
    lines, right_x = _two_columns(rows=14)
    spaced = _line("本期要目", 0, 50, 28, em)  # four characters 3 em apart, gutter in gap 2
    middle = right_x - 0.5 * em
    spaced.chars = [
        (middle + k * 3 * em - 4.5 * em, middle + k * 3 * em - 3.5 * em) for k in range(4)
    ]
    spaced.quad = [[spaced.chars[0][0], 50], [spaced.chars[-1][1], 50]]
    spaced.quad += [[spaced.chars[-1][1], 78], [spaced.chars[0][0], 78]]
    title = _line("数字经济赋能  新质生产力发展", 0, 700, 45, 1.6 * em)  # 2 spaces: 1 em
    shift = middle - (title.chars[6][1] + title.chars[8][0]) / 2
    title.chars = [(a + shift, b + shift) for a, b in title.chars]
    title.quad = [[x + shift, y] for x, y in title.quad]
    page = OcrPage(1, 1100, 1400, [spaced, *lines, title], [0.1] * (len(lines) + 2))
    texts = _texts(split_gutters(page))
    assert "本期要目" in texts and "数字经济赋能  新质生产力发展" in texts
    assert texts.count(LEFT) == 14


def test_gaps_that_meet_by_chance_in_one_column_are_no_gutter():
    """A page set across: a few lines happen to have a wide gap at the same place (a run
    of digits and a space), but the lines between cross it, so nothing is cut."""
    from huikan.ingest.ocr.gutters import split_gutters

    em = 22.0
    text = LEFT + RIGHT
    lines = []
    for r in range(12):
        ln = _line(text, 100, 100 + 40 * r, 28, em)
        if r % 3 == 0:  # its second half a gutter's width further right
            k = len(LEFT)
            ln.chars = ln.chars[:k] + [(a + em, b + em) for a, b in ln.chars[k:]]
        lines.append(ln)
    page = OcrPage(1, 1200, 1400, lines, [0.1] * 12)
    assert split_gutters(page) is page


def test_a_wrapped_title_end_follows_the_title_above_it_on_its_own_page():
    """A title's last character wrapped onto its own line takes the title's size from the
    line above it on its page, not from a line of another page that stands just above."""
    em = 24.0
    body = [_line(LEFT, 100, 300 + 40 * i, 27, em) for i in range(8)]
    other = _line(RIGHT, 100, 560, 27, em)  # page 1: a body line ending at y 587
    title = _line("竞逐新赛道未来产业加速培", 100, 520, 40, 1.6 * em)
    end = OcrLine("育", 0.99, [[100, 596], [138, 596], [138, 636], [100, 636]])
    p1 = OcrPage(1, 1000, 1400, [*body, other], [0.1] * 9)
    p2 = OcrPage(2, 1000, 1400, [*body, title, end], [0.1] * 10)
    boxes = page_boxes(p1, 0.5) + page_boxes(p2, 0.5)
    assign_sizes(boxes, [])
    assert boxes[-1].text == "育" and boxes[-1].size == boxes[-2].size


def test_a_title_wrapped_over_three_short_lines_keeps_its_size():
    """A narrow column wraps a title into "中国集成电路：产" / "量同增16.5%，出" / "口同增6.3%":
    the third line continues the second, which continues the first."""
    em = 24.0
    body = [_line(LEFT, 100, 300 + 40 * i, 27, em) for i in range(8)]
    first = _line("中国集成电路：产", 100, 100, 40, 1.6 * em)
    second = OcrLine("量同增16.5%，出", 0.99, [[100, 146], [330, 146], [330, 186], [100, 186]])
    third = OcrLine("口同增6.3%", 0.99, [[100, 192], [250, 192], [250, 232], [100, 232]])
    page = OcrPage(1, 1000, 1400, [*body, first, second, third], [0.1] * 11)
    boxes = page_boxes(page, 0.5)
    assign_sizes(boxes, [])
    assert boxes[8].size > 1.3 * boxes[0].size
    assert boxes[10].size == boxes[9].size == boxes[8].size


def test_cut_pieces_end_where_their_columns_end():
    """The recogniser places characters to a few pixels: a left line's last character
    reaching 0.4 em into a gutter of 1.2 em, and a closing quote opening the right line
    placed half an em early, left less white between the pieces of a cut line than the
    layout pipeline's gap between runs, and the two columns were joined again. The pieces
    end where the page's whole column lines do."""
    from huikan.ingest.ocr.gutters import split_gutters
    from huikan.ingest.pdf_layout import build_segments

    em = 22.0
    right_x = 100 + (len(LEFT) + 1.2) * em
    lines = []
    for r in range(12):
        y = 100 + 40 * r
        left = _line(LEFT, 100, y, 28, em)
        right = _line("”" + RIGHT[1:] if r == 0 else RIGHT, right_x, y, 28, em)
        if r in (0, 4):
            a, b = left.chars[-1]
            left.chars[-1] = (a, b + 0.4 * em)
            if r == 0:
                a, b = right.chars[0]
                right.chars[0] = (a - 0.5 * em, b)
            lines.append(_merged(left, right))
        else:
            lines += [left, right]
    out = split_gutters(OcrPage(1, 1100, 1400, lines, [0.1] * len(lines)))
    assert len(out.lines) == 24
    boxes = page_boxes(out, 0.5)
    assign_sizes(boxes, [])
    segs = build_segments([c for b in boxes for c in glyphs(b, 0, 1)])
    assert len(segs) == 24  # no run across the gutter


def test_a_title_set_across_both_columns_is_not_cut_at_the_gutter():
    """A title across the page, between two articles, whose word space happens to fall on
    the gutter ("…方案》" / "印发…"): it stands apart from the column lines above and below
    (1.5 line pitches and more) and stays one line; a line boxed over both columns keeps
    the columns' rhythm and is cut."""
    from huikan.ingest.ocr.gutters import split_gutters

    lines, right_x = _two_columns(merged=[1, 3])
    em = 22.0
    title = _merged(
        _line("《江西省专利转化运用专项行动实施方案》", 110, 610, 28, em),
        _line("印发十五项举措加快科技成果向生产力转化", right_x, 610, 28, em),
    )
    below = [
        line
        for r in range(4)
        for line in (
            _line(LEFT, 100, 680 + 40 * r, 28, em),
            _line(RIGHT, right_x, 680 + 40 * r, 28, em),
        )
    ]
    lines = [ln for ln in lines if min(p[1] for p in ln.quad) < 560]
    page = OcrPage(1, 1100, 1400, [*lines, title, *below], [0.1] * (len(lines) + 9))
    texts = _texts(split_gutters(page))
    assert title.text in texts
    assert texts.count(LEFT) == 16 and texts.count(RIGHT) == 16  # rows 1 and 3 cut


def test_a_short_stretch_under_a_gutter_the_page_proves_is_cut():
    """The end of an article above a title: three rows, the right column's last a centred
    credit, the first boxed over both columns. Too few lines to prove a gutter on their
    own, but the columns below the title prove it; the merged row is cut."""
    from huikan.ingest.ocr.gutters import split_gutters

    em = 22.0
    right_x = 100 + (len(LEFT) + 1) * em
    top = [
        _merged(_line(LEFT, 100, 100, 28, em), _line(RIGHT, right_x, 100, 28, em)),
        _line(LEFT, 100, 140, 28, em),
        _line(RIGHT, right_x, 140, 28, em),
        _line(LEFT, 100, 180, 28, em),
        _line("来源：经济参考报", right_x + 4 * em, 180, 28, em),
    ]
    title = _line("产业投资人交流会聚焦产业振兴以科技创新驱动健康产业发展", 150, 250, 30, em)
    lines, _ = _two_columns(merged=[])
    lines = [_line(ln.text, ln.quad[0][0], ln.quad[0][1] + 240, 28, em) for ln in lines]
    page = OcrPage(1, 1100, 1400, [*top, title, *lines], [0.1] * (len(top) + 1 + len(lines)))
    texts = _texts(split_gutters(page))
    assert texts[:2] == [LEFT, RIGHT]


def test_a_closing_quote_alone_at_the_gutter_joins_the_column_on_its_side():
    """A closing quote wrapped to a row of its own, boxed from the gutter: its box ends
    where the right column starts, so its glyph is not joined to the left line of its row."""
    from huikan.ingest.ocr.gutters import split_gutters
    from huikan.ingest.pdf_layout import build_segments

    lines, right_x = _two_columns(merged=range(0, 12, 4))
    em = 22.0
    a, b = right_x - 0.35 * em, right_x + 1.6 * em
    quote = OcrLine(
        "”", 0.9, [[a - 0.4 * em, 500], [b, 500], [b, 520], [a - 0.4 * em, 520]], [(a, b)]
    )
    page = OcrPage(1, 1100, 1400, [*lines, quote], [0.1] * (len(lines) + 1))
    out = split_gutters(page)
    mark = next(ln for ln in out.lines if ln.text == "”")
    assert min(p[0] for p in mark.quad) >= right_x - 0.1 * em
    boxes = page_boxes(out, 0.5)
    assign_sizes(boxes, [])
    segs = build_segments([c for b in boxes for c in glyphs(b, 0, 1)])
    assert not any("”" in s.text and len(s.text) > 1 and s.x0 < right_x - em for s in segs)
