from huikan.site.markup import excerpt, promote_headings, render_markdown


def test_headings_start_at_h2_and_keep_their_order():
    html = render_markdown("### 一、破局立新\n\n正文。\n\n#### （一）细分\n\n更多。")
    assert "<h2>一、破局立新</h2>" in html
    assert "<h3>（一）细分</h3>" in html
    assert "<h1" not in html


def test_plain_numbered_lines_become_sub_headings():
    html = render_markdown(
        "一、总体要求\n\n这是正文，很长。\n\n（二）这是一句完整的话，以句号结尾。"
    )
    assert "<h2>一、总体要求</h2>" in html
    assert "<p>（二）这是一句完整的话，以句号结尾。</p>" in html


def test_promote_headings_leaves_sentences_alone():
    text = "一、这是很长的句子，不是标题。"
    assert promote_headings(text) == text


def test_bold_lead_ins_in_chinese_text():
    html = render_markdown("**一是加强协同。**各部门要……")
    assert "<strong>一是加强协同。</strong>各部门要" in html


def test_lists():
    html = render_markdown("- 甲\n- 乙\n\n1. 一\n2. 二")
    assert "<ul>" in html and "<li>甲</li>" in html and "<ol>" in html


def test_raw_html_and_dangerous_links_are_inert():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n'
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html;base64,xx) "
        "[d](vbscript:x) [e](https://example.org/) ![img](https://example.org/x.png)"
    )
    assert "<script" not in html and "<img" not in html
    hrefs = [h.split('"')[1] for h in html.split("href=")[1:]]
    assert hrefs == ["https://example.org/", "https://example.org/x.png"]  # image → a link
    assert 'rel="nofollow noopener"' in html
    assert "&lt;script&gt;" in html


def test_no_autolinking():
    assert "<a" not in render_markdown("见 www.example.org 与 https://example.org")


def test_excerpt():
    assert excerpt("**甲**  乙\n\n丙", 10) == "甲 乙 丙"
    assert excerpt("很" * 200, 10) == "很" * 10 + "…"
