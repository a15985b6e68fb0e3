"""Sidecars: the editor's metadata and split corrections, validated with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from huikan.config import ConfigError, load_config
from huikan.ingest import ingest_file
from huikan.ingest.sidecar import load_sidecar

ROOT = Path(__file__).resolve().parent.parent
BODY = "近日，某市召开推进会，部署下一阶段重点工作，会议强调要加强统筹协调，形成工作合力，确保各项任务落到实处。"
BULLETIN = f"""# 示例简报

2024 年第 3 期

## 目 录

甲市出台光伏产业扶持政策·····1
乙市召开科技金融推进会·····2

## 甲市出台光伏产业扶持政策

{BODY}

光伏组件企业将获得补贴，储能项目优先并网。

## 乙市召开科技金融推进会

{BODY}

### 附：会议纪要

{BODY}

征订启事：欢迎订阅本刊。
"""


@pytest.fixture
def config():
    return load_config(ROOT / "site.yml")


@pytest.fixture
def bulletin(tmp_path):
    p = tmp_path / "2024-03-demo.md"
    p.write_text(BULLETIN, encoding="utf-8")
    return p


def test_without_sidecar(bulletin, config):
    res = ingest_file(bulletin, config)
    assert [a.title for a in res.articles] == ["甲市出台光伏产业扶持政策", "乙市召开科技金融推进会"]
    assert res.bulletin.date is None and res.bulletin.number == "2024年第3期"


def test_sidecar_overrides_metadata_and_corrects_the_split(bulletin, config):
    bulletin.with_suffix(".yml").write_text(
        """
title: 示例简报（修订）
date: 2024-03
slug: demo-3
split: ["附：会议纪要"]
drop: ["征订启事"]
articles:
  甲市出台光伏产业扶持政策:
    cluster: 综合
    slug: jia-guangfu
  附：会议纪要:
    title: 乙市科技金融推进会会议纪要
""",
        encoding="utf-8",
    )
    res = ingest_file(bulletin, config)
    b = res.bulletin
    assert (b.title, b.date, b.slug) == ("示例简报（修订）", "2024-03", "demo-3")
    assert [a.title for a in res.articles] == [
        "甲市出台光伏产业扶持政策",
        "乙市召开科技金融推进会",
        "乙市科技金融推进会会议纪要",
    ]
    first = res.articles[0]
    assert (first.cluster, first.cluster_cue, first.slug) == ("综合", "sidecar", "jia-guangfu")
    assert all("征订启事" not in a.text for a in res.articles)


def test_merge_and_drop_article(bulletin, config):
    bulletin.with_suffix(".yml").write_text(
        "merge: [乙市召开科技金融推进会]\narticles:\n  甲市出台光伏产业扶持政策: {drop: true}\n",
        encoding="utf-8",
    )
    res = ingest_file(bulletin, config)
    assert res.articles == []
    bulletin.with_suffix(".yml").write_text("merge: [乙市召开科技金融推进会]\n", encoding="utf-8")
    res = ingest_file(bulletin, config)
    assert [a.title for a in res.articles] == ["甲市出台光伏产业扶持政策"]
    assert "科技金融" in res.articles[0].text


@pytest.mark.parametrize(
    ("yaml_text", "line", "needle"),
    [
        ("date: 2024-04\ntitle: [unclosed\n", 2, "YAML 语法错误"),  # where "[" was opened
        ("titel: 错字\n", 1, "未知的键 “titel”"),
        ("date: 2024-13\n", 1, "日期"),
        ("articles:\n  某篇文章:\n    cluster: 元宇宙\n", 3, "未知的产业集群 “元宇宙”"),
        ("slug: ../../etc\n", 1, "slug"),
        ("articles:\n  某篇文章:\n    slug: /abs/path\n", 3, "slug"),
        ("split: 3\n", None, None),
    ],
)
def test_errors_name_file_and_line(tmp_path, config, yaml_text, line, needle):
    p = tmp_path / "x.yml"
    p.write_text(yaml_text, encoding="utf-8")
    if needle is None:
        assert load_sidecar(p, config.taxonomy).split == ["3"]
        return
    with pytest.raises(ConfigError) as e:
        load_sidecar(p, config.taxonomy)
    assert e.value.file == str(p)
    assert e.value.line == line
    assert needle in str(e.value)
