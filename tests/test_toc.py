"""TOC detection and matching: the splitter's strongest cue."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikan.config import load_config
from huikan.ingest.split import split_blocks
from huikan.ingest.textutil import squash
from huikan.ingest.toc import classify_line, find_toc
from huikan.ingest.toc_reprints import _near_start
from huikan.model import Block

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tax():
    return load_config(ROOT / "site.yml").taxonomy


def blocks(*lines: str, **style) -> list[Block]:
    return [Block(text=t, line=n, **style) for n, t in enumerate(lines, 1)]


@pytest.mark.parametrize(
    ("line", "title", "page"),
    [
        ("全球半导体复苏势头不减·····9", "全球半导体复苏势头不减", 9),
        (
            "加快推进电力市场建设 切实提升新能源消纳能力 ....\t2",
            "加快推进电力市场建设 切实提升新能源消纳能力",
            2,
        ),
        (
            "成都青羊航空新城：科技创新助力产业“展翅高飞”\t16",
            "成都青羊航空新城：科技创新助力产业“展翅高飞”",
            16,
        ),
        ("- 24 / MCU 的国产加速度", "MCU 的国产加速度", 24),
        ("储能全生命周期安全亟待提升 . . . . . . . . 11", "储能全生命周期安全亟待提升", 11),
        ("竞逐新赛道 未来产业加速培育……10", "竞逐新赛道 未来产业加速培育", 10),
    ],
)
def test_entry_forms(line, title, page):
    item = classify_line(Block(text=line), in_toc=False)
    assert item.kind == "entry"
    assert (item.title, item.page) == (title, page)


def test_leader_only_line_completes_a_wrapped_entry(tax):
    toc = find_toc(
        blocks(
            "目 录",
            "数字经济产业",
            "让数字经济成为发展新质生产力的主战场·····1",
            "加快数字人才培养 助力数字经济赋能新质生产力发展",
            "·····6",
            "中国生物制药与勃林格殷格翰合作 共同研发商业化前沿",
            "肿瘤创新药·····20",
        ),
        tax,
    )
    assert [e.title for e in toc.entries] == [
        "让数字经济成为发展新质生产力的主战场",
        "加快数字人才培养 助力数字经济赋能新质生产力发展",
        "中国生物制药与勃林格殷格翰合作 共同研发商业化前沿肿瘤创新药",
    ]
    assert [e.page for e in toc.entries] == [1, 6, 20]


def test_groups_resolve_to_clusters_or_columns(tax):
    toc = find_toc(
        blocks(
            "**理论** .....\t2",
            "加快推进电力市场建设 切实提升新能源消纳能力 ....\t2",
            "集成电路与 ICT 产业",
            "- 24 / MCU 的国产加速度",
            "生物医药与大健康产业",
            "- 18 / 细胞治疗行业发展前景和趋势",
            "地方动态",
            "- 39 / 徐州市新型研发机构绩效评价管理办法（试行）",
        ),
        tax,
    )
    got = [(e.title[:6], e.cluster, e.column) for e in toc.entries]
    assert got == [
        ("加快推进电力", None, "理论"),
        ("MCU 的国", "集成电路与ICT", None),
        ("细胞治疗行业", "医药健康", None),
        ("徐州市新型研", None, "地方动态"),
    ]


def test_no_toc_in_plain_prose(tax):
    toc = find_toc(blocks("第一段正文，讲了很多事情。", "第二段正文 3", "第三段。"), tax)
    assert toc.entries == []


def test_toc_titles_become_articles_and_sub_headings_stay_inside(tax):
    doc = blocks(
        "目 录",
        "甲公司发布新一代储能电池……1",
        "乙地出台集成电路扶持政策……2",
        "甲公司发布新一代储能电池",
        "近日，甲公司发布了新一代储能电池，能量密度提升百分之二十，成本下降明显。",
        "一、技术亮点",
        "电池采用新型正极材料，循环寿命超过一万次，适用于电网侧储能场景。",
        "乙地出台集成电路扶持政策",
        "日前，乙地出台集成电路产业扶持政策，对芯片设计企业给予研发补贴。",
    )
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles] == [
        "甲公司发布新一代储能电池",
        "乙地出台集成电路扶持政策",
    ]
    assert any("技术亮点" in b.text for b in sp.articles[0].blocks)


def test_a_byline_read_into_the_listed_title_goes_back_under_it(tax):
    """The reader joined a byline set in the title's face to the title: the TOC's entry says
    where the title ends, and the byline heads the body, where bylines are read."""
    doc = blocks(
        "目 录",
        "深圳市发布《培育发展新材料产业集群行动计划（2022-2025年）》……1",
        "乙地出台集成电路扶持政策……2",
        "深圳市发布《培育发展新材料产业集群行动计划（2022-2025年）》新材料产业研究团队 万思",
        "近日，深圳发布了新材料产业集群行动计划，提出到二〇二五年产业规模显著提升。",
        "乙地出台集成电路扶持政策研究员",  # not a byline: the title keeps it
        "日前，乙地出台集成电路产业扶持政策，对芯片设计企业给予研发补贴。",
    )
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles] == [
        "深圳市发布《培育发展新材料产业集群行动计划（2022-2025年）》",
        "乙地出台集成电路扶持政策研究员",
    ]
    assert sp.articles[0].blocks[0].text == "新材料产业研究团队 万思"


def test_title_split_over_two_lines_is_found(tax):
    doc = blocks(
        "目 录",
        "深圳市发布《培育发展新材料产业集群行动计划》……6",
        "另一篇文章的标题在这里……8",
        "深圳市发布《培育发展新材料产业集群",
        "行动计划》",
        "2022年6月，深圳发布了行动计划，明确了重点任务和五大工程，推动新材料产业集群发展。",
        "另一篇文章的标题在这里",
        "这是另一篇文章的正文内容，足够长以便成为正文段落，结束于句号。",
    )
    sp = split_blocks(doc, tax)
    assert sp.articles[0].title == "深圳市发布《培育发展新材料产业集群行动计划》"


LEAD = (
    "近日，有关方面召开会议，部署下一阶段重点工作，会议强调要加强统筹协调，确保各项任务落到实处。"
)


def test_a_short_title_printed_again_over_a_byline_is_an_entry_not_a_group(tax):
    """ "MCU 的国产加速度" is as short as a column name; where it is printed again it stands
    over a byline, so the TOC lists it as an article."""
    doc = blocks(
        "目 录",
        "热点资讯",
        "甲地发布储能产业规划",
        "MCU 的国产加速度",
        "热点资讯",
        "乙地推进集成电路项目建设",
        "热点资讯",
        "甲地发布储能产业规划",
        LEAD,
        "MCU 的国产加速度",
        "集成电路产业研究团队 张三",
        LEAD,
        "热点资讯",
        "乙地推进集成电路项目建设",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [
        ("甲地发布储能产业规划", "热点资讯"),
        ("MCU 的国产加速度", "热点资讯"),
        ("乙地推进集成电路项目建设", "热点资讯"),
    ]


def test_the_end_of_a_wrapped_entry_run_into_the_next_group_heading(tax):
    doc = blocks(
        "目 录",
        "数字经济产业",
        "存储联盟组织千亿级分布式文件系统",
        "架构与实现技术分享活动节能环保产业",
        "水环境联盟主办绿色产业创新创业大赛",
        "存储联盟组织千亿级分布式文件系统架构与实现技术分享活动",
        LEAD,
        "水环境联盟主办绿色产业创新创业大赛",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [
        ("存储联盟组织千亿级分布式文件系统架构与实现技术分享活动", "数字经济产业"),
        ("水环境联盟主办绿色产业创新创业大赛", "节能环保产业"),
    ]


def test_an_entry_run_together_with_the_next_group_heading(tax):
    """A reader joined a full TOC line with the group heading under it; the heading is printed
    again in the body over a title, so it is a group, not a short entry."""
    doc = blocks(
        "目 录",
        "精品钢材产业",
        "钒钛资源联盟主办第五届钒钛微合金化高强钢开发与应用技术交流会集成电路与ICT产业",
        "封测联盟举办集成电路先进封装产业链协同创新发展论坛",
        "钒钛资源联盟主办第五届钒钛微合金化高强钢开发与应用技术交流会",
        LEAD,
        "集成电路与ICT产业",
        "封测联盟举办集成电路先进封装产业链协同创新发展论坛",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [e.title for e in toc.entries] == [
        "钒钛资源联盟主办第五届钒钛微合金化高强钢开发与应用技术交流会",
        "封测联盟举办集成电路先进封装产业链协同创新发展论坛",
    ]
    assert toc.entries[1].group == "集成电路与ICT产业"


def test_the_first_body_title_after_the_toc_is_not_a_toc_line(tax):
    """The TOC's own lines are not "a lead article printed before the TOC": the title right
    after the TOC starts the body."""
    title = "两仪泰和大健康产业有限公司董事长杨爱君：积极向创新型生物医药企业转型升级"
    other = "中国工程院院士、生物芯片北京国家工程研究中心主任程京：AI技术将成为推动中医药传承创新发展的关键"
    doc = blocks("目 录", "医药健康产业", title, other, "新华健康周刊", title, LEAD, other, LEAD)
    toc = find_toc(doc, tax)
    assert [e.title for e in toc.entries] == [title, other]
    assert toc.end <= 5


def test_a_plain_group_heading_printed_again_over_a_title(tax):
    """The TOC sets its group headings like its entries; the body prints them again, styled,
    over a title: a heading over a title is a group, not an entry."""
    doc = [
        Block("本期导读", size=1.3, bold=True),
        Block("专家观点"),
        Block("让数字经济成为发展新质生产力的主战场……3"),
        Block("国内动态"),
        Block("加快数字人才培养 助力数字经济赋能新质生产力发展……5"),
        Block("专家观点", bold=True),
        Block("让数字经济成为发展新质生产力的主战场", bold=True, size=1.6),
        Block(LEAD),
        Block("国内动态", bold=True),
        Block("加快数字人才培养 助力数字经济赋能新质生产力发展", bold=True, size=1.6),
        Block("——访某研究院院长"),
        Block(LEAD),
    ]
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [
        ("让数字经济成为发展新质生产力的主战场", "专家观点"),
        ("加快数字人才培养 助力数字经济赋能新质生产力发展", "国内动态"),
    ]


def test_an_entry_wrapped_like_a_group_over_a_title_is_one_entry(tax):
    """A TOC entry wrapped after "科技" looks like a group heading over a short entry, and its
    first line is printed again in the body right over the second. But there the two lines
    are set off together, in one face, with no space between: one title, wrapped. A group
    heading is set off from its titles, and printed again over each of them."""
    toc = blocks(
        "目 录", "产业研究", "智慧应急争先手 科技", "兴安强能力", "行业资讯", "某地举办论坛"
    )
    body = [
        Block(text="产业研究", bold=True, size=10.5, gap_before=0.8),
        Block(text="智慧应急争先手 科技", bold=True, size=11, gap_before=1.3),
        Block(text="兴安强能力", bold=True, size=11, gap_before=0.0),
        Block(text=LEAD, size=10.5, gap_before=0.4),
        Block(text="行业资讯", bold=True, size=10.5, gap_before=0.8),
        Block(text="某地举办论坛", bold=True, size=11, gap_before=1.3),
        Block(text=LEAD, size=10.5, gap_before=0.4),
    ]
    found = find_toc([*toc, *body], tax)
    assert [(e.title, e.group) for e in found.entries] == [
        ("智慧应急争先手 科技兴安强能力", "产业研究"),
        ("某地举办论坛", "行业资讯"),
    ]


def test_a_listed_title_is_found_again_with_one_character_misread(tax):
    """OCR reads a rare character differently in the TOC and in the title (亟 as 函, or
    drops it): a TOC without page numbers still keeps its last entry, because the title is
    printed again but for one character."""
    body = "储能安全再次成为焦点话题。近日，位于美国加利福尼亚州的储能电站发生火灾，" * 3
    bs = blocks(
        "目  录",
        "竞逐新赛道 未来产业加速培育",
        "储能全生命周期安全函待提升",
        "竞逐新赛道 未来产业加速培育",
        body,
        "储能全生命周期安全待提升",
        body,
    )
    toc = find_toc(bs, tax)
    assert [e.title for e in toc.entries][-1] == "储能全生命周期安全函待提升"
    assert not _near_start("储能全生命周期安全待提升", "储能全生命周期安全函数待提升再")
    assert _near_start("储能全生命周期安全待提升", "储能全生命周期安全函待提升")


def test_a_title_wrapped_over_four_lines_is_one_entry_and_one_title(tax):
    """Large type in a narrow column wraps a long title over four lines. The TOC line is
    printed again over all four: one entry (not an entry "…高级" and a group "研修班”"), and
    the title in the body takes all four lines."""
    title = "建筑信息模型BIM联盟举办“建筑业‘BIM+’智能建造技术与应用实践高级研修班”"
    other = "化纤联盟组织的国家重点研发计划项目通过综合绩效评价"
    doc = blocks(
        "目 录",
        f"{other} 8",
        f"{title} 8",
        "肉类加工联盟协办动物源食品科学与人类健康国际研讨会 8",
        other,
        LEAD,
        "建筑信息模型BIM联盟",
        "举办“建筑",
        "业‘BIM+’智能建造技术与应用实践高级",
        "研修班”",
        LEAD,
        "肉类加工联盟协办动物源食品科学与人类健康国际研讨会",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries][1] == (title, None)
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles][1] == title


def test_leaders_read_as_a_comma(tax):
    """OCR reads the first leader dot as a comma ("…提升，……11"), or the leaders as a comma
    with a dot and the page number left on a line below ("…培育，" / ".10")."""
    item = classify_line(Block(text="储能全生命周期安全亟待提升，……11"), in_toc=False)
    assert (item.kind, item.title, item.page) == ("entry", "储能全生命周期安全亟待提升", 11)
    assert classify_line(Block(text=".10"), in_toc=True).kind == "leader-only"
    assert classify_line(Block(text=".10"), in_toc=False).kind == "plain"
    doc = blocks(
        "目 录",
        "上海出台系列措施助企业升规提质……9",
        "竞逐新赛道未来产业加速培育，",
        ".10",
        "储能全生命周期安全亟待提升，……11",
        "上海出台系列措施助企业升规提质",
        LEAD,
        "竞逐新赛道未来产业加速培育",
        LEAD,
        "储能全生命周期安全亟待提升",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [e.title for e in toc.entries] == [
        "上海出台系列措施助企业升规提质",
        "竞逐新赛道未来产业加速培育",
        "储能全生命周期安全亟待提升",
    ]


_TOC_ALPHABET = "目录标题能源 \t\n，,.．·…。・•_－-0123456789١３*#/|／”」》）a"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_TOC_ALPHABET, max_size=16))
def test_the_toc_prechecks_never_refuse_a_line_the_regex_takes(text):
    """The tests from a line's end that skip the TOC regexes are necessary conditions: any
    line a regex matches passes its test (a precheck that refused one would lose a TOC
    entry)."""
    from huikan.ingest import toc_lines

    for t in (text, text.strip()):
        if toc_lines._LEADER.match(t):
            assert toc_lines._may_end_in_leaders(t), t
        if toc_lines._TRAILING_NUM.match(t):
            assert toc_lines._may_end_in_page(t), t


def test_titles_in_the_listed_style_past_a_toc_read_short_start_articles(tax):
    """The TOC was read short (its second column went with the text below it): the body
    runs on past the last listed title for several articles. Blocks there in the style of
    the listed titles (size, weight), after a closing credit, start articles; a bold
    sub-heading at body size inside a listed article does not, nor does anything between
    two listed titles."""
    title = {"size": 1.04, "bold": True}
    credit = "（某联盟秘书处供稿）"
    body = Block(LEAD * 2, lines=4)
    listed = ["甲联盟举办储能产业发展论坛", "乙联盟发布集成电路产业报告", "丙联盟召开年度理事会议"]
    unlisted = [
        "丁联盟举办新材料学术会议",
        "戊联盟组织技术分享活动",
        "己联盟主办创新创业大赛",
        "庚联盟参加安全应急装备展",
        "辛联盟统计燃料电池汽车资讯",
    ]
    doc = [Block("目 录"), *(Block(f"{t}……{n}") for n, t in enumerate(listed, 1))]
    for t in listed:
        doc += [Block(t, **title), body, Block("二、下一步工作", bold=True), body, Block(credit)]
    for t in unlisted:
        doc += [Block(t, **title), body, Block(credit)]
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles] == listed + unlisted
    # past the list, a tail no longer than an article or two is left to the last listed
    # article: a TOC that lists every article ends there too
    short = doc[: -3 * (len(unlisted) - 1)]
    assert [a.title for a in split_blocks(short, tax).articles] == listed


@pytest.mark.parametrize("size", [1.0, 1.03])
def test_a_toc_set_throughout_a_little_over_the_body_size_keeps_its_short_entries(tax, size):
    """Sizes are relative to a body size measured in half-point bins: type of 10.7 pt
    everywhere, TOC and body, measures 1.03. "Larger" is then measured against the TOC's
    own entries, so a short entry under a group is not taken for another group."""
    toc = find_toc(
        [
            Block("目录", size=1.44),
            *blocks(
                "医药健康产业",
                "两仪泰和大健康产业有限公司董事长杨爱君：积极向创新",
                "型生物医药企业转型升级 1",
                "综合",
                "海内外专家共话全球经济金融治理 2",
                "节能环保产业",
                "加快绿色技术推广应用 促发展方式转型 3",
                "综合",
                "上海出台系列措施助企业升规提质 4",
                size=size,
            ),
        ],
        tax,
    )
    got = [(e.title[:8], e.page) for e in toc.entries]
    assert ("海内外专家共话全", 2) in got and ("上海出台系列措施", 4) in got


def test_entries_run_together_are_tiled_by_a_title_run_into_its_paragraph(tax):
    """Two TOC entries joined into one block, the first printed again in the body only run
    into its first paragraph (the reader joined title and lead): both are entries, and the
    body's own first title after the TOC is not listed again."""
    first = "中国科学院院士、生物岛实验室主任徐涛：未来生物制造将发展为生物智造"
    second = "中国工程院院士、生物芯片北京国家工程研究中心主任程京：AI 技术推动中医药传承创新"
    lead = "“像我国传统制造业一样，随着新一轮科技变革，未来生物制造必然会朝着生物智造发展。”" * 2
    toc = find_toc(
        [
            Block("本期导读", size=1.4, bold=True),
            Block("两仪泰和大健康产业有限公司董事长杨爱君：积极向创新型生物医药企业转型升级"),
            Block(first + second),
            Block("两仪泰和大健康产业有限公司董事长杨爱君：", size=1.06),
            Block("积极向创新型生物医药企业转型升级", size=1.06),
            Block("两仪泰和大健康产业有限公司董事长杨爱君接受新华社记者专访时表示，" * 3),
            Block(first + lead),
            Block(second, size=1.06),
            Block("程京在开幕式主题发言中指出，中医药传承创新需要新技术。" * 3),
        ],
        tax,
    )
    assert [e.title for e in toc.entries][1:] == [first, second]


