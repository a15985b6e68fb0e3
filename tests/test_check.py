"""``huikan check``: every mistake in site.yml and the sidecars, named by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, make_site_root
from huikan.check import check_site, date_problem, slug_problem
from huikan.cli import main
from huikan.config import config_problems, load_config


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_site_root(tmp_path / "site")


def problems(root: Path, **kw) -> list[str]:
    return [str(p) for p in check_site(root, **kw).problems]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_sample_site_is_clean(root):
    report = check_site(root, deep=True)
    assert report.ok, report.problems
    assert report.bulletins == 5 and report.sidecars == 5
    assert config_problems(REPO / "site.yml") == []


def test_cli_exit_codes_and_messages(root, capsys):
    assert main(["--config", str(root / "site.yml"), "check"]) == 0
    assert "检查通过" in capsys.readouterr().out
    write(
        root / "issues" / "2022-10-chanye-keji-dongtai.yml", "title: 产业科技动态\ndata: 2022-10\n"
    )
    assert main(["--config", str(root / "site.yml"), "check"]) == 1
    err = capsys.readouterr().err
    assert "issues/2022-10-chanye-keji-dongtai.yml:2: 未知的键 “data”" in err
    assert "检查未通过" in err and "1 个问题" in err


# -- sidecars --------------------------------------------------------------------------------
SIDECAR = "issues/2023-12-lianmeng-xiefawang.yml"


def test_every_mistake_in_a_sidecar_is_reported_with_its_line(root):
    write(
        root / SIDECAR,
        """\
title: 产业技术创新战略联盟动态
date: 2023-13
colour: red
split: [甲, {乙: 1}]
articles:
  木竹联盟组织召开联盟专家委员会2023年度第二次会议:
    cluster: 新材料
  另一篇文章:
    cluster: 新材科
    slug: ../../etc
  第三篇文章:
    drop: yes please
    titel: 改名
