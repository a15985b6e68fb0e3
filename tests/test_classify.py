"""Cluster tagging: explicit cues first, then taxonomy keywords; 综合 otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.classify import classify, explicit_cluster
from huikan.config import load_config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tax():
    return load_config(ROOT / "site.yml").taxonomy


def test_toc_group_beats_keywords(tax):
    t = classify("某公司发布新药", "芯片 芯片 芯片 半导体", tax, toc_cluster="医药健康")
    assert (t.cluster, t.cue) == ("医药健康", "toc")
    assert t.clusters[0] == "医药健康" and "集成电路与ICT" in t.clusters


@pytest.mark.parametrize(
    ("byline", "cluster"),
    [
        ("集成电路与 ICT 产业研究团队 张云春", "集成电路与ICT"),
        ("生物医药产业研究团队 李承昊", "医药健康"),
        ("工程机械与智能装备产业研究团队 马鑫勇", "工程机械与智能装备"),
        ("本报记者 李四", None),
    ],
)
def test_research_team_byline(tax, byline, cluster):
    got = explicit_cluster(tax, byline=byline)
    assert (got[0] if got else None) == cluster


def test_column_named_after_a_cluster(tax):
    assert explicit_cluster(tax, column="新能源") == ("新能源", "column")
    assert explicit_cluster(tax, column="国内动态") is None


def test_keywords(tax):
    t = classify(
        "光伏组件出口增长",
        "今年以来，光伏组件出口持续增长，储能电池装机规模扩大，新能源消纳能力提升。",
        tax,
    )
    assert (t.cluster, t.cue) == ("新能源", "keywords")


def test_policy_article_is_general(tax):
    t = classify(
        "某市出台知识产权保护政策",
        "政策提出加强知识产权保护，完善科技金融体系，优化营商环境，推进科技成果转化。"
        "文中顺带提到光伏企业一次。",
        tax,
    )
    assert t.cluster == "综合"


def test_no_cue_at_all_is_general_by_default(tax):
    t = classify("会议召开", "会议在北京召开，与会人员进行了交流。", tax)
    assert (t.cluster, t.cue) == ("综合", "default")