def test_a_toc_continued_before_its_header_in_the_reading_order(tax):
    """A TOC set at the foot of the left column runs on at the head of the right one; read
    left column first, that continuation (pages 4 and 5 here) stands before the header. It
    is read as TOC lines because every block from it to the header is one and its pages go
    on from the header's own entries; the lead article's paragraph before it is no entry."""
    lead_title = "以创新链之强托举产业链之优"
    under = ["推进工程机械电动化 聚力打造优势创新产业集群", "工程机械行业营业收入超过九千亿元"]
    after = ["深圳市发布新材料产业集群行动计划", "西安交通大学研究开发四维打印材料"]
    page1 = [
        Block(lead_title, page=1),
        Block(LEAD, page=1),
        Block(f"{after[0]} 4", page=1),
        Block("热点资讯", page=1, bold=True),
        Block(f"{after[1]} 5", page=1),
        Block("本期导读", page=1, size=1.4, bold=True),
        Block(f"{lead_title} 1", page=1),
        Block(f"{under[0]} 2", page=1),
        Block(f"{under[1]} 3", page=1),
    ]
    body = [b for t in under + after for b in (Block(t, page=2, size=1.15), Block(LEAD, page=2))]
    toc = find_toc(page1 + body, tax)
    assert [e.title for e in toc.entries] == [lead_title, *under, *after]
    assert toc.regions == [(2, 9)]
    assert toc.entries[-1].group == "热点资讯"
    # pages that do not go on from the header's entries: the lines before stay outside
    page1[2] = Block(f"{after[0]} 1", page=1)
    page1[4] = Block(f"{after[1]} 2", page=1)
    toc = find_toc(page1 + body, tax)
    assert [e.title for e in toc.entries] == [lead_title, *under]
    assert toc.regions == [(5, 9)]


