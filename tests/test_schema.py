"""One schema (huikan.schema) for site.yml and the sidecars: every rule gives the same
file:line through ``huikan check`` and through the build's loaders, and random YAML never
makes a loader raise anything but ConfigError."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from huikan.check import check_site
from huikan.collect import BuildError, check_sidecars
from huikan.config import ConfigError, load_config, parse_config
from huikan.ingest.sidecar import load_sidecar, parse_sidecar
from huikan.schema import ARTICLE, SIDECAR, SITE

TAXONOMY = load_config(REPO / "site.yml").taxonomy

# (sidecar text, line, words the message must contain) — one per rule of the schema
SIDECAR_RULES = [
    ("titel: 某刊\n", 1, ["未知的键 “titel”", "可用：articles、date"]),
    ("title: 甲\ntitle: 乙\n", 2, ["重复"]),
    ("title: [甲, 乙]\n", 1, ["title 应是一段文字"]),
    ("number: {a: 1}\n", 1, ["number 应是一段文字"]),
    ("date: 2024-02-31\n", 1, ["2024-02-31", "没有这一天"]),
    ("date: 2024-13\n", 1, ["没有这一天或这个月"]),
    ("date: 2024年4月\n", 1, ["YYYY-MM"]),
    ("date: 1850\n", 1, ["1900"]),
    ("slug: ../x\n", 1, ["slug “../x” 不合法", "不能含 /"]),
    ("split: {a: 1}\n", 1, ["split 应是一组文字"]),
    ("merge: [[甲]]\n", 1, ["merge 应是一组文字"]),
    ("articles: 甲\n", 1, ["articles 应是"]),
    ("articles:\n  - cluster: 新能源\n", 2, ["每一项都需要 title"]),
    ("articles:\n  甲: 1\n", 2, ["修改项应是键值映射"]),
    ("date: 2024-04\n\narticles:\n  甲:\n    slug: a/b\n", 5, ["slug “a/b” 不合法"]),
    ("articles:\n  甲:\n    cluster: 元宇宙\n", 3, ["未知的产业集群 “元宇宙”", "新能源"]),
    ("articles:\n  甲:\n    drop: 1\n", 3, ["drop 应是 true 或 false"]),
    ("articles:\n  甲:\n    dorp: true\n", 3, ["未知的键 “dorp”", "drop"]),
    ("articles:\n  甲:\n    title: [x]\n", 3, ["title 应是一段文字"]),
    ("- a\n- b\n", 1, ["顶层应是键值映射"]),
    ("date: [2024\n", 1, ["YAML 语法错误"]),
]

SITE_RULES = [
    ("theme: dark\n", 1, ["未知的键 “theme”", "可用：base_url"]),
    ("title:\n", 1, ["title 不能为空"]),
    ("title: [a]\n", 1, ["title 应是一段文字"]),
    ("per_page: 0\n", 1, ["per_page 应是正整数"]),
    ("base_url: example.org\n", 1, ["base_url “example.org” 不合法"]),
    ("templates: nope\n", 1, ["templates 指定的文件夹 “nope” 不存在"]),
    ("search: 1\n", 1, ["search 应是键值映射"]),
    ("search:\n  stopwords: [a]\n", 2, ["未知的键 “stopwords”", "user_dict"]),
    ("search:\n  user_dict: a\n", 2, ["search.user_dict 应是一组文字"]),
    ("clusters: 新能源\n", 1, ["clusters 应是一个列表"]),
    ("clusters:\n  - slug: x\n", 2, ["缺少 name"]),
    ("clusters:\n  - name: 甲\n", 2, ["缺少 slug"]),
    ("clusters:\n  - name: 甲\n    slug: A B\n", 3, ["slug “A B” 不合法", "小写字母"]),
    ("clusters:\n  - name: 甲\n    slug: a\n    vocabulary: all\n", 4, ["extend 或 replace"]),
    ("clusters:\n  - name: 甲\n    slug: a\n    alias: [b]\n", 4, ["未知的键 “alias”"]),
    ("clusters:\n  - name: 甲\n    slug: a\n  - name: 乙\n    slug: a\n", 5, ["重复"]),
    ("clusters:\n  - name: 甲\n    slug: a\n  - name: 甲\n    slug: b\n", 4, ["重复"]),
]


def _site(tmp_path: Path, sidecar: str | None = None) -> Path:
    (tmp_path / "issues").mkdir()
    (tmp_path / "site.yml").write_bytes((REPO / "site.yml").read_bytes())
    (tmp_path / "issues" / "2024-04-x.txt").write_text("甲\n\n正文。\n", encoding="utf-8")
    if sidecar is not None:
        (tmp_path / "issues" / "2024-04-x.yml").write_text(sidecar, encoding="utf-8")
    return tmp_path


def test_every_key_of_the_schema_has_a_rule_or_a_help():
    for table in (SITE, SIDECAR, ARTICLE):
        for name, key in table.items():
            assert key.help, name


@pytest.mark.parametrize(("text", "line", "words"), SIDECAR_RULES)
def test_sidecar_rule_through_check_and_build(tmp_path, text, line, words):
    root = _site(tmp_path, text)
    found = [p for p in check_site(root).problems if p.file == "issues/2024-04-x.yml"]
    assert found and found[0].line == line, found
    for w in words:
        assert any(w in p.message for p in found), (w, found)
    # the build's loader: the same first problem, at the same line
    with pytest.raises(ConfigError) as e:
        load_sidecar(root / "issues" / "2024-04-x.yml", TAXONOMY)
    assert (e.value.line, e.value.problems[0].reason) == (line, found[0].message)
    with pytest.raises(BuildError) as b:
        check_sidecars([root / "issues" / "2024-04-x.txt"], load_config(root / "site.yml"), root)
    assert f"issues/2024-04-x.yml:{line}: {found[0].message}" in str(b.value)


@pytest.mark.parametrize(("text", "line", "words"), SITE_RULES)
def test_site_yml_rule_through_check_and_build(tmp_path, text, line, words):
    root = _site(tmp_path)
    (root / "site.yml").write_text(text, encoding="utf-8")
    found = [p for p in check_site(root).problems if p.file == "site.yml"]
    assert found and found[0].line == line, found
    for w in words:
        assert any(w in p.message for p in found), (w, found)
    with pytest.raises(ConfigError) as e:
        load_config(root / "site.yml")
    assert e.value.line == line and e.value.problems[0].reason == found[0].message


def test_a_valid_sidecar_loads_with_the_values_it_says(tmp_path):
    p = tmp_path / "x.yml"
    p.write_text(
        "title: 科技参考\nnumber: 8\ndate: 2024-04-01\nslug: keji-8\nsplit: 甲\n"
        "articles:\n  某篇:\n    cluster: 新能源\n    drop: false\n",
        encoding="utf-8",
    )
    sc = load_sidecar(p, TAXONOMY)
    assert sc.meta == {"title": "科技参考", "number": "8", "date": "2024-04-01", "slug": "keji-8"}
    assert sc.split == ["甲"] and sc.articles == {"某篇": {"cluster": "新能源", "drop": False}}


# -- random YAML: a ConfigError or a value, never anything else ---------------------------------
_keys = st.sampled_from(
    [*SITE, *SIDECAR, *ARTICLE, "name", "slug", "aliases", "user_dict", "x", "某篇"]
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2024-02-31", "2024-04", "/", "../x", "新能源", "yes", "~", "2024-04-01"]),
    st.dates().map(str),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=20,
)
_docs = st.one_of(
    st.dictionaries(_keys, _values, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    ),
    st.text(alphabet=string.printable + "：，【】新能源-[]{}:&*!|>'\"%@`", max_size=80),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_docs)
def test_random_yaml_never_raises_anything_but_config_error(tmp_path, text):
    p = tmp_path / "random.yml"
    p.write_text(text, encoding="utf-8")
    for load in (lambda: load_config(p), lambda: load_sidecar(p, TAXONOMY)):
        try:
            load()
        except ConfigError as e:
            assert e.reason and e.problems
    config, errors = parse_config(p)
    assert (config is None) == bool(errors)
    parse_sidecar(p, TAXONOMY)


def test_a_build_lists_every_site_yml_mistake(tmp_path, capsys):
    from huikan.cli import main

    root = _site(tmp_path)
    (root / "site.yml").write_text("theme: dark\nper_page: 0\n", encoding="utf-8")
    assert main(["--config", str(root / "site.yml"), "build"]) == 1
    err = capsys.readouterr().err
    assert "site.yml:1: 未知的键 “theme”" in err and "site.yml:2: per_page 应是正整数" in err
    assert not (root / "build").exists()
