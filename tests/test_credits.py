"""Bylines and sources: under the title, at the end, and in the opening phrase."""

from __future__ import annotations

import pytest

from huikan.ingest.credits import byline_line, closing_credit, inline_source, is_closing_line


@pytest.mark.parametrize(
    ("line", "byline", "source"),
    [
        ("来源：经济参考报", None, "经济参考报"),
        ("（来源：思瀚产业研究院）", None, "思瀚产业研究院"),
        ("(来源：芯师爷)", None, "芯师爷"),
        (
            "（通讯员：集成电路与 ICT 产业研究团队 张云春）",
            "集成电路与 ICT 产业研究团队 张云春",
            None,
        ),
        ("(通讯员:安全应急产业研究团队 周婕)", "安全应急产业研究团队 周婕", None),
        ("（半导体照明工程研发及产业联盟秘书处供稿）", None, "半导体照明工程研发及产业联盟秘书处"),
        (
            "（联盟协发网秘书处和联盟试点工作组摘述。信息来源：新华社）",
            "联盟协发网秘书处和联盟试点工作组",
            "新华社",
        ),
        (
            "（作者单位：北京市科学技术研究院高质量发展研究中心）",
            "北京市科学技术研究院高质量发展研究中心",
            None,
        ),
        (
            "（作者系河南省社会科学院法学研究所研究员；本文系2024年度课题阶段性成果）",
            "河南省社会科学院法学研究所研究员",
            None,
        ),
    ],
)
def test_closing_credit(line, byline, source):
    c = closing_credit(line)
    assert c is not None
    assert (c.byline, c.source) == (byline, source)


def test_closing_line_vs_body_paragraph():
    assert is_closing_line("来源：中国高新技术产业导报")
    assert is_closing_line("（水环境产业技术创新战略联盟秘书处供稿）")
    assert not is_closing_line("据新浪财经网讯，3月20日至22日，展览会在佛山举办。")
    assert not is_closing_line("资料来源显示，今年以来光伏装机同比增长一倍以上，远超市场预期。")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("工程机械与智能装备产业研究团队 马鑫勇", "工程机械与智能装备产业研究团队 马鑫勇"),
        ("集成电路与 ICT 产业研究团队", "集成电路与 ICT 产业研究团队"),
        ("作者：张三", "张三"),
        ("本报记者 李四", "本报记者 李四"),
        ("近日，人社部等九部门印发行动方案。", None),
        ("临朐医药康养产业蓬勃发展", None),
    ],
)
def test_byline_under_title(line, expected):
    assert byline_line(line) == expected


@pytest.mark.parametrize(
    ("para", "outlet"),
    [
        (
            "据全球半导体观察 4 月 7 日消息，近日，工信部运行监测协调局公布了数据。",
            "全球半导体观察",
        ),
        ("据东方财富网报道，随着生命健康需求快速增长……", "东方财富网"),
        ("据新京报讯，4 月 8 日，中国生物制药发布公告。", "新京报"),
        ("据新华报业网3月30日讯，为充分发挥资源聚集优势……", "新华报业网"),
        ("根据中国工程机械工业协会消息，经协会对行业主要企业统计……", "中国工程机械工业协会"),
        ("据统计，2020 年全球生物医药市场规模已超过一万亿美元。", None),
        ("据介绍，目诊仪已广泛应用于全国 300 多家诊疗机构。", None),
    ],
)
def test_inline_source(para, outlet):
    assert inline_source(para) == outlet