def test_the_lead_title_run_together_with_the_next_entry(tax):
    """A TOC without page numbers lists the lead article, printed before the TOC over its
    text, first; the reader joined that line with the next entry (the first filled the
    measure). The line holds both entries."""
    lead_title = "以创新链之强托举产业链之优"
    second = "推进工程机械电动化 聚力打造优势创新产业集群"
    third = "工程机械行业营业收入超过九千亿元"
    doc = [
        Block(lead_title),
        Block(LEAD),
        Block("本期要目", size=1.4, bold=True),
        Block(lead_title + second),
        Block(third),
        Block(second, size=1.01),
        Block("工程机械与智能装备产业研究团队 马鑫勇"),
        Block(LEAD),
        Block(third, size=1.01),
        Block(LEAD),
    ]
    toc = find_toc(doc, tax)
    assert [e.title for e in toc.entries] == [lead_title, second, third]


def test_titles_past_a_short_toc_under_column_labels_start_articles(tax):
    """Two listed titles are found (the rest of the TOC was lost), and the articles past them
    stand under column labels: the block before such a title is its label, and before the
    label the end of a paragraph, so they start articles. Two titles in one style are
    already a pattern to learn from."""
    title = {"size": 1.15}
    body = Block(LEAD * 2, lines=4)
    listed = ["甲联盟举办储能产业发展论坛", "乙联盟发布集成电路产业报告"]
    unlisted = ["丙联盟召开年度理事会议", "丁联盟举办新材料学术会议", "戊联盟组织技术分享活动"]
    doc = [Block("目 录"), *(Block(f"{t}……{n}") for n, t in enumerate(listed, 1))]
    for t in listed:
        doc += [Block(t, **title), body, body]
    for t in unlisted:
        doc += [Block("热点资讯", bold=True), Block(t, **title), body, body]
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles] == listed + unlisted
    assert [a.column for a in sp.articles[2:]] == ["热点资讯"] * 3


