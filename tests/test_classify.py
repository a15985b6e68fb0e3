"""Cluster tagging: explicit cues first, then taxonomy keywords; 综合 otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- the vocabulary, the scoring and the explanation -------------------------------------------


def test_builtin_vocabulary_names_its_sources():
    from huikan.classify.vocab import builtin_clusters, sources

    src = sources()
    assert {"sei2018", "gbt4754", "curated"} <= src.keys()
    assert "战略性新兴产业分类" in src["sei2018"] and "4754" in src["gbt4754"]
    for c in builtin_clusters():
        assert set(c.terms) <= src.keys(), c.name
        assert sum(len(ts) for ts in c.terms.values()) >= 20, c.name


def test_without_site_yml_the_builtin_taxonomy_tags(tmp_path):
    config = load_config(tmp_path / "missing.yml")
    assert "新能源" in config.taxonomy.names and "综合" in config.taxonomy.names
    t = classify(
        "光伏组件出口增长", "光伏组件出口持续增长，储能电站装机规模扩大。", config.taxonomy
    )
    assert (t.cluster, t.cue) == ("新能源", "keywords")


def test_idf_over_the_vocabulary(tax):
    from huikan.classify.vocab import build_vocabulary

    v = build_vocabulary(tax)
    assert v.weights["光伏"] == {"新能源": 1.0}  # in one cluster's list only: full weight
    shared = v.weights["碳纤维"]  # listed for 新材料 and 高端纺织
    assert set(shared) == {"新材料", "高端纺织"} and all(w < 1.0 for w in shared.values())
    assert v.weights["健康"]["医药健康"] < v.weights["医疗器械"]["医药健康"]  # weak word


def test_longest_match_and_latin_words(tax):
    from huikan.classify import matcher_for

    _, m = matcher_for(tax)
    got = m.counts("生物医药企业在 AI 领域发力，said 不算；集成电路与 ICT 产业")
    assert got["生物医药"] == 1 and "医药" not in got  # "医药" is inside the longer term
    assert got["ai"] == 1  # a whole Latin word, not the "ai" inside "said"
    assert got["集成电路与ict产业"] == 1  # spaces a PDF puts inside a name are ignored


def _reference_counts(terms: list[str], text: str):
    """Leftmost-longest by brute force: at each position the longest term (a Latin term only
    at the start and end of a Latin word), then on after it."""
    import re
    from collections import Counter

    from huikan.classify.score import normalise

    norm, out, i = normalise(text), Counter(), 0
    alnum = re.compile(r"[a-z0-9]")
    while i < len(norm):
        best = ""
        for t in terms:
            if len(t) > len(best) and norm.startswith(t, i):
                if alnum.match(t[0]) and i and alnum.match(norm[i - 1]):
                    continue
                end = i + len(t)
                if alnum.match(t[-1]) and end < len(norm) and alnum.match(norm[end]):
                    continue
                best = t
        if best:
            out[best] += 1
            i += len(best)
        else:
            i += 1
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_matcher_is_leftmost_longest_on_any_mix_of_terms(tax, data):
    from huikan.classify import matcher_for

    vocab, m = matcher_for(tax)
    terms = sorted(vocab.weights)
    pieces = data.draw(
        st.lists(
            st.sampled_from([*terms, "的", "a", "5", " ", "，", "生物", "said", "集成"]),
            max_size=30,
        )
    )
    text = "".join(pieces)
    assert m.counts(text) == _reference_counts(terms, text)


def test_sublinear_tf_and_title_boost(tax):
    from huikan.classify import keyword_scores

    once = keyword_scores("", "光伏。", tax)["新能源"]
    many = keyword_scores("", "光伏。" * 20, tax)["新能源"]
    title = keyword_scores("光伏", "", tax)["新能源"]
    assert once < many < 5 * once  # 1 + ln 20 ≈ 4
    assert title == pytest.approx(3 * once)


def test_explanation_records_terms_runner_up_and_ratio(tax):
    t = classify(
        "某企业发布新型光伏组件",
        "该光伏组件转换效率提升，配套储能系统。企业表示将加大研发投入，申请专利。",
        tax,
    )
    why = t.why
    assert (t.cluster, why.cue) == ("新能源", "keywords")
    assert why.terms[0].term == "光伏组件" and why.terms[0].weight > 0
    assert why.runner_up == "综合" and 0 < why.ratio < 1
    assert why.score >= why.runner_up_score
    assert t.clusters[0] == "新能源"


def test_printed_cue_is_explained_too(tax):
    t = classify(
        "全球半导体复苏势头不减",
        "半导体销售额增长。（通讯员：集成电路与 ICT 产业研究团队 张云春）",
        tax,
        byline="集成电路与 ICT 产业研究团队 张云春",
    )
    assert (t.cluster, t.why.cue) == ("集成电路与ICT", "byline")
    assert "研究团队" in t.why.printed
    assert not t.why.uncertain


def test_close_call_is_uncertain(tax):
    t = classify("新材料与光伏", "新材料。光伏。", tax)
    assert {t.cluster, t.why.runner_up} == {"新材料", "新能源"}
    assert t.why.ratio >= 0.75 and t.why.uncertain


def test_clear_winner_is_not_uncertain(tax):
    t = classify("医疗器械创新", "医疗器械企业的创新药、临床试验与医保集采进展。", tax)
    assert t.cluster == "医药健康" and not t.why.uncertain


def test_several_industries_alike_is_general(tax):
    t = classify(
        "三个项目同日投产",
        "光伏项目、芯片项目和医疗器械项目同日投产。光伏、芯片、医疗器械三个项目总投资百亿元。",
        tax,
    )
    assert (t.cluster, t.cue) == ("综合", "several")
    assert t.why.runner_up in {"新能源", "集成电路与ICT", "医药健康"}


def test_general_wins_by_its_own_vocabulary(tax):
    t = classify(
        "科技金融支持专精特新企业",
        "完善科技金融体系，壮大耐心资本，支持专精特新企业，强化知识产权保护。",
        tax,
    )
    assert (t.cluster, t.cue) == ("综合", "keywords")
    assert any(w.term == "科技金融" for w in t.why.terms)


def test_uncertain_message_names_the_sidecar_line():
    from huikan.classify import uncertain_message

    msg = uncertain_message("某文章", "新材料", "综合")
    assert "集群不确定：新材料 / 综合" in msg
    assert "articles: {某文章: {cluster: 新材料}}" in msg
    # a title YAML would misread is quoted
    assert 'articles: {"标题: 副题": {cluster: 新材料}}' in uncertain_message(
        "标题: 副题", "新材料", "综合"
    )


# -- site.yml extends or replaces a cluster's vocabulary ---------------------------------------


def _site(tmp_path, clusters: str):
    p = tmp_path / "site.yml"
    p.write_text("title: t\nclusters:\n" + clusters, encoding="utf-8")
    return load_config(p).taxonomy


def test_site_keywords_extend_the_builtin_vocabulary(tmp_path):
    tax = _site(
        tmp_path,
        "  - {name: 新能源, slug: energy, keywords: [某某新品]}\n"
        "  - {name: 数字经济, slug: digital}\n",
    )
    t = classify("某某新品发布", "某某新品上市。", tax)
    assert t.cluster == "新能源"
    assert classify("光伏", "光伏装机。", tax).cluster == "新能源"  # built-in words still count


def test_site_vocabulary_replace(tmp_path):
    tax = _site(
        tmp_path,
        "  - {name: 新能源, slug: energy, vocabulary: replace, keywords: [某某新品]}\n"
        "  - {name: 数字经济, slug: digital}\n",
    )
    assert classify("某某新品发布", "某某新品上市。", tax).cluster == "新能源"
    assert "新能源" not in keyword_scores_of(tax, "光伏", "光伏装机。")


def keyword_scores_of(tax, title, text):
    from huikan.classify import keyword_scores

    return keyword_scores(title, text, tax)


def test_site_vocabulary_mode_is_checked(tmp_path):
    from huikan.config import ConfigError, config_problems

    p = tmp_path / "site.yml"
    p.write_text("clusters:\n  - {name: 新能源, slug: energy, vocabulary: merge}\n", "utf-8")
    problems = [e.reason for e in config_problems(p)]
    assert any("vocabulary 应是 extend 或 replace" in r for r in problems)
    with pytest.raises(ConfigError):
        load_config(p)


def test_a_cluster_the_builtin_data_does_not_know(tmp_path):
    tax = _site(tmp_path, "  - {name: 文旅, slug: culture, keywords: [景区, 文旅融合]}\n")
    assert classify("景区游客增长", "景区接待游客。", tax).cluster == "文旅"


_SCORES = """
import json, sys
from pathlib import Path
from huikan.classify import keyword_scores
from huikan.config import load_config
root = Path(sys.argv[1])
tax = load_config(root / "site.yml").taxonomy
out = []
for f in sorted((root / "tests" / "corpus" / "seeds").glob("*.txt"))[:3]:
    for para in f.read_text("utf-8").split("\\n\\n")[:40]:
        out.append({c: repr(s) for c, s in sorted(keyword_scores(para[:30], para, tax).items())})
print(json.dumps(out))
"""


def test_scores_are_the_same_in_every_process():
    """A cluster's score sums its terms' values; summed in the order of a set of strings,
    the last bits changed with the process's hash seed (most articles' scores differed
    between two runs). Two processes with different seeds give the same floats."""
    import os
    import subprocess
    import sys

    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-c", _SCORES, str(ROOT)]
        runs.append(subprocess.run(cmd, env=env, capture_output=True, text=True, check=True))
    assert runs[0].stdout == runs[1].stdout
    assert len(runs[0].stdout) > 1000  # scores were computed
