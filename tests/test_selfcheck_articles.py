"""The per-article doubts of the split self-check: titles cut short or that are labels, bodies
that hold other articles' titles or credits, two columns read across."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import load_config
from huikan.ingest.selfcheck_articles import (
    credit_inside,
    label_title,
    read_across,
    titles_inside,
    unbalanced_title,
    unfinished_title,
)
from huikan.model import Article

ROOT = Path(__file__).resolve().parents[1]
PARA = "近日，某市出台推动产业高质量发展的若干措施，提出到明年产业规模突破千亿元，培育一批具有核心竞争力的龙头企业。"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "site.yml")


def test_two_columns_read_across_are_flagged():
    left = "十月十六日光明日报刊登了党的二十大代表的专访文章畅谈徐州科技创新工作"
    right = "宋乐伟表示下一步徐州将深入学习贯彻党的二十大精神以国家可持续发展议程"
    across = "".join(f"{left[k : k + 9]} {right[k : k + 9]}" for k in range(0, 36, 9))
    w = read_across(Article("标题", across * 2), "b.pdf")
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
def test_prose_letter_spacing_and_numbered_clauses_are_notread_across(text):
    assert read_across(Article("标题", text), "b.pdf") is None


def test_titles_of_other_articles_inside_a_body_are_flagged():
    a = Article("封面文章", PARA + "\n\n目 录\n\n第二篇文章的标题\n\n第三篇文章的\n\n标题")
    others = [Article("第二篇文章的标题", PARA), Article("第三篇文章的标题", PARA)]
    w = titles_inside([a, *others], "b.pdf")
    assert [x.code for x in w] == ["split-titles-inside"] and "第二篇文章的标题" in w[0].message
    assert titles_inside([Article("封面文章", PARA * 3), *others], "b.pdf") == []


@pytest.mark.parametrize(
    ("title", "end"),
    [("算力网络“高速路”加速构建——", "——"), ("**主要做法：**", "："), ("三、下一步打算:", ":")],
)
def test_a_title_ending_on_a_dash_or_colon_is_flagged(title, end):
    """A heading that stops on a dash or a colon leads into what follows: a section's
    lead-in inside an article, not an article's title."""
    w = unfinished_title(Article(title, PARA), "b.txt")
    assert w is not None and w.code == "split-title-unfinished" and f"以 “{end}” 结尾" in w.message


@pytest.mark.parametrize("title", ["“十五五”规划—新质生产力", "会议时间 9:30", "A—B 两地合作"])
def test_a_dash_or_colon_inside_a_title_is_not_flagged(title):
    assert unfinished_title(Article(title, PARA), "b.txt") is None


@pytest.mark.parametrize(
    "title", ["多地出台政策促进中美关系缓和", "推动工业互联网普及", "坚持以市场为导向", "如何应对"]
)
def test_titles_ending_in_an_ordinary_word_are_not_flagged(title):
    assert unfinished_title(Article(title, PARA), "b.txt") is None


def test_no_title_of_the_real_bulletins_is_flagged():
    import yaml

    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert [t for t in titles if unfinished_title(Article(t, PARA), "b.txt")] == []


def test_a_title_that_is_a_cluster_name_is_flagged(config):
    """A bookmarked group label taken for the titles: "数字经济产业" heads the articles of
    that group, run together. No title of the real bulletins is a cluster's name."""
    import yaml

    flag = [
        label_title(Article(t, PARA), config.taxonomy, "b.pdf")
        for t in ("数字经济产业", "集成电路与 ICT产业")
    ]
    assert [w.code for w in flag if w] == ["split-title-is-label"] * 2
    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert [t for t in titles if label_title(Article(t, PARA), config.taxonomy, "b.pdf")] == []


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
    w = unbalanced_title(Article(title, PARA), "b.pdf")
    assert (w is not None and w.code == "split-title-unbalanced") == flagged


def test_every_title_of_the_real_bulletins_is_balanced():
    import yaml

    gold = sorted((ROOT / "tests" / "corpus" / "gold").glob("*.yml"))
    titles = [a["title"] for g in gold for a in yaml.safe_load(g.read_text())["articles"]]
    assert titles and [t for t in titles if unbalanced_title(Article(t, PARA), "b.pdf")] == []


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
    w = credit_inside(Article("封测联盟举办论坛", text), "b.pdf")
    assert w is not None and w.code == "split-credit-inside" and "封测产业" in w.message
    ok = [
        PARA + "\n\n（电动汽车联盟供稿）",  # one credit, at the end
        PARA + "\n\n来源：新华社\n\n" + PARA + "\n\n来源：新华社",  # the same credit twice
        PARA + "\n\n（电动汽车联盟供稿）\n\n" + PARA,  # nothing closes the body after it
    ]
    assert [credit_inside(Article("标题", t), "b.pdf") for t in ok] == [None] * 3