def test_entries_run_together_whose_titles_the_body_runs_into_their_bylines(tax):
    """Two entries joined into one TOC line, and the body prints each title run into its
    byline (the reader joined them too): neither title is printed alone, so the line is
    tiled by the start of one such block and the rest of the line, the start of the next."""
    first = "工程机械行业营业收入超过九千亿元"
    second = "深圳市发布《培育发展新材料产业集群行动计划》"
    doc = blocks(
        "目 录",
        "推进工程机械电动化 聚力打造优势创新产业集群",
        first + second,
        "推进工程机械电动化 聚力打造优势创新产业集群",
        LEAD,
        first + "工程机械与智能装备产业研究团队 尚爱乐",
        LEAD,
        second + "新材料产业研究团队 万思",
        LEAD,
    )
    toc = find_toc(doc, tax)
    # keys: where the body runs a title on, the entry keeps no closing mark ("》")
    assert [e.key for e in toc.entries] == [
        squash(t) for t in ("推进工程机械电动化 聚力打造优势创新产业集群", first, second)
    ]


def test_two_leader_lines_run_together(tax):
    """A reader ran two leader lines together, the first whole ("甲………1乙……2"): two
    entries, each with its page."""
    first, second, third = (
        "以创新链之强托举产业链之优",
        "推进工程机械电动化",
        "工程机械行业营业收入超过九千亿元",
    )
    doc = blocks(
        "本期要目",
        f"{first}………1{second}……2",
        f"{third}……3",
        first,
        LEAD,
        second,
        LEAD,
        third,
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.page) for e in toc.entries] == [(first, 1), (second, 2), (third, 3)]


