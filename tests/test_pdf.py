"""The PDF reader: real sample bulletins plus small PDFs written here, byte by byte.

The generated PDFs use non-embedded Adobe-GB1 CID fonts (STSong-Light with UniGB-UCS2-H, as
ReportLab and many office exports do), so every glyph is exactly one em wide and the tests
can place text precisely: columns, indents, full and short lines, running heads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import yaml

from huikan.ingest.pdf import article_level, read_pdf
from huikan.ingest.pdf_columns import _spanning_cut, reading_order
from huikan.ingest.pdf_gutter import Geometry
from huikan.ingest.pdf_layout import Seg
from huikan.model import Block, IngestError
from pdfwriter import (
    BODY,
    LEFT,
    PITCH,
    RIGHT,
    Page,
    Run,
    paragraph,
    text_of,
    width,
    write,
)

CORPUS = Path(__file__).parent / "corpus"
SAMPLES = CORPUS / "pdf"


def blocks_text(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


# --- layout ------------------------------------------------------------------------------


def test_two_column_page_reads_column_by_column(tmp_path):
    title = "双栏版面阅读顺序测试标题"
    left_text, right_text = text_of(100, 0), text_of(100, 37)
    left, _ = paragraph(140, left_text, left=60, right=290)
    right, _ = paragraph(140, right_text, left=310, right=540)
    runs = [Run(60, 100, title, 18, "bold")]
    for a, b in zip(left, right, strict=False):  # the content stream interleaves the columns
        runs += [a, b]
    runs += left[len(right) :] + right[len(left) :]
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == [title, left_text, right_text]
    assert doc.blocks[0].size == pytest.approx(1.8)
    assert [b.indent for b in doc.blocks[1:]] == [True, True]


def test_paragraph_continues_across_the_column_break(tmp_path):
    body = text_of(21 + 3 * 23 + 2 * 23 + 9, 5)
    lines = [body[:21]] + [body[i : i + 23] for i in range(21, len(body), 23)]
    runs = []
    for i, line in enumerate(lines):
        col, row = divmod(i, 4)  # four lines in the left column, the rest on the right
        runs.append(Run((60 if col == 0 else 310) + (20 if i == 0 else 0), 120 + row * PITCH, line))
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == [body]
    assert doc.blocks[0].lines == len(lines)


def _column_sections(
    middle: Callable[[float], list[Run]], gap: float
) -> tuple[list[Run], tuple[str, str, str, str]]:
    """Two paragraphs side by side, the runs ``middle(y)`` under them (y: where the columns
    end), two more paragraphs side by side ``gap`` points under that end (the lower right
    column drawn first, against drawing order), and the four paragraphs' texts."""
    a1, a2 = text_of(80, 0), text_of(80, 11)
    b1, b2 = text_of(80, 23), text_of(80, 47)
    top_left, y1 = paragraph(100, a1, left=60, right=290)
    top_right, _ = paragraph(100, a2, left=310, right=540)
    low_left, _ = paragraph(y1 + gap, b1, left=60, right=290)
    low_right, _ = paragraph(y1 + gap, b2, left=310, right=540)
    return top_left + top_right + middle(y1) + low_right + low_left, (a1, a2, b1, b2)


def test_full_width_title_between_column_sections(tmp_path):
    runs, (a1, a2, b1, b2) = _column_sections(
        lambda y1: [
            Run(60, y1 + 30, "国内动态", 12, "bold"),  # narrow label under both columns
            Run(60, y1 + 60, "跨越两栏的文章标题在这里排成一整行", 16, "bold"),
        ],
        gap=90,
    )
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == [
        a1,
        a2,
        "国内动态",
        "跨越两栏的文章标题在这里排成一整行",
        b1,
        b2,
    ]


def _page_with_heads(number: int, body_runs: list[Run]) -> Page:
    heads = [
        Run(60, 40, "测试简报·第三期", 8),
        Run(480, 40, f"第{number}期", 8),
        Run(290, 805, f"- {number} -", 9, "latin"),
        Run(60, 820, "www.example.gov.cn", 7, "latin"),
    ]
    return Page(heads + body_runs)


