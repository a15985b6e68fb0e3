"""The split self-check: every doubt about a split becomes a warning an editor can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.selfcheck import _dropped_text, _page_gaps, is_split_warning
from huikan.ingest.split import Split
from huikan.model import Article, Block, Warning

ROOT = Path(__file__).resolve().parents[1]
PARA = "近日，某市出台推动产业高质量发展的若干措施，提出到明年产业规模突破千亿元，培育一批具有核心竞争力的龙头企业。"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "site.yml")


def _codes(res) -> list[str]:
    return [w.code for w in res.warnings if is_split_warning(w)]


def _write(tmp_path, text: str, name: str = "b.md") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_clean_split_carries_no_split_warning(tmp_path, config):
    parts = []
    for k in range(5):
        parts += [f"## 第{'一二三四五'[k]}篇新闻的标题", PARA * (3 + k % 2), "（来源：新华社）"]
    res = ingest_file(_write(tmp_path, "\n\n".join(parts)), config)
    assert len(res.articles) == 5
    assert _codes(res) == []


def test_toc_titles_missing_from_the_body(tmp_path, config):
    toc = ["目 录", "甲地出台新政策……1", "乙地发布新规划……2", "丙地召开推进会……3", ""]
    body = ["甲地出台新政策", PARA * 3, "（来源：新华社）", "乙地发布新规划", PARA * 3]
    res = ingest_file(_write(tmp_path, "\n\n".join(toc + body), "b.txt"), config)
    w = [w for w in res.warnings if w.code == "split-toc-missing"]
    assert (
        w and "目录列出 3 篇，正文只找到 2 篇" in w[0].message and "丙地召开推进会" in w[0].message
    )


def test_an_article_many_times_the_median_is_flagged(tmp_path, config):
    parts = []
    for k in range(5):
        parts += [f"## 第{'一二三四五'[k]}篇新闻的标题", PARA * (60 if k == 2 else 4)]
    res = ingest_file(_write(tmp_path, "\n\n".join(parts)), config)
    w = [w for w in res.warnings if w.code == "split-long-article"]
    assert len(w) == 1 and w[0].article == "第三篇新闻的标题" and "中位数" in w[0].message


def test_one_long_article_is_flagged(tmp_path, config):
    res = ingest_file(_write(tmp_path, "## 唯一的标题\n\n" + "\n\n".join([PARA * 6] * 12)), config)
    assert "split-one-article" in _codes(res)


def test_a_tiny_article_is_flagged(tmp_path, config):
    parts = [
        "## 甲地出台新政策",
        PARA * 3,
        "## 乙地发布新规划",
        "见下文。",
        "## 丙地召开推进会",
        PARA * 3,
    ]
    res = ingest_file(_write(tmp_path, "\n\n".join(parts)), config)
    w = [w for w in res.warnings if w.code == "split-short-article"]
    assert [x.article for x in w] == ["乙地发布新规划"]


def test_a_line_set_like_the_titles_but_not_taken_is_flagged(tmp_path, config):
    parts = []
    for t in ["甲地出台新政策", "乙地发布新规划", "丙地召开推进会"]:
        parts += [f"## {t}", PARA * 3, "（来源：新华社）"]
    parts[2:2] = ["## 丁地为什么能够后来居上？", "经验表明，" + PARA * 2]
    res = ingest_file(_write(tmp_path, "\n\n".join(parts)), config)
    w = [w for w in res.warnings if w.code == "split-unused-title"]
    assert w and "丁地为什么能够后来居上" in w[0].message


def test_pages_without_an_article_start():
    arts = [Article(title=f"t{p}", text="x", page=p) for p in (1, 2, 3, 4, 12)]
    w = _page_gaps(arts, 13, "b.pdf")
    assert len(w) == 1 and w[0].page == 5 and "第 5–11 页没有文章开头" in w[0].message
    assert _page_gaps([Article(title="t", text="x", page=p) for p in (1, 4, 7, 10)], 12, "b") == []


def test_paragraphs_no_article_took_are_flagged_when_they_add_up():
    """Whole paragraphs in no article (here: a body taken for front matter) are a loss the
    reader never sees: named with the first one's page and line. A masthead page's few
    lines of 本刊简介 among a full issue are not."""
    arts = [Article(title=f"t{k}", text=PARA * 4, page=k) for k in range(1, 3)]
    lost = Split(leftover=[Block("目 录"), *(Block(PARA, page=2, line=9 + k) for k in range(12))])
    w = _dropped_text(lost, arts, "b.pdf")
    assert len(w) == 1 and w[0].code == "split-text-dropped"
    assert (w[0].page, w[0].line) == (2, 9) and "12 段正文" in w[0].message
    intro = Split(leftover=[Block(PARA, page=1), Block("本刊简介")])
    many = [Article(title=f"t{k}", text=PARA * 4, page=k) for k in range(1, 16)]
    assert _dropped_text(intro, many, "b.pdf") == []
    assert _dropped_text(Split(leftover=[Block("短行，不是段落")] * 40), arts, "b.pdf") == []


def test_split_warnings_are_recognised_by_code():
    assert is_split_warning(Warning("no-boundary", "m"))
    assert is_split_warning(Warning("split-page-gap", "m"))
    assert not is_split_warning(Warning("no-date", "m"))


def test_a_title_ending_mid_sentence_is_flagged(tmp_path, config):
    """A bold run-in lead put on a line of its own by a text dump reads like a title; it ends
    on a word that needs the rest of the sentence, which opens the next "article". The
    splitter takes no such line for a title (it stays in its article, and nothing is said);
    where the TOC lists it, the split follows the TOC and the self-check names it."""
    places = ("南京", "苏州", "无锡", "常州")
    lead = "健康领域消费扩容提质和医疗资源下沉基层进一步"
    parts = []
    for place in places:
        parts += [f"{place}出台推动产业高质量发展新举措", "　　" + PARA * 2, "　　" + PARA * 2]
        parts.append("（来源：新华日报）")
    parts[6:6] = [lead, "　　推动了药械需求。" + PARA * 2]  # inside 苏州's article
    res = ingest_file(_write(tmp_path, "\n\n".join(parts), "b.txt"), config)
    assert [a.title for a in res.articles] == [f"{p}出台推动产业高质量发展新举措" for p in places]
    assert not [x for x in res.warnings if x.code.startswith("split-")]
    toc = ["目录", *(f"{p}出台推动产业高质量发展新举措……1" for p in places[:2]), f"{lead}……2"]
    toc += [f"{p}出台推动产业高质量发展新举措……3" for p in places[2:]]
    res = ingest_file(_write(tmp_path, "\n\n".join(toc + parts), "c.txt"), config)
    w = [x for x in res.warnings if x.code == "split-title-unfinished"]
    assert len(w) == 1 and "进一步" in w[0].message and w[0].line == 25


def _wrapped(text: str, width: int = 22) -> list[str]:
    return [text[k : k + width] for k in range(0, len(text), width)]


def test_a_lone_line_with_a_blank_line_under_it_inside_an_article_is_flagged(tmp_path, config):
    """A hard-wrapped text issue: a blank line under each title, none between paragraphs.
    A title printed right after the last paragraph of the article before (no blank line
    above it) was taken for part of that article, silently; a short unpunctuated line
    with a blank line under it, inside an article, is now named. Without the blank line
    under it, the same line is prose and nothing is said."""
    titles = ["甲地出台新政策推动产业发展", "乙地发布新规划", "丙地召开推进会", "丁地举办展会"]
    lone = "戊市新型研发机构绩效评价管理办法(试行)"
    lines: list[str] = []
    for k, t in enumerate(titles):
        lines += ([""] if k else []) + [t, ""]
        lines += _wrapped(PARA * 3) + _wrapped(PARA * 2 + "加快推进各项工作落实。")  # ends short
        if k == 1:
            lines += [lone, "", *_wrapped("第一章 总则第一条为进一步加快创新资源集聚，" + PARA * 2)]
        lines += ["（来源：新华社）"]
    res = ingest_file(_write(tmp_path, "\n".join(lines) + "\n", "b.txt"), config)
    named = [w for w in res.warnings if w.code == "split-unused-title" and lone in w.message]
    assert named or lone in [a.title for a in res.articles]
    if named:
        assert named[0].line == lines.index(lone) + 1
    no_blank = "\n".join(ln for k, ln in enumerate(lines) if not (k and lines[k - 1] == lone))
    res = ingest_file(_write(tmp_path, no_blank + "\n", "c.txt"), config)
    assert not any(lone in w.message for w in res.warnings)


def test_an_unindented_line_inside_an_article_is_flagged_where_titles_are_unindented(
    tmp_path, config
):
    """A text issue with a blank line between all its paragraphs marks its titles by the
    indent they lack (paragraphs start with "　　"). A title taken into the article before
    it, silently, is an unindented, unpunctuated line inside that article with an article's
    worth of text on each side. A flush sub-heading between two short sections is not
    named; nor is the same title line indented (prose)."""
    titles = ["甲地出台新政策推动产业发展", "乙地发布新规划", "丙地召开推进会", "丁地举办展会"]
    lone = "戊市新型研发机构绩效评价管理办法(试行)"
    paras: list[str] = []
    for t in titles:
        paras += [t, "　　" + PARA * 2, "　　一、总体要求", "　　" + PARA * 3, "（来源：新华社）"]
    at = paras.index(titles[1]) + 4  # after its last paragraph, before its credit
    swallowed = ["　　第一章 总则第一条为进一步加快创新资源集聚，" + PARA * 2, "　　" + PARA * 3]
    paras[at:at] = ["　　" + PARA + "加快推进各项工作落实。", lone, *swallowed]
    at = paras.index(titles[2]) + 2  # a flush sub-heading inside the third article
    paras[at:at] = ["推动产业链供应链智能化"]
    res = ingest_file(_write(tmp_path, "\n\n".join(paras) + "\n", "b.txt"), config)
    named = [w for w in res.warnings if w.code == "split-unused-title"]
    assert named or lone in [a.title for a in res.articles]
    if named:
        assert [w.line for w in named] == [2 * paras.index(lone) + 1]
        assert lone in named[0].message and "没有缩进" in named[0].message
    paras[paras.index(lone)] = "　　" + lone
    res = ingest_file(_write(tmp_path, "\n\n".join(paras) + "\n", "c.txt"), config)
    assert not any(w.code.startswith("split-") for w in res.warnings)