def test_a_large_title_after_a_paged_toc_does_not_make_its_groups_styled(tax):
    """Group headings set like the entries ("热点资讯") are told from short entries by their
    length, unless the TOC sets its groups apart. The first line of a large title in the body
    is short and larger too, but it stands past the TOC's last page number: it says nothing
    of how the TOC sets its groups, and every group stays a group."""
    entries = [
        ("热点资讯", "智能手机销量大退潮", 14),
        ("产业分析", "减污降碳不等于煤电消亡", 18),
        ("地方动态", "徐州市新型研发机构绩效评价管理办法", 20),
    ]
    toc_lines = [line for g, t, p in entries for line in (g, f"{t}……{p}")]
    doc = [
        Block("本期要目", size=1.4),
        *(Block(t) for t in toc_lines),
        Block("推进工程机械电动化 聚力", size=1.6),
        Block("打造优势创新产业集群", size=1.6),
        Block(LEAD),
        *(b for _, t, _ in entries for b in (Block(t, size=1.6), Block(LEAD))),
    ]
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [(t, g) for g, t, _ in entries]


def test_a_toc_without_page_numbers_continued_before_its_header(tax):
    """The flowing TOC without page numbers: under its header only the lead article's title
    (printed before the TOC in large type over two lines, then its text), the rest of the
    TOC before the header. Lines there are entries when each is printed again later as a
    title and every block up to the header is a TOC line."""
    lead = ["以创新链之强托", "举产业链之优"]
    rest = ["推进工程机械电动化 聚力打造优势创新产业集群", "工程机械行业营业收入超过九千亿元"]
    doc = [
        *(Block(t, size=2.1) for t in lead),
        Block(LEAD),
        Block("工程机械与智能装备产业", bold=True),
        *(Block(t) for t in rest),
        Block("目 录", size=1.4, bold=True),
        Block("综合", bold=True),
        Block("".join(lead)),
        *(b for t in rest for b in (Block(t, size=2.1), Block(LEAD))),
    ]
    toc = find_toc(doc, tax)
    assert [e.title for e in toc.entries] == ["".join(lead), *rest]
    assert toc.regions == [(3, 9)]
    assert toc.entries[1].cluster == "工程机械与智能装备"


