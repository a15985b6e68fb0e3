"""Cluster explanations and the uncertainty warning through ingest, its table, its JSON, the
cache's JSON round trip, and the one sidecar line that settles a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huikan.cli import main
from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.model import ClusterWhy, IngestResult

ROOT = Path(__file__).resolve().parent.parent
LEAD = "近日，有关方面召开推进会，部署下一阶段重点工作，会议强调要加强统筹协调，形成工作合力。"
UNSURE = "新材料企业布局光伏"
BULLETIN = f"""# 示例简报

2024 年第 3 期

## 甲市光伏组件产量增长

{LEAD}

光伏组件产量同比增长，储能电站装机规模扩大，光伏企业加快出海。

## {UNSURE}

{LEAD}

新材料企业宣布进入光伏领域。

## 乙市召开科技金融推进会

{LEAD}

会议提出完善科技金融体系，支持专精特新企业，壮大耐心资本。
"""


@pytest.fixture
def config():
    return load_config(ROOT / "site.yml")


@pytest.fixture
def bulletin(tmp_path):
    p = tmp_path / "2024-03-demo.md"
    p.write_text(BULLETIN, encoding="utf-8")
    return p


def test_each_article_says_why(bulletin, config):
    res = ingest_file(bulletin, config)
    by_title = {a.title: a for a in res.articles}
    a = by_title["甲市光伏组件产量增长"]
    assert a.cluster == "新能源" and isinstance(a.cluster_why, ClusterWhy)
    assert a.cluster_why.cue == "keywords" and a.cluster_why.terms[0].term.startswith("光伏")
    assert a.cluster_why.runner_up is None or a.cluster_why.ratio < 0.75
    assert by_title["乙市召开科技金融推进会"].cluster == "综合"


def test_a_narrow_margin_warns_with_the_sidecar_line(bulletin, config):
    res = ingest_file(bulletin, config)
    a = next(a for a in res.articles if a.title == UNSURE)
    assert a.cluster_why.uncertain
    pair = {a.cluster, a.cluster_why.runner_up}
    assert pair == {"新材料", "新能源"}
    [w] = [w for w in res.warnings if w.code == "uncertain-cluster"]
    assert w.article == UNSURE
    assert f"集群不确定：{a.cluster} / {a.cluster_why.runner_up}" in w.message
    assert f"articles: {{{UNSURE}: {{cluster: {a.cluster}}}}}" in w.message


def test_one_sidecar_line_settles_it(bulletin, config):
    bulletin.with_suffix(".yml").write_text(
        f"articles: {{{UNSURE}: {{cluster: 新能源}}}}\n", encoding="utf-8"
    )
    res = ingest_file(bulletin, config)
    a = next(a for a in res.articles if a.title == UNSURE)
    assert (a.cluster, a.cluster_cue, a.cluster_why.cue) == ("新能源", "sidecar", "sidecar")
    assert not [w for w in res.warnings if w.code == "uncertain-cluster"]


def test_explanation_survives_the_json_round_trip(bulletin, config):
    res = ingest_file(bulletin, config)
    back = IngestResult.from_json(json.loads(json.dumps(res.to_json(), ensure_ascii=False)))
    assert [a.cluster_why for a in back.articles] == [a.cluster_why for a in res.articles]
    assert isinstance(back.articles[0].cluster_why.terms[0].term, str)


def test_table_and_json_show_it(bulletin, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    cfg = ["--config", str(ROOT / "site.yml")]
    assert main([*cfg, "ingest", str(bulletin), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "依据" in out and "产业集群依据：" in out
    assert "新能源 ← 词语；光伏" in out
    assert "集群不确定" in out and "次选" in out
    assert main([*cfg, "ingest", str(bulletin), "--no-cache", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    why = data["articles"][0]["cluster_why"]
    assert why["cue"] == "keywords" and why["terms"][0]["weight"] > 0
    assert {"runner_up", "ratio", "uncertain", "printed"} <= set(why)
