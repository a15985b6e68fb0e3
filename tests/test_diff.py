"""``huikan diff``: two real builds of the sample archive, compared as a PR preview would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, build
from huikan.cli import main
from huikan.config import load_config
from huikan.diff import DiffError, compare, diff_builds, load_build, md, render_markdown
from huikan.ingest import ingest_file
from huikan.site.linkcheck import check_site

PREVIEW = "https://example.github.io/huikan/pr-7/"
SEED = REPO / "tests" / "corpus" / "seeds" / "000_16d7673c136be7b7.txt"
NEW_NAME = "2025-01-keji-cankao-xinxing"
MUZHU = "木竹联盟组织召开联盟专家委员会2023年度第二次会议"
LIANMENG_YML = """\
title: 产业技术创新战略联盟动态
publisher: 产业技术创新战略联盟协同发展网
date: 2023-12
articles:
  木竹联盟组织召开联盟专家委员会2023年度第二次会议:
    cluster: 新材料
  # The sidecar's other lines, unchanged (they settle uncertain cluster tags); quoted so that
  # the retitling test below replaces only the line above.
  李新男秘书长应邀出席半导体照明联盟2023年理事会并讲话: {cluster: "综合"}
  再生资源联盟主办2023年中俄“先进材料与技术”国际学术会议: {cluster: "新材料"}
  电动汽车联盟承办2023无锡智能网联汽车生态大会: {cluster: "集成电路与ICT"}