def test_running_heads_page_numbers_and_footer_urls_are_dropped(tmp_path):
    pages = []
    for n in range(1, 4):
        runs, _ = paragraph(100, text_of(120, n * 7))
        pages.append(_page_with_heads(n, runs))
    doc = read_pdf(write(tmp_path, pages))
    text = "\n".join(blocks_text(doc.blocks))
    for noise in ("测试简报", "example", "- 1 -", "第2期", "第3期"):
        assert noise not in text
    assert [(b.page, b.page_top) for b in doc.blocks] == [(1, True), (2, True), (3, True)]
    assert doc.blocks[1].text == text_of(120, 14)


def test_column_label_repeated_at_page_tops_is_kept(tmp_path):
    pages = []
    for n in range(1, 5):
        runs, _ = paragraph(110, text_of(60, n))
        pages.append(Page([Run(60, 70, "国内动态" if n < 3 else "行业资讯", 12, "bold"), *runs]))
    doc = read_pdf(write(tmp_path, pages))
    assert [b.text for b in doc.blocks if b.bold] == [
        "国内动态",
        "国内动态",
        "行业资讯",
        "行业资讯",
    ]


def test_hard_wrapped_lines_join_into_paragraphs_across_a_page_break(tmp_path):
    body = text_of(48 * 3 - 2, 3)
    p1, _ = paragraph(700, body)  # three lines; the page ends after the second
    page1 = Page([*p1[:2]])
    latin_lines = [
        Run(LEFT, 100, text_of(45, 9)),
        Run(LEFT + 450, 100, "PDF", BODY, "latin"),
        Run(LEFT, 116, "reader", BODY, "latin"),
        Run(LEFT + 36 + 4, 116, text_of(10, 30)),
    ]
    page2 = Page(
        [
            Run(LEFT, 60, p1[2].text),
            *[Run(r.x, r.y + 60, r.text, r.size, r.font) for r in latin_lines],
        ]
    )
    doc = read_pdf(write(tmp_path, [page1, page2]))
    assert blocks_text(doc.blocks) == [body, text_of(45, 9) + "PDF reader" + text_of(10, 30)]
    assert doc.blocks[0].lines == 3
    assert doc.blocks[0].page == 1
    assert not doc.blocks[1].page_top  # the page starts with the rest of the paragraph


def test_superscript_footnote_mark_stays_in_its_line(tmp_path):
    runs, _ = paragraph(100, text_of(96, 2))
    first = runs[1]  # a full line; the mark sits raised after its 40th character
    runs[1] = Run(first.x, first.y, first.text[:40])
    runs += [
        Run(first.x + 400, first.y - 3.5, "[1]", 6, "latin"),
        Run(first.x + 411, first.y, first.text[40:]),
    ]
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    t = text_of(96, 2)
    assert blocks_text(doc.blocks) == [t[:86] + "[1]" + t[86:]]
    assert doc.blocks[0].size == 1.0


def test_first_line_indent_short_line_and_gap_start_paragraphs(tmp_path):
    a, y = paragraph(100, text_of(60, 0))  # ends short
    b, y = paragraph(y, text_of(96, 13), indent=0)  # no indent, but the line above was short
    c, y = paragraph(y, text_of(50, 21))  # indented
    d, y = paragraph(y + 2 * PITCH, text_of(96, 40), indent=0)  # after a blank line
    doc = read_pdf(write(tmp_path, [Page(a + b + c + d)]))
    assert blocks_text(doc.blocks) == [
        text_of(60, 0),
        text_of(96, 13),
        text_of(50, 21),
        text_of(96, 40),
    ]
    assert doc.blocks[3].gap_before >= 1.5
    assert doc.blocks[1].gap_before == 0


def test_an_article_set_with_looser_leading_keeps_its_paragraphs(tmp_path):
    tight = [paragraph(100 + i * 80, text_of(200, i))[0] for i in range(2)]
    page1 = Page([r for p in tight for r in p])
    loose = []
    y = 100.0
    for i in range(3):  # 1.5 line spacing: 24 pt from baseline to baseline
        for j, r in enumerate(paragraph(0, text_of(150, 10 * i))[0]):
            loose.append(Run(r.x, y + j * 24, r.text))
        y += 24 * 4
    doc = read_pdf(write(tmp_path, [page1, Page(loose)]))
    assert [b.text for b in doc.blocks if b.page == 2] == [text_of(150, 10 * i) for i in range(3)]