def test_a_closing_mark_wrapped_onto_a_line_of_its_own_stays_with_the_title(tax):
    """A title in large type wraps just before its closing mark ("…（2022-2025年）" / "》"):
    the mark is the title's, not the first line of the body."""
    title = "深圳市发布《培育发展新材料产业集群行动计划（2022-2025年）》"
    doc = blocks("目 录", "甲地发布储能产业规划……1", f"{title}……2")
    doc += [Block("甲地发布储能产业规划", size=2), Block(LEAD)]
    doc += [Block(title[:-1], size=2), Block("》", size=2), Block(LEAD)]
    sp = split_blocks(doc, tax)
    assert [a.title for a in sp.articles] == ["甲地发布储能产业规划", title]
    assert sp.articles[1].blocks[0].text == LEAD


def test_a_leader_line_run_together_with_the_next_group_heading(tax):
    """ "甲……1工程机械与智能装备产业" over "乙……1" (甲 the lead article, printed before the
    TOC): the first entry, then the heading of the group the next entries are listed under
    (a cluster's name), not an entry."""
    first, second = "以创新链之强托举产业链之优", "推进工程机械电动化 聚力打造优势创新产业集群"
    doc = blocks(
        first,
        LEAD,
        "本期导读",
        "综合",
        f"{first}……1工程机械与智能装备产业",
        f"{second}……1",
        second,
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.page, e.group) for e in toc.entries] == [
        (first, 1, "综合"),
        (second, 1, "工程机械与智能装备产业"),
    ]