""",
    )
    found = problems(root)
    assert found == [
        f"{SIDECAR}:2: 日期 “2023-13” 不对：没有这一天或这个月",
        f"{SIDECAR}:3: 未知的键 “colour”（可用：articles、date、drop、merge、number、publisher、slug、split、title）",
        f"{SIDECAR}:4: split 应是一组文字（YAML 列表）",
        f"{SIDECAR}:9: 未知的产业集群 “新材科”（site.yml 中有：工程机械与智能装备、新能源、新材料、数字经济、集成电路与ICT、医药健康、安全应急、精品钢材、高端纺织、食品及农副产品加工、节能环保、综合）",
        f"{SIDECAR}:10: slug “../../etc” 不合法：不能含 /、\\ 或 ..，也不能以 . 开头（网址会跑出所在的文件夹）",
        f"{SIDECAR}:12: drop 应是 true 或 false",
        f"{SIDECAR}:13: 未知的键 “titel”（可用：byline、cluster、column、drop、slug、source、subtitle、title）".replace(
            "未知的键", "文章 “第三篇文章” 下有未知的键"
        ),
    ]


def test_yaml_syntax_errors_and_repeated_keys(root):
    write(root / SIDECAR, "title: 甲\narticles:\n  - [unclosed\n")
    assert problems(root) == [
        f"{SIDECAR}:3: YAML 语法错误：while parsing a flow sequence；"
        "expected ',' or ']', but got '<stream end>'"
    ]
    write(root / SIDECAR, "title: 甲\ndate: 2023-12\ntitle: 乙\n")
    assert problems(root) == [f"{SIDECAR}:3: 键 “title” 重复（第 1 行已有）"]


def test_two_articles_pinned_to_one_slug(root):
    write(
        root / SIDECAR,
        "articles:\n  甲文章:\n    slug: meeting\n  乙文章:\n    slug: Meeting\n",
    )
    assert problems(root) == [
        f"{SIDECAR}:5: 文章 “乙文章” 的 slug “Meeting” 与第 3 行 “甲文章” 的相同"
    ]


def test_two_bulletins_pinned_to_one_slug_and_reserved_slugs(root):
    write(root / "issues" / "2022-10-chanye-keji-dongtai.yml", "slug: chanye\n")
    write(root / "issues" / "2024-06-jingji-keji-zhaibian.yml", "date: 2024-06\nslug: chanye\n")
    write(root / SIDECAR, "slug: archive\n")
    found = problems(root)
    assert len(found) == 3
    assert found[0].startswith(
        "issues/2022-10-chanye-keji-dongtai.yml:1: 2 期简报的网址都是 “chanye/”"
    )
    assert found[1].startswith(f"{SIDECAR}:1: slug “archive” 是网站自用的名字")
    assert found[2].startswith(
        "issues/2024-06-jingji-keji-zhaibian.yml:2: 2 期简报的网址都是 “chanye/”"
    )
    # a pinned slug equal to another bulletin's file name collides too
    (root / "issues" / "2024-04-keji-cankao-xinxing.yml").unlink()  # URL from the file name
    write(
        root / "issues" / "2024-06-jingji-keji-zhaibian.yml", "slug: 2024-04-keji-cankao-xinxing\n"
    )
    write(root / "issues" / "2022-10-chanye-keji-dongtai.yml", "title: 产业科技动态\n")
    write(root / SIDECAR, "")
    found = problems(root)
    assert found == [
        "issues/2024-04-keji-cankao-xinxing.pdf: 2 期简报的网址都是 “2024-04-keji-cankao-xinxing/”"
        "（issues/2024-04-keji-cankao-xinxing.pdf、issues/2024-06-jingji-keji-zhaibian.pdf）；"
        "请在旁注文件中用 slug 给每期指定不同的网址",
        "issues/2024-06-jingji-keji-zhaibian.yml:1: 2 期简报的网址都是 “2024-04-keji-cankao-xinxing/”"
        "（issues/2024-04-keji-cankao-xinxing.pdf、issues/2024-06-jingji-keji-zhaibian.pdf）；"
        "请在旁注文件中用 slug 给每期指定不同的网址",
    ]


def test_unsafe_slugs_are_refused():
    for bad in ("../x", "/etc/passwd", "a/b", ".hidden", "a\\b", "x" * 81, "a b"):
        assert slug_problem(bad), bad
    for good in ("2024-04", "科技参考-第8期", "ai.chips", "A_B"):
        assert slug_problem(good) is None, good


def test_dates():
    for good in ("2024", "2024-04", "2024-02-29"):
        assert date_problem(good) is None
    for bad in ("2024-4", "2023-02-29", "2024年4月", "1850", "24-04", "2024-04-01T00:00"):
        assert date_problem(bad), bad


def test_orphan_and_shadowed_sidecars(root):
    write(root / "issues" / "2024-04-keji-canka-xinxing.yml", "date: 2024-04\n")  # typo
    write(root / "issues" / "2022-10-chanye-keji-dongtai.yaml", "date: 2022-11\n")
    found = problems(root)
    assert found == [
        "issues/2022-10-chanye-keji-dongtai.yaml: 同一期简报已有 2022-10-chanye-keji-dongtai.yml，"
        "这个 .yaml 文件会被忽略",
        "issues/2024-04-keji-canka-xinxing.yml: 没有同名的简报文件（.pdf、.txt 或 .md），"
        "这个旁注文件不会生效；文件名是否拼错？",
    ]


def test_list_form_of_articles_is_accepted(root):
    write(
        root / SIDECAR, "articles:\n  - title: 甲文章\n    cluster: 新能源\n  - cluster: 新能源\n"
    )
    assert problems(root) == [f"{SIDECAR}:4: articles 列表的每一项都需要 title"]


def test_deep_check_finds_corrections_that_match_no_article(root):
    write(
        root / SIDECAR,
        "articles:\n"
        "  木竹联盟组织召开联盟专家委员会2023年度第二次会议:\n    cluster: 新材料\n"
        "  木竹联盟组织召开专家委员会会议:\n    cluster: 新材料\n"
        "  某篇不存在但要删掉的文章:\n    drop: true\n",
    )
    assert problems(root) == []  # a plain check cannot know the titles
    found = problems(root, deep=True)
    assert found == [
        f"{SIDECAR}:4: 没有标题为 “木竹联盟组织召开专家委员会会议” 的文章，这一项修改不会生效"
        "（可用 huikan ingest issues/2023-12-lianmeng-xiefawang.txt 查看拆分出的标题）"
    ]


def test_whatever_load_sidecar_refuses_check_refuses(root):
    """The build's loader is the last word: check runs it on every clean-looking sidecar."""
    from huikan.config import ConfigError
    from huikan.ingest.sidecar import load_sidecar

    samples = [
        "slug: a/b\n",
        "date: 2024-4\n",
        "articles: [1, 2]\n",
        "articles:\n  甲: 1\n",
        "split: {a: 1}\n",
        "- just\n- a list\n",
        "articles:\n  甲:\n    drop: 1\n",
    ]
    config = load_config(REPO / "site.yml")
    for text in samples:
        write(root / SIDECAR, text)
        with pytest.raises(ConfigError):
            load_sidecar(root / SIDECAR, config.taxonomy)
        assert problems(root), text