"""


@pytest.fixture(scope="module")
def pr_builds(tmp_path_factory, built_site):
    """The sample archive built twice at the preview URL: before, and after a PR that adds
    one bulletin (a copy of a corpus seed under a new name and date) and changes one
    sidecar (an article's cluster 综合 → 新材料)."""
    tmp = tmp_path_factory.mktemp("pr")
    root = tmp / "site"
    shutil.copytree(built_site.root / "issues", root / "issues")
    shutil.copy(built_site.root / "site.yml", root / "site.yml")
    shutil.copytree(built_site.root / ".huikan-cache", root / ".huikan-cache")
    old = tmp / "old"
    build(root, out=old, base_url=PREVIEW)

    added = root / "issues" / f"{NEW_NAME}.txt"
    shutil.copy(SEED, added)
    (root / "issues" / f"{NEW_NAME}.yml").write_text(
        "date: 2025-01\nnumber: 第9期（总第40期）\n", encoding="utf-8"
    )
    sidecar = root / "issues" / "2023-12-lianmeng-xiefawang.yml"
    assert "cluster: 综合" in sidecar.read_text("utf-8")
    sidecar.write_text(LIANMENG_YML, encoding="utf-8")
    new = tmp / "new"
    build(root, out=new, base_url=PREVIEW)
    expected_titles = [a.title for a in ingest_file(added, load_config(root / "site.yml")).articles]
    return old, new, expected_titles


def test_diff_reports_exactly_the_added_bulletin_and_the_changed_cluster(pr_builds):
    old, new, titles = pr_builds
    d = diff_builds(old, new)
    b, a = d["bulletins"], d["articles"]
    assert [x["slug"] for x in b["added"]] == [NEW_NAME]
    assert b["added"][0]["date"] == "2025-01" and b["added"][0]["articles"] == len(titles)
    assert b["removed"] == [] and b["changed"] == []
    # added articles: exactly the new bulletin's, by title, in reading order
    assert [x["title"] for x in a["added"]] == titles and len(titles) == 10
    assert {x["bulletin"] for x in a["added"]} == {NEW_NAME}
    assert a["removed"] == []
    # one changed article: the cluster the sidecar changed, nothing else
    assert len(a["changed"]) == 1
    ch = a["changed"][0]
    assert ch["title"] == MUZHU and ch["cluster"] == "新材料"
    assert ch["changes"] == {"cluster": ["综合", "新材料"]}
    assert d["old"]["articles"] + 10 == d["new"]["articles"]
    assert not d["identical"] and d["errors"] == []
    # pages: the new bulletin's page and its articles appear; the old article page changed
    added_paths = {p["path"] for p in d["pages"]["added"]}
    assert f"{NEW_NAME}/index.html" in added_paths
    assert sum(p["kind"] == "article" for p in d["pages"]["added"]) == 10
    changed = {p["path"] for p in d["pages"]["changed"]}
    assert "index.html" in changed and f"{ch['url']}index.html" in changed
    assert d["pages"]["removed"] == []  # the search index's files are not listed
    # warnings are only those of the touched bulletins
    assert {w["bulletin"] for w in d["warnings"]} <= {NEW_NAME, "2023-12-lianmeng-xiefawang"}


def test_markdown_report_lists_titles_and_cluster_old_to_new(pr_builds):
    old, new, titles = pr_builds
    text = render_markdown(diff_builds(old, new), preview_url=PREVIEW)
    assert "新增 1 期" in text and "新增 10 篇" in text and "修改 1 篇" in text
    for t in titles:
        assert md(t) in text
    assert "产业集群：综合 → 新材料" in text
    assert "删除" not in text.split("#### 文件")[0]  # nothing removed
    # titles link into the preview, under its sub-path, percent-encoded
    assert f"]({PREVIEW}{NEW_NAME}/)" in text
    assert "](https://example.github.io/huikan/pr-7/2023-12-lianmeng-xiefawang/%E6%9C%A8" in text
    assert "<details>" in text and "</details>" in text
    assert text.count("<details>") == text.count("</details>")


def test_cli_markdown_and_json(pr_builds, capsys):
    old, new, titles = pr_builds
    assert main(["diff", str(old), str(new / "manifest.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == json.loads(json.dumps(diff_builds(old, new)))
    assert [x["title"] for x in data["articles"]["added"]] == titles
    assert data["articles"]["changed"][0]["changes"]["cluster"] == ["综合", "新材料"]
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### 汇刊") and "产业集群：综合 → 新材料" in out


def test_the_report_is_deterministic(pr_builds):
    old, new, _ = pr_builds
    from huikan.diff import to_json

    assert to_json(diff_builds(old, new)) == to_json(diff_builds(old, new))
    assert render_markdown(diff_builds(old, new)) == render_markdown(diff_builds(old, new))


def test_preview_build_has_no_broken_links_under_its_sub_path(pr_builds):
    _, new, _ = pr_builds
    assert check_site(new, PREVIEW) == []
    # and the sub-path really is in the absolute URLs (feeds, sitemap)
    assert "https://example.github.io/huikan/pr-7/" in (new / "sitemap.xml").read_text("utf-8")


def test_same_build_twice_is_identical(built_site):
    d = diff_builds(built_site.out, built_site.out)
    assert d["identical"]
    assert "完全相同" in render_markdown(d)


def test_a_missing_build_is_an_error(tmp_path, capsys):
    with pytest.raises(DiffError):
        load_build(tmp_path / "nothing")
    (tmp_path / "bad.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(DiffError):
        load_build(tmp_path / "bad.json")
    assert main(["diff", str(tmp_path / "nothing"), str(tmp_path / "bad.json")]) == 2
    assert "找不到" in capsys.readouterr().err


def test_an_empty_manifest_stands_for_a_base_that_could_not_be_built(tmp_path, built_site):
    """The PR workflow writes ``{}`` when the base branch cannot build: everything is new."""
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    d = diff_builds(tmp_path, built_site.out)
    assert len(d["bulletins"]["added"]) == 5
    assert len(d["articles"]["added"]) == built_site.report.articles
    assert d["warnings"] == [
        w for w in d["warnings"] if w["new"]
    ]  # every warning of a new bulletin is new


# -- moves, retitles, removals: the sample site rebuilt with sidecar edits ---------------------
def _rebuild(site_root: Path, tmp_path: Path, edit) -> dict:
    old = tmp_path / "old"
    build(site_root, out=old)
    edit(site_root / "issues")
    new = tmp_path / "new"
    build(site_root, out=new)
    return diff_builds(old, new)


def test_a_retitled_article_is_paired_by_its_text(site_root, tmp_path):
    def edit(issues: Path) -> None:
        (issues / "2023-12-lianmeng-xiefawang.yml").write_text(
            LIANMENG_YML.replace("cluster: 新材料", "title: 木竹联盟专家委员会召开年度第二次会议"),
            encoding="utf-8",
        )

    d = _rebuild(site_root, tmp_path, edit)
    a = d["articles"]
    assert a["added"] == [] and a["removed"] == []
    assert len(a["changed"]) == 1
    changes = a["changed"][0]["changes"]
    assert changes["title"] == [MUZHU, "木竹联盟专家委员会召开年度第二次会议"]
    assert changes["url"][0] != changes["url"][1]
    assert "text" not in changes and "cluster" not in changes
    assert f"标题：{MUZHU} → 木竹联盟专家委员会召开年度第二次会议" in render_markdown(d)


def test_a_bulletin_slug_change_is_one_change_not_remove_and_add(site_root, tmp_path):
    def edit(issues: Path) -> None:
        sc = issues / "2022-10-chanye-keji-dongtai.yml"
        sc.write_text(sc.read_text("utf-8") + "slug: chanye-2022-10\n", encoding="utf-8")

    d = _rebuild(site_root, tmp_path, edit)
    b, a = d["bulletins"], d["articles"]
    assert b["added"] == [] and b["removed"] == []
    assert [c["changes"] for c in b["changed"]] == [
        {"slug": ["2022-10-chanye-keji-dongtai", "chanye-2022-10"]}
    ]
    # its 15 articles moved with it: each shown as a URL change only
    assert a["added"] == [] and a["removed"] == []
    assert len(a["changed"]) == 15
    assert all(set(c["changes"]) == {"url"} for c in a["changed"])


def test_removed_bulletin_and_dropped_article(site_root, tmp_path):
    def edit(issues: Path) -> None:
        (issues / "2024-06-jingji-keji-zhaibian.pdf").unlink()
        (issues / "2024-06-jingji-keji-zhaibian.yml").unlink()
        (issues / "2023-12-lianmeng-xiefawang.yml").write_text(
            LIANMENG_YML.replace("cluster: 新材料", "drop: true"), encoding="utf-8"
        )

    d = _rebuild(site_root, tmp_path, edit)
    assert [x["slug"] for x in d["bulletins"]["removed"]] == ["2024-06-jingji-keji-zhaibian"]
    removed = d["articles"]["removed"]
    assert MUZHU in [x["title"] for x in removed]
    assert {x["bulletin"] for x in removed} == {
        "2024-06-jingji-keji-zhaibian",
        "2023-12-lianmeng-xiefawang",
    }
    assert d["articles"]["added"] == []
    lianmeng = [c for c in d["bulletins"]["changed"] if c["slug"] == "2023-12-lianmeng-xiefawang"]
    assert lianmeng and "articles" in lianmeng[0]["changes"]
    text = render_markdown(d)
    assert "删除 1 期" in text and md(MUZHU) in text


# -- report details on small hand-made manifests -----------------------------------------------
def _manifest(articles: list[dict], search: dict | None = None) -> dict:
    pages = [
        {
            "path": f"{a['url']}index.html",
            "url": a["url"],
            "kind": "article",
            "title": a["title"],
            "article_title": a["title"],
            "bulletin": "b",
            "source_file": "b.txt",
            "cluster": a.get("cluster", "综合"),
            "text_sha256": a.get("text", "t-" + a["url"]),
            "sha256": a.get("sha", "s-" + a["url"]),
            "size": 1,
        }
        for a in articles
    ]
    bulletin = {"slug": "b", "url": "b/", "title": "简报", "source_file": "b.txt"}
    return {"bulletins": [bulletin], "pages": pages, "search": search}


def _write(tmp_path: Path, name: str, m: dict) -> Path:
    p = tmp_path / f"{name}.json"
    p.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return p


def test_markdown_escapes_titles_and_caps_long_lists(tmp_path):
    many = [{"url": f"b/a{i:03d}/", "title": f"标题 {i} | *粗* <b>"} for i in range(130)]
    old = _write(tmp_path, "old", _manifest([]))
    new = _write(tmp_path, "new", _manifest(many))
    text = render_markdown(diff_builds(old, new))
    assert "标题 0 \\| \\*粗\\* \\<b\\>" in text and "<b>" not in text
    assert "新增 130 篇" in text and "另有 30 项未列出" in text
    assert "<details>\n<summary>新增 130 篇</summary>" in text  # a long list is collapsed


def test_text_change_and_search_size(tmp_path):
    stats_old = {
        f"{k}_{u}": 1000 for k in ("index", "store", "manifest") for u in ("bytes", "gzip")
    }
    stats_new = dict(stats_old, index_bytes=3048, index_gzip=1512)
    old = _write(tmp_path, "old", _manifest([{"url": "b/x/", "title": "甲"}], stats_old))
    new = _write(
        tmp_path,
        "new",
        _manifest([{"url": "b/x/", "title": "甲", "text": "changed", "sha": "s2"}], stats_new),
    )
    d = compare(load_build(old), load_build(new))
    assert d["articles"]["changed"][0]["changes"] == {"text": True}
    assert d["search"]["old"]["raw"] == 3000 and d["search"]["new"]["raw"] == 5048
    assert d["search"]["old"]["gzip"] == 3000 and d["search"]["new"]["gzip"] == 3512
    text = render_markdown(d)
    assert "正文有改动" in text
    assert "+2.0 KB（+68.3%）" in text and "+0.5 KB（+17.1%）" in text


def test_a_scanned_bulletin_carries_the_ocr_notice(tmp_path):
    old = _manifest([{"url": "b/x/", "title": "甲"}])
    new = _manifest([{"url": "b/x/", "title": "甲"}, {"url": "b/y/", "title": "乙"}])
    new["bulletins"][0].update(source_file="b.pdf", page_count=4, ocr_pages=[2, 3, 4])
    d = compare(load_build(_write(tmp_path, "old", old)), load_build(_write(tmp_path, "new", new)))
    assert d["ocr"] == [
        {
            "bulletin": "b",
            "bulletin_title": "简报",
            "source_file": "b.pdf",
            "pages": [2, 3, 4],
            "page_count": 4,
        }
    ]
    text = render_markdown(d)
    assert "#### 经 OCR 识别" in text and "第 2–4 页是扫描件，文字由OCR识别，请对照原件核对" in text
    plain = _manifest([{"url": "b/x/", "title": "甲"}, {"url": "b/y/", "title": "乙"}])
    d = compare(load_build(_write(tmp_path, "old", old)), load_build(_write(tmp_path, "p", plain)))
    assert d["ocr"] == [] and "经 OCR 识别" not in render_markdown(d)


def test_a_format_1_base_with_listed_search_files_is_compared_by_pages(tmp_path):
    """Manifests before format 2 listed every search index file: comparing one with a newer
    build neither reports those as removed nor loses the index size (read off them)."""
    arts = [{"url": "b/x/", "title": "甲"}]
    v1 = _manifest(arts)
    v1["pages"] += [
        {"path": f"search/i/0/{k}.json", "url": f"search/i/0/{k}.json", "kind": "search-index",
         "title": f"{k}.json", "sha256": f"s{k}", "size": 100}
        for k in range(3)
    ]  # fmt: skip
    d = diff_builds(_write(tmp_path, "old", v1), _write(tmp_path, "new", _manifest(arts)))
    assert d["pages"]["removed"] == [] and d["pages"]["by_kind"] == {}
    assert d["search"]["old"]["raw"] == 300