def test_a_short_entry_run_together_with_the_next_group_heading(tax):
    """A short entry and the next group's heading on one TOC line ("…煤电消亡地方动态"), too
    short to hold two entries: the entry, printed again later, then the group heading."""
    doc = blocks(
        "目 录",
        "产业分析",
        "煤电改造进展地方动态",
        "徐州市新型研发机构绩效评价管理办法",
        "煤电改造进展",
        LEAD,
        "徐州市新型研发机构绩效评价管理办法",
        LEAD,
    )
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [
        ("煤电改造进展", "产业分析"),
        ("徐州市新型研发机构绩效评价管理办法", "地方动态"),
    ]


def test_toc_lines_a_reader_joined_the_last_one_wrapped(tax):
    """A hard-wrapped text TOC whose lines fill the measure: the reader joins them into one
    block, "甲……2乙……2丙的前" over "半……2" (the last entry wrapped). Every entry is read, the
    wrapped one whole; the block used to end the TOC at its header, the first entries were
    lost, and their articles were taken for front matter (two of 31 articles gone, silently)."""
    a, b = "习近平总书记主持召开深入推进长三角一体化发展座谈会", "我国首次提出《国际科技合作倡议》"
    c = "科技部将把强化企业科技创新主体地位作为深化科技体制改革的关键举措"
    d = "中法碳中和中心启动仪式在京举办"
    doc = blocks("目  录", "【重要政策动态】", f"{a}······2{b}······2{c[:20]}", f"{c[20:]}······2")
    doc += blocks(f"{d}······3")
    for title in (a, b, c, d):
        doc += [Block(title, size=1.2), Block(LEAD)]
    toc = find_toc(doc, tax)
    assert [(e.title, e.page) for e in toc.entries] == [(a, 2), (b, 2), (c, 2), (d, 3)]
    assert [e.group for e in toc.entries] == ["【重要政策动态】"] * 4
    assert [x.title for x in split_blocks(doc, tax).articles] == [a, b, c, d]