def test_vertical_margin_label_is_one_block_and_leaves_the_column_alone(tmp_path):
    runs, _ = paragraph(100, text_of(120), left=100)
    runs.append(Run(70, 92, "专家观点", 14, "vert"))  # written top to bottom in the margin
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == ["专家观点", text_of(120)]
    assert doc.blocks[1].indent


def test_multi_line_centred_title_is_one_heading_block(tmp_path):
    line1, line2 = "中国生物制药与勃林格殷格翰合作共同", "研发肿瘤创新药"
    size = 18.0
    runs = [
        Run((595 - width(line1, size)) / 2, 100, line1, size, "bold"),
        Run((595 - width(line2, size)) / 2, 124, line2, size, "bold"),
    ]
    body, _ = paragraph(170, text_of(120))
    doc = read_pdf(write(tmp_path, [Page(runs + body)]))
    title = doc.blocks[0]
    assert title.text == line1 + line2
    assert (title.lines, title.bold, title.centered) == (2, True, True)
    assert title.size == pytest.approx(1.8)
    assert doc.blocks[1].text == text_of(120)


def test_bold_title_at_body_size_is_its_own_bold_block(tmp_path):
    before, y = paragraph(100, text_of(70, 0))
    title = Run(LEFT, y + 8, "智慧应急争先手科技兴安强能力", BODY, "bold")
    after, _ = paragraph(y + 8 + PITCH, text_of(70, 30), indent=0)
    doc = read_pdf(write(tmp_path, [Page([*before, title, *after])]))
    assert blocks_text(doc.blocks) == [text_of(70, 0), title.text, text_of(70, 30)]
    assert [(b.bold, b.size) for b in doc.blocks] == [(False, 1.0), (True, 1.0), (False, 1.0)]


def test_fake_bold_render_mode_counts_as_bold(tmp_path):
    runs, y = paragraph(100, text_of(100, 0))
    runs.append(Run(LEFT, y + 20, "加粗的小标题", BODY, "song", render=2))
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert [(b.text, b.bold) for b in doc.blocks][-1] == ("加粗的小标题", True)


def test_toc_lines_are_blocks_with_normalised_leaders(tmp_path):
    runs = [Run(270, 80, "目 录", 16, "bold"), Run(LEFT, 120, "专家观点", BODY, "bold")]
    entries = [("让数字经济成为发展新质生产力的主战场", "3"), ("加快数字人才培养", "12")]
    y = 140.0
    for title, page in entries:
        dots = " ." * int((RIGHT - LEFT - width(title) - 30) / width(" .", font="latin"))
        runs += [
            Run(LEFT + 20, y, title),
            Run(LEFT + 20 + width(title) + 4, y, dots, BODY, "latin"),
        ]
        runs.append(Run(RIGHT - width(page, font="latin"), y, page, BODY, "latin"))
        y += 20
    for title, page in [("全球半导体复苏势头不减", "4"), ("微迈思半导体攻克卡脖子技术", "27")]:
        runs += [
            Run(LEFT + 20, y, title),
            Run(RIGHT - width(page, font="latin"), y, page, BODY, "latin"),
        ]
        y += 20
    long_title = text_of(45, 3) + "关键举措"  # wraps: the number follows the second line
    runs += [
        Run(LEFT + 20, y, long_title[:45]),
        Run(LEFT + 20, y + 17, long_title[45:]),
        Run(LEFT + 20 + width("关键举措") + 4, y + 17, " ." * 30, BODY, "latin"),
        Run(RIGHT - width("9", font="latin"), y + 17, "9", BODY, "latin"),
    ]
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == [
        "目 录",
        "专家观点",
        "让数字经济成为发展新质生产力的主战场……3",
        "加快数字人才培养……12",
        "全球半导体复苏势头不减……4",
        "微迈思半导体攻克卡脖子技术……27",
        long_title + "……9",
    ]


