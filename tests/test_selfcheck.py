"""The split self-check: every doubt about a split becomes a warning an editor can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.selfcheck import (
    _credit_inside,
    _label_title,
    _page_gaps,
    _read_across,
    _titles_inside,
    _unbalanced_title,
    _unfinished_title,
    is_split_warning,
)
from huikan.model import Article, Warning

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


def test_split_warnings_are_recognised_by_code():
    assert is_split_warning(Warning("no-boundary", "m"))
    assert is_split_warning(Warning("split-page-gap", "m"))
    assert not is_split_warning(Warning("no-date", "m"))


def test_two_columns_read_across_are_flagged():
    left = "十月十六日光明日报刊登了党的二十大代表的专访文章畅谈徐州科技创新工作"
    right = "宋乐伟表示下一步徐州将深入学习贯彻党的二十大精神以国家可持续发展议程"
    across = "".join(f"{left[k : k + 9]} {right[k : k + 9]}" for k in range(0, 36, 9))
    w = _read_across(Article("标题", across * 2), "b.pdf")
    assert w is not None and w.code == "split-columns-mixed" and "逐行" in w.message


@pytest.mark.parametrize(
    "text",
    [
        PARA * 5,
        "近 日 ， 存 储 产 业 技 术 创 新 战 略 联 盟 组 织 成 员 单 位 邀 请 了 专 家。"
        + PARA * 2,
        "第一章 总 则第一条 为进一步加快创新资源集聚。第二条 本办法所称机构。第三条 评价原则。"
        "第四条 评价内容。第五条 评价范围。第六条 评价方式。" + PARA,
    ],
)
def test_prose_letter_spacing_and_numbered_clauses_are_not_read_across(text):
    assert _read_across(Article("标题", text), "b.pdf") is None


def test_titles_of_other_articles_inside_a_body_are_flagged():
    a = Article("封面文章", PARA + "\n\n目 录\n\n第二篇文章的标题\n\n第三篇文章的\n\n标题")
    others = [Article("第二篇文章的标题", PARA), Article("第三篇文章的标题", PARA)]
    w = _titles_inside([a, *others], "b.pdf")
    assert [x.code for x in w] == ["split-titles-inside"] and "第二篇文章的标题" in w[0].message
    assert _titles_inside([Article("封面文章", PARA * 3), *others], "b.pdf") == []


def test_a_title_ending_mid_sentence_is_flagged(tmp_path, config):
    """A bold run-in lead put on a line of its own by a text dump reads like a title; it ends
    on a word that needs the rest of the sentence, which opens the next "article"."""
    parts = []
    for place in ("南京", "苏州", "无锡", "常州"):
        parts += [f"{place}出台推动产业高质量发展新举措", "　　" + PARA * 2, "　　" + PARA * 2]
        parts.append("（来源：新华日报）")
    parts[4:4] = ["健康领域消费扩容提质和医疗资源下沉基层进一步", "　　推动了药械需求。" + PARA * 2]
    res = ingest_file(_write(tmp_path, "\n\n".join(parts), "b.txt"), config)
    w = [x for x in res.warnings if x.code == "split-title-unfinished"]
    assert len(w) == 1 and "进一步" in w[0].message and w[0].line == 9


@pytest.mark.parametrize(
    "title", ["多地出台政策促进中美关系缓和", "推动工业互联网普及", "坚持以市场为导向", "如何应对"]
)
def test_titles_ending_in_an_ordinary_word_are_not_flagged(title):
    assert _unfinished_title(Article(title, PARA), "b.txt") is None


def test_no_title_of_the_real_bulletins_is_flagged():
    import yaml

    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert [t for t in titles if _unfinished_title(Article(t, PARA), "b.txt")] == []


def test_a_title_that_is_a_cluster_name_is_flagged(config):
    """A bookmarked group label taken for the titles: "数字经济产业" heads the articles of
    that group, run together. No title of the real bulletins is a cluster's name."""
    import yaml

    flag = [
        _label_title(Article(t, PARA), config.taxonomy, "b.pdf")
        for t in ("数字经济产业", "集成电路与 ICT产业")
    ]
    assert [w.code for w in flag if w] == ["split-title-is-label"] * 2
    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert [t for t in titles if _label_title(Article(t, PARA), config.taxonomy, "b.pdf")] == []


@pytest.mark.parametrize(
    ("title", "flagged"),
    [
        ("建筑信息模型BIM联盟举办“建筑业‘BIM+’智能建造技术与", True),  # cut before ’…”
        ("研修班”", True),
        ("深圳市发布《培育发展新材料产业集群行动计划（2024—2025年）", True),
        ("建筑信息模型BIM联盟举办“建筑业‘BIM+’智能建造技术与应用实践高级研修班”", False),
        ("深圳市发布《培育发展新材料产业集群行动计划（2024—2025年）》", False),
    ],
)
def test_a_title_with_a_quote_left_open_is_flagged(title, flagged):
    w = _unbalanced_title(Article(title, PARA), "b.pdf")
    assert (w is not None and w.code == "split-title-unbalanced") == flagged


def test_every_title_of_the_real_bulletins_is_balanced():
    import yaml

    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert titles and [t for t in titles if _unbalanced_title(Article(t, PARA), "b.pdf")] == []


def test_a_credit_inside_a_body_with_prose_after_it_is_flagged():
    """Two articles run together (columns read in the wrong order): one's closing credit
    stands inside the body, prose after it, and the other's credit at the end."""
    text = "\n\n".join(
        [
            PARA,
            "（封测产业技术创新战略联盟秘书处供稿）",
            "医药健康产业",
            PARA,
            "（电动汽车联盟供稿）",
        ]
    )
    w = _credit_inside(Article("封测联盟举办论坛", text), "b.pdf")
    assert w is not None and w.code == "split-credit-inside" and "封测产业" in w.message
    ok = [
        PARA + "\n\n（电动汽车联盟供稿）",  # one credit, at the end
        PARA + "\n\n来源：新华社\n\n" + PARA + "\n\n来源：新华社",  # the same credit twice
        PARA + "\n\n（电动汽车联盟供稿）\n\n" + PARA,  # nothing closes the body after it
    ]
    assert [_credit_inside(Article("标题", t), "b.pdf") for t in ok] == [None] * 3


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