def test_a_broken_leader_wrapped_onto_a_line_of_its_own_ends_the_entry(tax):
    """ "…高级研修班”·" over "·····8": the leader broke at the line's end, a dot left after
    the title. The dots and the number are the entry's end, not an entry titled "·" (whose
    "group" then named the column of every later article)."""
    assert classify_line(Block("·····8"), True).kind == "leader-only"
    assert classify_line(Block("……"), True).kind == "plain"
    title = "建筑信息模型BIM联盟举办“建筑业‘BIM+’智能建造技术与应用实践高级研修班”"
    toc = find_toc(
        blocks("目  录", f"化纤联盟组织的项目通过综合绩效评价······8{title}·", "·····8"), tax
    )
    assert [(e.title, e.page) for e in toc.entries][-1] == (title, 8)


def test_a_bracketed_group_heading_may_be_long(tax):
    """ "【试点联盟动态及协发网网员单位动态】" (19 wide) heads its group: the brackets say what
    it is, where a plain line that long would be an entry."""
    group = "【试点联盟动态及协发网网员单位动态】"
    doc = blocks("目  录", "【联盟动态】", "甲联盟召开年会……4", group, "乙联盟主办国际会议……5")
    doc += [
        Block("甲联盟召开年会"),
        Block(LEAD),
        Block(group),
        Block("乙联盟主办国际会议"),
        Block(LEAD),
    ]
    toc = find_toc(doc, tax)
    assert [(e.title, e.group) for e in toc.entries] == [
        ("甲联盟召开年会", "【联盟动态】"),
        ("乙联盟主办国际会议", group),
    ]


def test_a_toc_read_before_its_header_down_to_a_group_heading(tax):
    """The header "目 录" at the foot of the left column, the TOC from the head of the right
    one down to a group heading whose entries go on over the page: in the block order the
    entries come first, then the group heading, then the header, then the last entry. All are
    the TOC's, the last under that group; the body after the TOC is no front matter (13 of 15
    articles had been left out of the issue, without a warning)."""
    lead, first, second, last = (
        "以创新链之强托举产业链之优",
        "推进工程机械电动化 聚力打造优势创新产业集群",
        "深圳市发布新材料产业集群行动计划",
        "徐州市新型研发机构绩效评价管理办法(试行)",
    )
    doc = [Block(lead, size=1.3), *blocks(LEAD, f"{lead}工程机械与智能装备产业", first)]
    doc += blocks("新材料产业", second)
    doc += blocks("综合", "目 录", last)
    for title in (first, second, last):
        doc += [Block(title, size=1.3), Block(LEAD)]
    toc = find_toc(doc, tax)
    assert sorted((e.title, e.cluster) for e in toc.entries) == sorted(
        [
            (lead, None),
            (first, "工程机械与智能装备"),
            (second, "新材料"),
            (last, "综合"),
        ]
    )
    titles = [a.title for a in split_blocks(doc, tax).articles]
    assert titles[-3:] == [first, second, last]