def test_outline_and_document_title(tmp_path):
    runs, _ = paragraph(100, text_of(50))
    path = write(
        tmp_path, [Page(runs)], outline=["第一篇", "第二篇：标题"], title="科技参考·产业科技动态"
    )
    doc = read_pdf(path)
    assert doc.outline == ["第一篇", "第二篇：标题"]
    assert doc.meta_title == "科技参考·产业科技动态"
    assert doc.pages == 1


def test_article_level_skips_the_masthead_and_preface_bookmarks():
    # An office export bookmarks every heading style: masthead and 编者按 at level 1, the
    # article titles at level 2, their sub-headings at level 3.
    entries = [
        (1, "科技参考·产业科技动态·新兴产业"),
        (1, "编者按"),
        (2, "让数字经济成为发展新质生产力的主战场"),
        (3, "一、破局立新，科技创新体系不断完善"),
        (2, "全球半导体复苏势头不减"),
        (2, "微迈思半导体攻克卡脖子技术"),
    ]
    assert article_level(entries) == 2
    # Group headings at level 1 are short; the titles under them are the articles.
    groups = [(1, "目录"), (1, "国内动态"), (2, "全球半导体复苏势头不减"), (1, "前沿资讯")]
    assert article_level([*groups, (2, "加快数字人才培养支撑数字经济发展")]) == 2
    assert article_level([(1, "第一篇文章的标题很长"), (1, "第二篇文章的标题也长")]) == 1
    # Bracketed group labels are groups, however long their names.
    bracketed = [
        (1, "〔集成电路与 ICT产业〕"),
        (2, "全球半导体复苏势头不减"),
        (1, "〔数字经济产业〕"),
    ]
    assert article_level([*bracketed, (2, "加快数字人才培养支撑数字经济发展")]) == 2


@pytest.mark.parametrize(
    "junk",
    ["Microsoft Word - 2024年第8期.docx", "untitled", "d41d8cd98f00b204e9800998ecf8427e", "t"],
)
def test_file_names_and_placeholders_are_not_titles(tmp_path, junk):
    runs, _ = paragraph(100, text_of(50))
    doc = read_pdf(write(tmp_path, [Page(runs)], title=junk))
    assert doc.meta_title is None
    assert doc.outline == []


def test_kangxi_radicals_are_repaired(tmp_path):
    runs = [Run(LEFT, 100, "第⼀部分⼯作")]  # U+2F00 ⼀, U+2F2F ⼯ as office exports write them
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert doc.blocks[0].text == "第一部分工作"


def test_output_is_deterministic():
    assert read_pdf(SAMPLES / "a4-two-column" / "000_16d7673c136be7b7.pdf") == sample(
        "a4-two-column"
    )


# --- the real samples --------------------------------------------------------------------


@cache
def sample(layout: str, stem: str = "000_16d7673c136be7b7"):
    """Each sample is read once per test run (tests must not modify the result)."""
    return read_pdf(SAMPLES / layout / f"{stem}.pdf")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _gold(stem: str) -> dict:
    return yaml.safe_load((CORPUS / "gold" / f"{stem}.yml").read_text("utf-8"))


@pytest.mark.parametrize("layout", ["a4-single", "a4-two-column", "cid-nonembedded"])
def test_sample_titles_are_single_heading_blocks_and_bodies_read_in_order(layout):
    stem = "000_16d7673c136be7b7"
    doc = sample(layout, stem)
    gold = _gold(stem)
    texts = [_norm(b.text) for b in doc.blocks]
    for art in gold["articles"]:
        hits = [b for b, t in zip(doc.blocks, texts, strict=True) if t == _norm(art["title"])]
        assert hits, art["title"]
        assert any(b.size > 1.05 or b.bold for b in hits), art["title"]
    full = "".join(texts)
    starts = [full.find(_norm(a["start_text"])) for a in gold["articles"]]
    ends = [full.find(_norm(a["end_text"])) for a in gold["articles"]]
    assert -1 not in starts and -1 not in ends
    assert starts == sorted(starts) and ends == sorted(ends)
    # Every body block is a contiguous piece of the bulletin: columns never interleave.
    seed = _norm(re.sub(r"[#*>]", "", (CORPUS / "seeds" / f"{stem}.txt").read_text("utf-8")))
    grams = {seed[i : i + 6] for i in range(len(seed) - 5)}
    for t in texts:
        if len(t) >= 20 and "……" not in t:
            missing = [t[i : i + 6] for i in range(len(t) - 5) if t[i : i + 6] not in grams]
            assert len(missing) <= 1 + 0.03 * len(t), t[:40]