# -- site.yml --------------------------------------------------------------------------------
def site_yml(root: Path, text: str) -> list[str]:
    write(root / "site.yml", text)
    return [str(p) for p in check_site(root).problems]


def test_site_yml_mistakes(root):
    found = site_yml(
        root,
        """\
title: 汇刊
base_url: example.org/huikan
per_page: many
theme: dark
search:
  user_dict: 新质生产力
  stopwords: [的]
clusters:
  - name: 新能源
    slug: new-energy
    alias: [光伏]
  - name: 新材料
    slug: new-energy
  - slug: orphan
  - name: 新能源
    slug: energy-2
  - name: 数字经济
    slug: Digital Economy
    aliases: [新材料]
""",
    )
    assert found == [
        "site.yml:2: base_url “example.org/huikan” 不合法：应是 / 开头的路径（如 /huikan/）或完整网址（如 https://example.org/huikan/）",
        "site.yml:3: per_page 应是正整数",
        "site.yml:4: 未知的键 “theme”（可用：base_url、clusters、description、language、per_page、search、templates、title）",
        "site.yml:6: search.user_dict 应是一组文字（YAML 列表）",
        "site.yml:7: search 下有未知的键 “stopwords”（可用：user_dict）",
        "site.yml:11: clusters 第 1 项有未知的键 “alias”（可用：aliases、keywords、name、slug、vocabulary）",
        "site.yml:13: 产业集群 “新材料”的 slug “new-energy” 与第 10 行重复",
        "site.yml:14: clusters 第 3 项缺少 name",
        "site.yml:15: 产业集群名称 “新能源” 重复：第 9 行的 “新能源” 已用了它",
        "site.yml:18: 产业集群 “数字经济”的 slug “Digital Economy” 不合法：只能用小写字母、数字和 -",
        "site.yml:19: 名称 “新材料” 重复：第 12 行的 “新材料” 已用了它",
    ]


def test_site_yml_cluster_without_slug_and_bad_urls(root):
    found = site_yml(root, "base_url: https://x.org/a?b=1\nclusters:\n  - name: 新能源\n")
    assert found == [
        "site.yml:1: base_url “https://x.org/a?b=1” 不合法：不能含 ? 或 #",
        "site.yml:3: 产业集群 “新能源”缺少 slug（网址中的英文名）",
    ]
    assert site_yml(root, "base_url: ftp://x.org/\n") == [
        "site.yml:1: base_url “ftp://x.org/” 不合法：完整网址应以 http:// 或 https:// 开头并含域名"
    ]
    for ok in ("/", "/huikan/", "https://example.org/pr-42/", "http://localhost:8000/"):
        assert site_yml(root, f"base_url: {ok}\n") == [], ok


def test_bad_site_yml_skips_cluster_checks_but_still_checks_sidecars(root):
    write(root / SIDECAR, "dat: 2023-12\n")
    found = site_yml(root, "clusters: 新能源\n")
    assert found == [
        "issues/2023-12-lianmeng-xiefawang.yml:1: 未知的键 “dat”（可用：articles、date、drop、merge、number、publisher、slug、split、title）",
        "site.yml:1: clusters 应是一个列表，每项含 name 和 slug",
    ]


def test_missing_issues_folder(tmp_path):
    shutil.copy(REPO / "site.yml", tmp_path / "site.yml")
    report = check_site(tmp_path)
    assert not report.ok and "找不到简报文件夹" in report.problems[0].message
