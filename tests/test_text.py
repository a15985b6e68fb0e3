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