def test_sample_running_heads_are_gone():
    doc = sample("a4-two-column")
    assert doc.meta_title == "科技参考·产业科技动态·新兴产业"
    # The bulletin name is printed small at the top of pages 2..8, page numbers at the foot.
    assert [b.text for b in doc.blocks].count("科技参考·产业科技动态·新兴产业") == 0
    assert not any(re.fullmatch(r"\d{1,2}", b.text) for b in doc.blocks)
    tops = [b.page for b in doc.blocks if b.page_top]
    assert tops == sorted(set(tops)) and tops[:2] == [1, 2]  # at most one per page


def test_sample_outline_and_toc():
    doc = sample("a4-single")
    gold = _gold("000_16d7673c136be7b7")
    assert doc.outline == [a["title"] for a in gold["articles"]]
    toc = [b.text for b in doc.blocks if "……" in b.text]
    assert toc[0] == "让数字经济成为发展新质生产力的主战场……3"
    assert len(toc) == len(gold["articles"])


def test_non_embedded_cid_font_sample_reads_as_text():
    doc = sample("cid-nonembedded")
    titles = [b for b in doc.blocks if b.text == "全球半导体复苏势头不减"]
    assert titles and titles[0].size > 1.2 and not titles[0].bold  # larger only, no bold face
    assert any(b.text == "专家观点 3" for b in doc.blocks)  # a TOC group line with its page


# --- unreadable files --------------------------------------------------------------------


