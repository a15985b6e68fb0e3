"""The splitter without a TOC: weighed title cues, column labels, colophon, fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.selfcheck import _unused_titles
from huikan.ingest.split import colophon_start, is_noise, is_numbered, split_blocks
from huikan.model import Block

ROOT = Path(__file__).resolve().parent.parent
BODY = "近日，某市召开推进会，部署下一阶段重点工作，会议强调要加强统筹协调，形成工作合力，确保各项任务落到实处。"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "site.yml")


def test_credit_then_title_starts_an_article(config):
    blocks = [
        Block("甲地发布储能产业规划"),
        Block(BODY),
        Block("来源：经济参考报"),
        Block("乙地推进集成电路项目建设"),
        Block(BODY),
        Block("（某联盟秘书处供稿）"),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == ["甲地发布储能产业规划", "乙地推进集成电路项目建设"]


def test_byline_under_title_marks_an_article_and_sub_headings_do_not(config):
    blocks = [
        Block("推进工程机械电动化 聚力打造优势创新产业集群"),
        Block("工程机械与智能装备产业研究团队 马鑫勇"),
        Block(BODY),
        Block("一、工程机械行业的新空间"),
        Block(BODY),
        Block("发展建议"),
        Block(BODY),
        Block("工程机械行业营业收入超过 9000 亿元"),
        Block("工程机械与智能装备产业研究团队 尚爱乐"),
        Block(BODY),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == [
        "推进工程机械电动化 聚力打造优势创新产业集群",
        "工程机械行业营业收入超过 9000 亿元",
    ]


def test_column_label_above_title_is_not_an_article(config):
    blocks = [
        Block("政 策"),
        Block("上海出台系列措施助企业升规提质"),
        Block(BODY),
        Block("来源：科技日报"),
        Block("高新产业"),
        Block("竞逐新赛道 未来产业加速培育"),
        Block(BODY),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [(a.title, a.column) for a in sp.articles] == [
        ("上海出台系列措施助企业升规提质", "政策"),
        ("竞逐新赛道 未来产业加速培育", "高新产业"),
    ]


def test_typeset_titles_by_size(config):
    """PDF-like input: titles larger than body, sub-headings bold at body size."""
    blocks = [
        Block("专家观点", size=1.15, bold=True, page=1),
        Block("让数字经济成为发展新质生产力的主战场", size=1.5, bold=True, page=1),
        Block(BODY * 3, lines=6, page=1),
        Block("一、破局立新", bold=True, page=1),
        Block(BODY * 3, lines=6, page=2),
        Block("国内动态", size=1.15, bold=True, page=2),
        Block("加快数字人才培养 助力数字经济赋能新质生产力发展", size=1.5, bold=True, page=2),
        Block(BODY * 2, lines=4, page=2),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [(a.title, a.column, a.title_block.page) for a in sp.articles] == [
        ("让数字经济成为发展新质生产力的主战场", "专家观点", 1),
        ("加快数字人才培养 助力数字经济赋能新质生产力发展", "国内动态", 2),
    ]


def test_colophon_is_cut_from_the_last_article():
    blocks = [
        Block(BODY),
        Block("责任主编：鲍 斌"),
        Block("地 址：徐州市新城区元和路 1 号"),
        Block("邮 编：221000"),
    ]
    assert colophon_start(blocks) == 1
    assert colophon_start([Block(BODY), Block(BODY)]) == 2
    # a distribution list wrapped into a block of its own, longer than a colophon line
    wrapped = [
        Block(BODY),
        Block("（某联盟秘书处供稿）"),
        Block("报：科技部、发展改革委、财政部、教育部、工业和信息化部、人力资源和社会"),
        Block(
            "保障部、农业农村部、人民银行、国资委、税务总局、中科院、工程院、全国总工会、"
            "全国工商联、国家开发银行相关司局及部门"
        ),
    ]
    assert colophon_start(wrapped) == 2
    # prose under a colophon-like line is no list: the colophon starts after it
    prose = [*wrapped[:3], Block("会议强调，要加强统筹协调、形成工作合力、确保各项任务落到实处。")]
    assert colophon_start(prose) == 4
    # the list wrapped over three blocks, the 送： line run into the last, which ends in a
    # bracket: all of it is the colophon
    three = [
        *wrapped[:3],
        Block("保障部、农业农村部、人民银行、国资委、税务总局、中科院、工程院、全"),
        Block(
            "国总工会、全国工商联、国家开发银行相关司局及部门送：各试点联盟、有关地方科技厅（局）"
        ),
    ]
    assert colophon_start(three) == 2
    # a run of names with a sentence in it is prose, however it is wrapped
    said = [*three[:4], Block("国总工会、全国工商联等单位参加，会议强调、部署、落实。")]
    assert colophon_start(said) == 5


@pytest.mark.parametrize(
    ("text", "noise"),
    [
        ("5", True),
        ("- 12 -", True),
        ("第 3 页", True),
        ("http://paper.example.com/a.html", True),
        # a paragraph opening on a URL (OCR leaves no space after it) is content
        ("http://paper.example.com/a.html去年9月，《方案》发布。", False),
        ("·····6", False),
        ("2024 年 4 月", False),
        ("5G", False),
    ],
)
def test_noise(text, noise):
    assert is_noise(Block(text)) is noise


@pytest.mark.parametrize(
    ("text", "numbered"),
    [
        ("一、工程机械行业的新空间", True),
        ("（二）主要瓶颈", True),
        ("3. 技术受限。", True),
        ("第十二条 复核环节", True),
        ("亮点三：智能阴极保护系统", True),
        ("2021 年徐工集团营业收入情况", False),
        ("4D 打印材料", False),
        ("5G 基站建设提速", False),
    ],
)
def test_numbered_sub_headings(text, numbered):
    assert is_numbered(text) is numbered


def test_no_boundary_publishes_one_article_with_a_warning(tmp_path, config):
    p = tmp_path / "note.txt"
    p.write_text((BODY + "\n\n") * 5, encoding="utf-8")
    res = ingest_file(p, config)
    assert len(res.articles) == 1
    assert res.articles[0].text.count(BODY) == 5
    assert "no-boundary" in [w.code for w in res.warnings]


def test_markdown_heading_level_of_titles_without_toc(tmp_path, config):
    """In a Markdown export without a TOC, the heading level most titles share marks articles;
    deeper headings are sub-headings and the lone top heading is the masthead."""
    parts = ["# 经济科技要闻摘编", "第 8 期", "1983 年 8 月"]
    for n in range(4):
        parts += [
            f"## 第{n + 1}篇：某地推进产业项目建设",
            f"（合肥2024年{n + 1}月讯）",  # a dateline under the title is not a masthead
            BODY,
            "### 以专精特新企业作为",
            "### 耐心资本向实体经济倾斜的抓手",
            BODY,
        ]
    p = tmp_path / "digest.md"
    p.write_text("\n\n".join(parts), encoding="utf-8")
    res = ingest_file(p, config)
    assert [a.title for a in res.articles] == [
        f"第{n + 1}篇：某地推进产业项目建设" for n in range(4)
    ]
    assert all(a.column is None for a in res.articles)
    assert res.bulletin.title == "经济科技要闻摘编"
    assert "### 以专精特新企业作为" in res.articles[0].markdown


def test_markdown_group_headings_over_title_headings(tmp_path, config):
    """ "# 综合" over "## 京津冀国家高新区联盟成立": the short top-level headings name groups
    (columns), the title-length ones under them are the articles."""
    parts = []
    for group, title in [
        ("综合", "京津冀国家高新区联盟成立"),
        ("综合", "首届一带一路科技交流大会取得丰硕成果"),
        ("节能环保产业", "中法碳中和中心启动仪式在京举办"),
        ("新材料产业", "粉末冶金联盟举办全国粉末冶金学术会议"),
    ]:
        parts += [f"# {group}", f"## {title}", BODY, "（某联盟秘书处供稿）"]
    p = tmp_path / "groups.md"
    p.write_text("\n\n".join(parts), encoding="utf-8")
    res = ingest_file(p, config)
    assert [(a.title, a.column) for a in res.articles] == [
        ("京津冀国家高新区联盟成立", "综合"),
        ("首届一带一路科技交流大会取得丰硕成果", "综合"),
        ("中法碳中和中心启动仪式在京举办", "节能环保产业"),
        ("粉末冶金联盟举办全国粉末冶金学术会议", "新材料产业"),
    ]


def test_a_title_mentioning_an_issue_number_is_still_a_title(config):
    blocks = [
        Block("畜禽良种联盟举办第17期动物种业前沿科技论坛"),
        Block(BODY),
        Block("（畜禽良种产业技术创新战略联盟秘书处供稿）"),
        Block("化纤联盟组织的国家重点研发计划项目通过综合绩效评价"),
        Block(BODY),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert sp.articles[0].title == "畜禽良种联盟举办第17期动物种业前沿科技论坛"


def test_a_line_set_off_from_the_text_below_it_is_a_title(config):
    """Where paragraphs follow each other without blank lines, a blank line under a short line
    sets it apart as a title, even when a page break took the blank line above it."""
    blocks = [
        Block("甲地发布储能产业规划", line=1),
        Block(BODY, line=3, gap_before=1),
        Block(BODY, line=4),
        Block("乙地推进集成电路项目建设", line=5),
        Block("近日，" + BODY, line=7, gap_before=1),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == ["甲地发布储能产业规划", "乙地推进集成电路项目建设"]


def _set_off(title: str, label: str | None = None) -> list[Block]:
    """A title with a blank line under it (and its label above), then two paragraphs."""
    head = [Block(label, bracketed=label.startswith("〔"))] if label else []
    return [*head, Block(title), Block(BODY, gap_before=1, indent=True), Block(BODY, indent=True)]


def _pair(first: str, second: str) -> list[Block]:
    """A sub-heading set as two short lines, then a paragraph, no blank line anywhere."""
    return [Block(first), Block(second), Block(BODY, indent=True)]


def test_two_line_sub_headings_are_not_label_and_title(config):
    """Where this bulletin's titles stand over a blank line, a short line over a line with
    neither space above nor below is a two-line sub-heading, not a label over a title."""
    blocks = _set_off("加快推进电力市场建设 切实提升新能源消纳能力", "〔理论〕")
    blocks += _pair("推进电力市场建设", "是提升新能源消纳能力的现实选择")
    blocks += [Block("来源：经济参考报")]
    blocks += _set_off("壮大耐心资本助力专精特新企业培育发展")
    blocks += _pair("以专精特新企业作为", "耐心资本向实体经济倾斜的抓手")
    blocks += [Block("来源：经济参考报")]
    blocks += _set_off("释放开源潜能 加快构筑软件创新朋友圈", "〔新经济周刊〕")
    blocks += [Block("来源：经济参考报")]
    blocks += _set_off("苏州高新区为构建现代化产业体系积蓄动能")
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == [
        "加快推进电力市场建设 切实提升新能源消纳能力",
        "壮大耐心资本助力专精特新企业培育发展",
        "释放开源潜能 加快构筑软件创新朋友圈",
        "苏州高新区为构建现代化产业体系积蓄动能",
    ]
    assert "是提升新能源消纳能力的现实选择" in "".join(b.text for b in sp.articles[0].blocks)


def test_where_columns_are_named_by_cluster_a_plain_pair_is_a_sub_heading(config):
    """A bulletin that heads its columns with cluster names ("新能源产业", "综合") marks its
    labels so: a plain short line over a line in the middle of an article is the first line
    of a sub-heading, even with every paragraph set off alike. A cluster name wider than the
    title under it is still a label."""
    credit = Block("来源：经济参考报")
    blocks = _pair("新能源产业", "加快推进电力市场建设 切实提升新能源消纳能力")
    blocks += _pair("推进电力市场建设", "是提升新能源消纳能力的现实选择")
    blocks += [credit, *_pair("综合", "以新质生产力发展推动提升产业链供应链韧性")]
    blocks += _pair("以专精特新企业作为", "耐心资本向实体经济倾斜的抓手")
    blocks += [credit, *_pair("数字经济产业", "算力支撑让人工智能在中国行稳致远")]
    blocks += [credit, *_pair("工程机械与智能装备产业", "徐工集团发布新品")]
    sp = split_blocks(blocks, config.taxonomy)
    assert [(a.title, a.column) for a in sp.articles] == [
        ("加快推进电力市场建设 切实提升新能源消纳能力", "新能源产业"),
        ("以新质生产力发展推动提升产业链供应链韧性", "综合"),
        ("算力支撑让人工智能在中国行稳致远", "数字经济产业"),
        ("徐工集团发布新品", "工程机械与智能装备产业"),
    ]


def test_a_label_over_a_title_stays_where_titles_have_no_space_below(config):
    """Where titles are not set off by space, a plain label over a title still starts one."""
    blocks = [*_pair("政 策", "上海出台系列措施助企业升规提质"), Block("来源：科技日报")]
    blocks += [*_pair("高新产业", "竞逐新赛道 未来产业加速培育"), Block("来源：科技日报")]
    blocks += [*_pair("前沿", "甲地发布储能产业规划"), Block("来源：科技日报")]
    blocks += [Block(BODY, indent=True), *_pair("产业", "乙地推进集成电路项目建设")]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.column for a in sp.articles] == ["政策", "高新产业", "前沿", "产业"]


def test_a_line_centred_where_the_prose_is_flush_is_a_title(config):
    """In a text dump a title centred with spaces stands out from indented prose, even with no
    more space above it than a paragraph has."""
    blocks = [Block("甲地发布储能产业规划", line=1, centered=True)]
    blocks += [Block(BODY, line=3 + 2 * k, gap_before=1, indent=True) for k in range(4)]
    blocks += [Block("乙地推进集成电路项目建设", line=20, gap_before=1, centered=True)]
    blocks += [Block("第一章 总则。" + BODY, line=22, gap_before=1, indent=True)]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == ["甲地发布储能产业规划", "乙地推进集成电路项目建设"]


def test_a_group_heading_over_a_column_label_over_a_title(config):
    blocks = [
        Block("医药健康产业", bold=True),
        Block("新华健康周刊", bold=True),
        Block("两仪泰和大健康产业有限公司董事长：积极向创新型企业转型升级", bold=True, size=1.0),
        Block(BODY),
        Block("来源：经济参考报"),
        Block("综合", bold=True),
        Block("理论", bold=True),
        Block("海内外专家共话全球经济金融治理", bold=True),
        Block(BODY),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [(a.title, a.column) for a in sp.articles] == [
        ("两仪泰和大健康产业有限公司董事长：积极向创新型企业转型升级", "新华健康周刊"),
        ("海内外专家共话全球经济金融治理", "理论"),
    ]


def _issue(first: list[Block]) -> list[Block]:
    """A typeset issue without a TOC: ``first`` blocks, then three articles (1.4× titles)."""
    rest = []
    for t in (
        "加快推进电力市场建设 切实提升新能源消纳能力",
        "甲地发布储能产业规划",
        "乙地推进集成电路项目建设",
    ):
        rest += [Block(t, size=1.4, gap_before=1.5, page=1), Block(BODY * 3, page=1)]
    return first + rest


def test_a_large_name_over_a_run_together_masthead_is_not_an_article(config):
    """The bulletin's name in large type over the issue line, publisher and date run together
    by the reader: no prose under it, so it is the masthead, not a lead article."""
    masthead = [
        Block("江苏创业投资", size=2.35, centered=True, page=1),
        Block(
            "JIANGSU VENTURE CAPITAL 2024 年第 12 期（总第 250 期） 江苏省创业投资协会 主办 "
            "2024 年 12 月 31 日",
            centered=True,
            page=1,
        ),
    ]
    sp = split_blocks(_issue(masthead), config.taxonomy)
    assert sp.articles[0].title == "加快推进电力市场建设 切实提升新能源消纳能力"
    assert len(sp.articles) == 3


@pytest.mark.parametrize("byline", [[], ["工程机械与智能装备产业研究团队 马鑫勇"]])
def test_a_large_lead_title_over_its_text_or_byline_is_an_article(config, byline):
    lead = [
        Block("以新质生产力发展推动提升产业链供应链韧性", size=2.35, page=1),
        *(Block(line, page=1) for line in byline),
        Block(BODY * 3, page=1),
    ]
    sp = split_blocks(_issue(lead), config.taxonomy)
    assert sp.articles[0].title == "以新质生产力发展推动提升产业链供应链韧性"
    assert len(sp.articles) == 4


def test_a_heading_ending_on_a_dash_or_colon_is_no_title(config):
    """Section headings inside an article that lead into their text ("算力网络加速构建——",
    "主要做法：") set off like titles: a line that stops on a dash or a colon is a lead-in,
    never a whole title, so none starts an article (generated layouts of a real bulletin
    split its one article at three such headings)."""
    blocks = [
        *_set_off("甲地发布储能产业规划"),
        *_set_off("算力网络“高速路”加速构建——"),
        *_set_off("主要做法："),
        *_set_off("乙地推进集成电路项目建设"),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles] == ["甲地发布储能产业规划", "乙地推进集成电路项目建设"]
    assert any("主要做法：" in b.text for b in sp.articles[0].blocks)
    assert not _unused_titles(sp, blocks, "x.txt")


def test_a_line_ending_on_a_word_that_needs_more_is_no_title(config):
    """A paragraph's first line left alone at a page's foot ("…下沉基层进一步", the page
    break, then "推动了药械需求。…"), set off like a title: a headline never ends on a word
    that needs what follows (进一步, 以及, 对于 …), so it starts no article, and the
    self-check does not name it as an unused title either. The same line completed is a
    title."""
    first = "健康领域消费扩容提质和医疗资源下沉基层进一步"
    blocks = [
        *_set_off("甲地发布储能产业规划"),
        *_set_off("乙地推进集成电路项目建设"),
        *_set_off(first),
        *_set_off("丙地召开新材料产业大会"),
    ]
    sp = split_blocks(blocks, config.taxonomy)
    titles = ["甲地发布储能产业规划", "乙地推进集成电路项目建设", "丙地召开新材料产业大会"]
    assert [a.title for a in sp.articles] == titles
    assert any(first in b.text for b in sp.articles[1].blocks)
    assert not _unused_titles(sp, blocks, "x.txt")
    blocks[6] = Block(first + "推动药械需求")
    sp = split_blocks(blocks, config.taxonomy)
    assert [a.title for a in sp.articles][2] == first + "推动药械需求"
