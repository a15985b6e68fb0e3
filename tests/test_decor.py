"""Title markers and bracketed labels: read as cues, removed from the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.decor import read_decorations, title_markers
from huikan.model import Block

BODY = (
    "近日，某市出台推动产业高质量发展的若干措施，提出到明年产业规模突破千亿元，培育一批龙头企业。"
)


@pytest.fixture(scope="module")
def config():
    return load_config(Path(__file__).resolve().parents[1] / "site.yml")


@pytest.mark.parametrize(
    ("text", "out", "marker"),
    [
        ("◆ 某市出台集成电路扶持政策", "某市出台集成电路扶持政策", "◆"),
        ("■某市出台集成电路扶持政策", "某市出台集成电路扶持政策", "■"),
        ("**★ 加粗的标题**", "**加粗的标题**", "★"),
        ("一、总体要求", "一、总体要求", ""),  # numbering is not a decoration
        ("◆", "◆", ""),  # a lone symbol stays text
    ],
)
def test_markers_are_stripped_and_recorded(text, out, marker):
    b = Block(text)
    read_decorations([b])
    assert (b.text, b.marker) == (out, marker)


@pytest.mark.parametrize(
    ("text", "out", "bracketed", "label"),
    [
        ("【集成电路与 ICT 产业】", "集成电路与 ICT 产业", True, None),
        ("〔国内动态〕", "国内动态", True, None),
        ("【新材料】某地新材料产业园开工", "某地新材料产业园开工", False, "新材料"),
        ("[1] 参考文献条目。", "[1] 参考文献条目。", False, None),  # a citation
        ("〔2024〕12号文件要求各地落实。", "〔2024〕12号文件要求各地落实。", False, None),
        ("【注】本文有删节。", "【注】本文有删节。", False, None),
        (  # a long column name, and a title that ends in a closing quote
            "〔试点联盟动态及协发网网员单位动态〕某联盟举办“建筑业智能建造高级研修班”",
            "某联盟举办“建筑业智能建造高级研修班”",
            False,
            "试点联盟动态及协发网网员单位动态",
        ),
    ],
)
def test_bracketed_labels(text, out, bracketed, label):
    b = Block(text)
    read_decorations([b])
    assert (b.text, b.bracketed, b.label) == (out, bracketed, label)


def test_a_marker_is_a_title_cue_only_where_titles_use_it():
    titles = [Block(f"◆ 标题{i}", marker="◆") for i in range(3)]
    items = [Block(f"● 第{i}项要求是加强统筹协调。", marker="●") for i in range(4)]
    for b in titles + items:
        read_decorations([b])
    assert title_markers(titles + items) == {"◆"}


def test_marked_titles_and_bracketed_groups_split_a_plain_text_bulletin(tmp_path, config):
    parts = []
    for k, (group, title) in enumerate(
        [
            ("数字经济", "数据要素市场建设提速"),
            ("新材料", "石墨烯产业园开工"),
            ("数字经济", "算力网络加快布局"),
        ]
    ):
        parts += [f"【{group}】", f"◆ {title}", BODY * (k + 2), "（来源：新华社）"]
    p = tmp_path / "b.txt"
    p.write_text("\n\n".join(parts), encoding="utf-8")
    res = ingest_file(p, config)
    assert [(a.title, a.column or a.cluster) for a in res.articles] == [
        ("数据要素市场建设提速", "数字经济"),
        ("石墨烯产业园开工", "新材料"),
        ("算力网络加快布局", "数字经济"),
    ]


def _hard_wrapped(text: str, width: int = 34) -> str:
    """A paragraph as a text dump prints it: indented, wrapped every ``width`` characters."""
    text = "　　" + text
    return "\n".join(text[k : k + width] for k in range(0, len(text), width))


def test_where_titles_carry_a_marker_an_unmarked_line_after_a_paragraph_is_a_sub_heading(
    tmp_path, config
):
    """Titles carry "◆"; sub-headings are set off like them (flush, a blank line on each
    side, over indented paragraphs) but have no marker and follow a paragraph, not a credit
    or a label: they stay inside their article. An unmarked title after a closing credit
    still starts one."""
    parts = []
    for title in ["数据要素市场建设提速", "石墨烯产业园开工", "算力网络加快布局"]:
        para = _hard_wrapped(BODY * 3)
        parts += [f"◆ {title}", para, "发展现状与主要瓶颈", para, "下一步发展建议", para]
        parts.append("（来源：新华社）")
    parts += ["徐州市出台新型研发机构管理办法", _hard_wrapped(BODY * 3)]
    p = tmp_path / "b.txt"
    p.write_text("\n\n".join(parts), encoding="utf-8")
    res = ingest_file(p, config)
    assert [a.title for a in res.articles] == [
        "数据要素市场建设提速",
        "石墨烯产业园开工",
        "算力网络加快布局",
        "徐州市出台新型研发机构管理办法",
    ]