def _code(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_pdf(path)
    assert info.value.file == path.name
    assert re.search(r"[\u4e00-\u9fff]", info.value.reason)  # a plain-language Chinese reason
    return info.value.code


def test_truncated_and_non_pdf_files_are_corrupt(tmp_path):
    data = (SAMPLES / "a4-single" / "000_16d7673c136be7b7.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert _code(cut) == "corrupt"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"<html>not a pdf</html>" * 10)
    assert _code(junk) == "corrupt"


def test_password_protected_pdf_is_encrypted(tmp_path):
    runs, _ = paragraph(100, text_of(50))
    path = write(tmp_path, [Page(runs)], user_password="1234")
    assert _code(path) == "encrypted"


def test_pdf_encrypted_with_empty_user_password_just_works(tmp_path):
    runs, _ = paragraph(100, text_of(50))
    doc = read_pdf(write(tmp_path, [Page(runs)], user_password=""))
    assert blocks_text(doc.blocks) == [text_of(50)]


def test_zero_page_pdf(tmp_path):
    assert _code(write(tmp_path, [])) == "no-pages"


def test_image_only_pages_are_scanned(tmp_path):
    assert _code(write(tmp_path, [Page(image=True), Page(image=True)])) == "scanned"


def test_scans_with_a_watermark_and_page_numbers_are_still_scanned(tmp_path):
    pages = [
        Page([Run(480, 825, "扫描全能王", 7), Run(295, 810, str(n), 9, "latin")], image=True)
        for n in range(1, 4)
    ]
    assert _code(write(tmp_path, pages)) == "scanned"


def test_one_image_page_among_text_pages_is_a_warning(tmp_path):
    runs, _ = paragraph(100, text_of(50))
    doc = read_pdf(write(tmp_path, [Page(runs), Page(image=True), Page(runs)]))
    assert [w.code for w in doc.warnings] == ["pdf-image-page"]
    assert doc.warnings[0].page == 2


def test_fonts_without_glyphs_to_read_are_garbled(tmp_path):
    runs = [Run(LEFT, 100 + i * PITCH, text_of(30), BODY, "nomap") for i in range(5)]
    assert _code(write(tmp_path, [Page(runs)])) == "garbled"


def test_short_spanning_title_and_byline_on_either_side_of_the_gutter(tmp_path):
    """A title over two columns that stays left of the gutter, with its byline flush right on
    the next line: the columns above are read before it, the columns below after it."""
    runs, (a1, a2, b1, b2) = _column_sections(
        lambda y1: [
            Run(60, y1 + 30, "短标题只占左栏宽", 12, "bold"),
            Run(400, y1 + 50, "研究团队 张三"),
        ],
        gap=80,
    )
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert blocks_text(doc.blocks) == [a1, a2, "短标题只占左栏宽", "研究团队 张三", b1, b2]


def _seg(text: str, x0: float, base: float, size: float = 10.0, fid: int = 1) -> Seg:
    return Seg(text, x0, x0 + size * len(text), base, size, fid, False, len(text))


def _two_columns(top: float, rows: int) -> list[Seg]:
    return [_seg("正" * 20, 60, top + 14 * r) for r in range(rows)] + [
        _seg("文" * 20, 280, top + 14 * r) for r in range(rows)
    ]


def test_spanning_cut_takes_out_a_title_between_two_column_sets():
    geo = Geometry(body_size=10.0, pitch=14.0)
    title = _seg("标题", 60, 100 + 14 * 5 + 10, size=14, fid=2)
    byline = _seg("作者", 500, title.base + 16)
    above, below = _two_columns(100, 5), _two_columns(byline.base + 20, 5)
    parts = _spanning_cut([*above, title, byline, *below], (262.0, 278.0), geo)
    assert [len(p) for p in parts] == [10, 2, 10]


def test_spanning_cut_leaves_a_title_that_starts_inside_the_right_column():
    geo = Geometry(body_size=10.0, pitch=14.0)
    title = _seg("标题", 280, 100 + 14 * 5 + 10, size=14, fid=2)
    segs = [*_two_columns(100, 5), title, *_two_columns(title.base + 20, 5)]
    assert _spanning_cut(segs, (262.0, 278.0), geo) == [segs]


def test_spanning_cut_needs_both_columns_to_start_under_the_title():
    """Under a title in the left column, the right column goes on with a title of its own:
    the page reads column by column."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    title = _seg("标题", 60, 100 + 14 * 5 + 10, size=14, fid=2)
    below = _two_columns(title.base + 20, 5)
    below[5] = _seg("另一栏的标题", 280, below[5].base, size=14, fid=2)
    segs = [*_two_columns(100, 5), title, *below]
    assert _spanning_cut(segs, (262.0, 278.0), geo) == [segs]


def test_a_url_run_over_the_gutter_stays_in_its_column():
    """A URL cannot wrap: it runs on from the left column over the gutter and over the right
    column's line beside it. It is a line of the left column, not a title across the page:
    the page is still read column by column (its top lines were read row by row, across
    both columns, before)."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    segs = _two_columns(100, 10)
    url = _seg("http://paper.chinahightech.com/pc/layout/2024", 80, 100 + 14 * 6)
    segs[6] = url
    order = [s.text for leaf in reading_order(segs, geo, (60, 480)) for s in leaf.segs]
    assert order == ["正" * 20] * 6 + [url.text] + ["正" * 20] * 3 + ["文" * 20] * 10


def test_white_across_a_column_set_does_not_cut_it():
    """Under a masthead, the left column opens with a heading set lower than the right
    column's first line, and the white under the heading meets the white in the right
    column: a strip of white across the page. The strips on either side are still one
    column set, read column by column (the right column's first line used to come before
    the heading). A heading letter-spaced over the gutter ("目  录") holds no column line and
    stays a strip of its own."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    masthead = _seg("科技参考产业科技动态新兴产业", 80, 60, size=24)
    right_top = _seg("佛" * 16, 280, 110)
    heading = _seg("本期要目", 90, 124, size=14)
    right_2 = _seg("成" * 5, 280, 124)
    below = _two_columns(150, 6)
    segs = [masthead, right_top, heading, right_2, *below]
    order = [s.text for leaf in reading_order(segs, geo, (60, 480)) for s in leaf.segs]
    assert order == [
        masthead.text,
        heading.text,
        *["正" * 20] * 6,
        right_top.text,
        right_2.text,
        *["文" * 20] * 6,
    ]
    spaced = [_seg("目", 200, 110, size=14), _seg("录", 290, 110, size=14)]
    order = [
        s.text
        for leaf in reading_order([masthead, *spaced, *below], geo, (60, 480))
        for s in leaf.segs
    ]
    assert order[:3] == [masthead.text, "目", "录"]


def test_a_label_in_the_right_column_does_not_cut_the_page_into_bands():
    """White runs across both columns at one height, and a column label sits in it in the
    right column: the page is still read column by column (the right column's top goes on
    from the foot of the left one), not as bands one above the other."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    above = _two_columns(100, 5)
    label = _seg("栏目", 280, above[-1].base + 30)
    below = _two_columns(label.base + 30, 5)
    order = [
        s.text for leaf in reading_order([*above, label, *below], geo, (60, 480)) for s in leaf.segs
    ]
    assert order == ["正" * 20] * 10 + ["文" * 20] * 5 + ["栏目"] + ["文" * 20] * 5
    # the same label at the left edge, under two finished columns, is a band of its own
    label = _seg("栏目", 60, above[-1].base + 30)
    order = [
        s.text for leaf in reading_order([*above, label, *below], geo, (60, 480)) for s in leaf.segs
    ]
    assert order[10] == "栏目"


def test_a_narrow_gutter_is_a_gutter():
    """Two columns 0.7 em apart (generated A5 layouts set them so): still read one column
    after the other, not across, line by line."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    left = [_seg("左" * 20, 60, 100 + 14 * r) for r in range(6)]
    right = [_seg("右" * 20, 267, 100 + 14 * r) for r in range(6)]
    rows = [s for pair in zip(left, right, strict=True) for s in pair]  # as printed, across
    order = [s.text for leaf in reading_order(rows, geo, (60, 467)) for s in leaf.segs]
    assert order == ["左" * 20] * 6 + ["右" * 20] * 6


def test_a_line_grazing_the_gutter_stays_in_its_column():
    """Under a title whose centred second line stands in the gutter (no clean gutter, so
    the XY-cut looks for one with blockers), a left-column line ending 0.4 pt past the
    others (a scanned justified line's box) is not a spanning title: its row is not read
    across both columns, and each column keeps its lines in order."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    title = [_seg("标" * 35, 60, 100, size=12, fid=2), _seg("班”", 262, 114, size=8, fid=2)]
    left = [_seg("正" * 20, 60, 130 + 14 * r) for r in range(8)]
    right = [_seg("文" * 20, 280, 130 + 14 * r) for r in range(8)]
    left[3].x1 += 0.4
    leaves = reading_order([*title, *left, *right], geo, (60.0, 480.0))
    order = [s for leaf in leaves for s in leaf.segs]
    assert order == [*title, *left, *right]
    assert all(not (left[3] in leaf.segs and right[3] in leaf.segs) for leaf in leaves)


def test_a_text_layer_of_garbage_is_read_by_ocr(tmp_path):
    """Glyphs drawn right but mapped to private-use code points: OCR reads what is printed
    (tests/test_ocr.py covers OCR itself)."""
    runs = [Run(LEFT, 100 + i * PITCH, "Quarterly bulletin text", BODY, "pua") for i in range(5)]
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert doc.ocr_pages == [1]
    assert " ".join(b.text for b in doc.blocks).count("Quarterly bulletin text") == 5


def test_a_bold_line_under_a_finished_paragraph_starts_a_block():
    """A closing credit that ends a em short of the measure ("…秘书处供稿）") over the first
    line of a bold title: the paragraph above is finished, so the title is a block of its
    own (it was joined to the credit and lost to the article before). A plain line that
    runs on into bold words of its sentence stays one block."""
    from huikan.ingest.pdf_blocks import build_blocks
    from huikan.ingest.pdf_lines import Line

    def line(text: str, top: float, x1: float, bold: bool, size: float = 9.8) -> Line:
        n = len(text)
        return Line(
            text,
            9,
            48.2,
            x1,
            top,
            top + size,
            size,
            n,
            n if bold else 0,
            [(size, n)],
            (48.2, 185.4),
            0,
            [],
            text,
        )

    geo = Geometry(body_size=9.8, pitch=14.1)
    body = [
        line("近日，由集成电路封测产业链技术创新战略联", 50 + 14.1 * k, 185.4, False)
        for k in range(3)
    ]
    credit = line("盟秘书处供稿）", 92.3, 175.6, False)
    title = line("封测联盟举办集成电路先进封", 106.4, 185.4, True, 10.4)
    texts = [b.text for b in build_blocks([*body, credit, title], geo)]
    assert texts[-1] == "封测联盟举办集成电路先进封"
    runs_on = line("会议由联盟理事长主持，与会代表围绕", 92.3, 175.6, False)
    bold = line("先进封装产业链协同创新", 106.4, 185.4, True)
    assert len(build_blocks([*body, runs_on, bold], geo)) == 1


def test_a_column_edge_is_shared_by_lines_starting_a_pixel_apart():
    """A TOC's group labels stand out to the left of its entries. In a scan they start a
    pixel or two apart (43.46, 43.6 and 44.8 pt): they are still the column's edge, so the
    indented entries stay indented (each a block of its own); a single row sticking out
    is still no edge."""
    from huikan.ingest.pdf_columns import edges

    labels = [_seg("理论", 43.46, 100), _seg("政策", 43.6, 160), _seg("新华健康", 44.8, 40)]
    entries = [_seg("海内外专家共话全球经济", 53.7 + 0.3 * (k % 2), 60 + 20 * k) for k in range(8)]
    assert edges(labels + entries)[0] == 43.46
    assert edges(labels[:1] + entries)[0] == 53.7


@pytest.mark.parametrize(("gap_em", "columns"), [(0.55, True), (0.35, False)])
def test_a_gutter_half_an_em_wide_parts_the_columns_a_word_space_does_not(gap_em, columns):
    """Left-column lines that run long (a figure set wider than the characters it replaced)
    leave a gutter of just over half an em on their rows, an em elsewhere: still a gutter,
    the page is read column by column (at 0.58 em it was read across, left lines joined to
    the right column's lines beside them). A strip as narrow as a Latin word space (a third
    of an em) down the same rows is no gutter."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    right_x = 250 + 10 + gap_em * 10  # an em after most left lines, gap_em after the long ones
    segs = []
    for r in range(8):
        line = _seg("正" * 19, 60, 100 + 14 * r)
        if r % 3 == 1:  # "…2022年": digits run the line one em long
            line = Seg("正" * 17 + "2022年", 60, 260, line.base, 10.0, 1, False, 22)
        segs += [line, _seg("文" * 19, right_x, 100 + 14 * r)]
    leaves = reading_order(segs, geo, (60, right_x + 190))
    order = [s.text[0] for leaf in leaves for s in leaf.segs]
    if columns:
        assert order == ["正"] * 8 + ["文"] * 8
    else:
        assert order != ["正"] * 8 + ["文"] * 8


def test_a_left_line_run_on_into_the_right_columns_line_stays_in_its_column():
    """A left-column line set too long (hanging punctuation, figures wider than the
    characters they replaced) runs over the gutter into the right column's line beside it.
    No title set across the page has another line under it on its own baseline: the line
    is the left column's, and the page is read column by column (it was cut into bands, and
    the rows above and below read across)."""
    geo = Geometry(body_size=10.0, pitch=14.0)
    segs = _two_columns(100, 10)
    segs[4] = Seg("正" * 22 + "。", 60, 290, segs[4].base, 10.0, 1, False, 23)
    order = [s.text[0] for leaf in reading_order(segs, geo, (60, 480)) for s in leaf.segs]
    assert order == ["正"] * 10 + ["文"] * 10
    # the columns' baselines apart by a third of a line (paragraph spacing in one column),
    # and a colophon set across the page under them: the colophon is a band of its own,
    # the overrunning line is still the left column's
    segs = _two_columns(100, 10)
    for s in segs[10:]:
        s.base += 4
        s.top, s.bottom = s.top + 4, s.bottom + 4
    segs[4] = Seg("正" * 22 + "。", 60, 290, segs[4].base, 10.0, 1, False, 23)
    colophon = _seg("编印：某市科技情报研究所 地址：某市某区某路" * 2, 60, 260, size=8.0)
    order = [
        s.text[0] for leaf in reading_order([*segs, colophon], geo, (60, 480)) for s in leaf.segs
    ]
    assert order == ["正"] * 10 + ["文"] * 10 + ["编"]
