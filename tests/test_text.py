"""The text reader: paragraphs from one-line-per-paragraph files and hard-wrapped dumps."""

from __future__ import annotations

from huikan.ingest.text import read_text
from huikan.ingest.textutil import join_cjk


def write(tmp_path, text: str, name: str = "b.txt", encoding: str = "utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_markdown_headings_and_bold(tmp_path):
    doc = read_text(
        write(
            tmp_path, "# 科技参考\n\n## 目 录\n\n**知识扩展：**正文内容。\n\n**亮点二**\n", "b.md"
        )
    )
    got = [(b.text, b.heading, b.bold) for b in doc.blocks]
    assert got == [
        ("科技参考", 1, False),
        ("目 录", 2, False),
        ("**知识扩展：**正文内容。", 0, False),
        ("亮点二", 0, True),
    ]


def _wrapped(paragraph: str, width: int = 30) -> list[str]:
    return [paragraph[i : i + width] for i in range(0, len(paragraph), width)]


def test_hard_wrapped_lines_join_into_paragraphs(tmp_path):
    p1 = "近日，某市出台了推动集成电路产业高质量发展的若干措施，提出到二〇二五年产业规模突破千亿元，培育一批具有核心竞争力的龙头企业。"
    p2 = "措施明确，对新引进的芯片设计企业给予最高一千万元奖励，并支持企业建设公共技术服务平台，降低本地中小企业的研发成本和流片费用。"
    lines = ["标题：某市出台集成电路扶持政策", ""]
    for p in (p1, p2) * 6:
        for ln in _wrapped(p):
            lines += [ln, ""]
    doc = read_text(write(tmp_path, "\n".join(lines)))
    assert doc.measure is not None
    bodies = [b for b in doc.blocks if b.lines > 1]
    assert [b.text for b in bodies[:2]] == [p1, p2]
    assert doc.blocks[0].lines == 1


def test_latin_words_keep_a_space_across_a_wrap():
    assert join_cjk("采用 High", "Bandwidth Memory") == "采用 High Bandwidth Memory"
    assert join_cjk("存储芯片", "价格回升") == "存储芯片价格回升"
    assert join_cjk("HBM", "需求旺盛") == "HBM需求旺盛"


def test_line_endings_and_nul_bytes(tmp_path):
    raw = "第一段内容。\r\n\r\n第二段\x00内容。\r\r第三段内容。\n"
    doc = read_text(write(tmp_path, raw))
    assert [b.text for b in doc.blocks] == ["第一段内容。", "第二段内容。", "第三段内容。"]
    assert [w.code for w in doc.warnings] == ["nul-bytes"]


def test_gb18030_and_utf16_files_read_the_same(tmp_path):
    text = "# 江苏创业投资\n\n2024 年第 12 期（总第 250 期）\n\n壮大耐心资本助力专精特新企业培育发展。\n"
    a = read_text(write(tmp_path, text, "a.md", "gb18030"))
    b = read_text(write(tmp_path, "\ufeff" + text, "b.md", "utf-16"))
    assert [x.text for x in a.blocks] == [x.text for x in b.blocks]
    assert a.blocks[0].heading == 1


def test_form_feeds_give_pages(tmp_path):
    doc = read_text(write(tmp_path, "第一页标题\n\n正文一。\n\f第二页的段落。\n"))
    assert [b.page for b in doc.blocks] == [1, 1, 2]


def test_running_heads_and_page_lines_of_a_text_dump_are_furniture(tmp_path):
    """A short line repeated at every page break is a running head: flagged, and the paragraph
    it interrupts is joined again."""
    para = (
        "近日，某市出台了推动集成电路产业高质量发展的若干措施，提出到二〇二五年产业规模突破千亿元，培育一批具有核心竞争力的龙头企业。"
        * 12
    )
    lines = ["某市出台集成电路扶持政策", ""]
    page = 1
    for k, ln in enumerate(_wrapped(para, 32)):
        lines.append(ln)
        if k % 4 == 3:
            lines += ["", f"— {page} —", "\f产业科技动态 2024年第4期", ""]
            page += 1
    doc = read_text(write(tmp_path, "\n".join(lines)))
    body = [b for b in doc.blocks if not b.furniture]
    furniture = [b.text for b in doc.blocks if b.furniture]
    assert [b.text for b in body] == ["某市出台集成电路扶持政策", para]
    assert "产业科技动态 2024年第4期" in furniture and "— 1 —" in furniture


def test_a_repeated_column_label_is_not_a_running_head(tmp_path):
    para = (
        "近日，某市出台了推动集成电路产业高质量发展的若干措施，提出到二〇二五年产业规模突破千亿元。"
    )
    lines = []
    for k in range(4):
        lines += ["国内动态", f"某市出台第{k}项扶持政策", para, ""]
    doc = read_text(write(tmp_path, "\n".join(lines)))
    assert not any(b.furniture for b in doc.blocks)


def test_setext_underlined_lines_are_headings(tmp_path):
    doc = read_text(
        write(
            tmp_path, "科技参考\n========\n\n甲地发布储能规划\n--------\n\n正文第一段。\n", "b.md"
        )
    )
    assert [(b.text, b.heading) for b in doc.blocks] == [
        ("科技参考", 1),
        ("甲地发布储能规划", 2),
        ("正文第一段。", 0),
    ]


def test_blank_lines_a_page_break_brings_are_not_a_gap(tmp_path):
    """Only blank lines beyond the file's usual count around page furniture set the next line
    apart: a title that ended the page keeps the blank line that followed it."""
    para = (
        "近日，某市出台了推动集成电路产业高质量发展的若干措施，提出到二〇二五年产业规模突破千亿元。"
    )
    lines = [
        "标题一",
        "",
        para,
        para,
        "",
        "— 1 —",
        "",
        para,
        para,
        "标题二",
        "",
        "— 2 —",
        "",
        "",
        para,
    ]
    doc = read_text(write(tmp_path, "\n".join(lines)))
    body = [b for b in doc.blocks if not b.furniture]
    gaps = {b.text[:4]: b.gap_before for b in body}
    assert [b.page_top for b in body if b.text == para] == [False, False, True, False, True]
    assert body[-1].gap_before == 1.0  # the extra blank line after "标题二"
    assert gaps["标题二"] == 0.0


def test_a_whole_line_label_is_never_the_tail_of_a_full_line(tmp_path):
    full = "建筑信息模型联盟举办建筑业智能建造技术与应用实践高级研修班学员结业"
    lines = [full, "【食品及农副产品加工产业】", "肉类加工联盟协办国际研讨会"] + [full] * 6
    doc = read_text(write(tmp_path, "\n".join(lines)))
    assert "【食品及农副产品加工产业】" in [b.text for b in doc.blocks]


def test_paragraph_spacing_of_a_hard_wrapped_file_with_a_spaced_toc(tmp_path):
    """A TOC and labels each followed by a blank line do not make a blank line the spacing
    *inside* paragraphs: a blank line still ends a paragraph."""
    p1 = (
        "近日，某市出台了推动集成电路产业高质量发展的若干措施，提出到二〇二五年产业规模突破千亿元，培育龙头企业。"
        * 3
    )
    toc = [f"第{n}篇文章的标题在目录里" for n in range(12)]
    lines = [x for t in toc for x in (t, "")]
    lines += [
        *_wrapped(p1, 30),
        "",
        "下一篇文章的标题在一个整行里写满了三十个字符的宽度吗不是的",
        *_wrapped(p1, 30),
    ]
    doc = read_text(write(tmp_path, "\n".join(lines)))
    assert doc.blocks[12].text == p1
