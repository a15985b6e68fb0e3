"""The build's search stage (huikan.site.search_step): the previous index is reused only when
its inputs are unchanged, and an incremental build equals a full build byte for byte."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import build
from huikan.search import segment
from huikan.site import search_step
from huikan.site.output import STATE_FILE
from huikan.site.state import FILES_FILE
from test_build import tree

REUSED = "沿用上次构建的索引文件"


def without_state(t: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in t.items() if k not in (STATE_FILE, FILES_FILE)}


def _add_bulletin(site_root, date: str) -> None:
    """A new two-article bulletin dated ``date`` (YYYY-MM) in the site's issues/."""
    year, month = date.split("-")
    para = "氢能重卡示范运营线路开通，加氢站网络与燃料电池系统国产化同步推进。"
    (site_root / "issues" / f"{date}-qingneng.md").write_text(
        f"# 氢能动态\n\n{year} 年 {int(month)} 月\n\n## 氢能重卡示范线开通\n\n{para * 3}\n\n"
        f"## 加氢站建设提速\n\n{para * 2}\n",
        "utf-8",
    )


def _assert_equals_a_full_build(site_root, tmp_path) -> None:
    """The site built incrementally in ``site_root`` equals one built from scratch."""
    fresh_root = tmp_path / "fresh"
    shutil.copytree(site_root / "issues", fresh_root / "issues")
    shutil.copy(site_root / "site.yml", fresh_root / "site.yml")
    build(fresh_root)
    assert without_state(tree(site_root / "build")) == without_state(tree(fresh_root / "build"))


def test_unchanged_rebuild_reuses_the_index_and_equals_a_full_build(site_root, tmp_path):
    first = build(site_root)
    assert not any(REUSED in line for line in first.search_summary)
    (site_root / "build" / "robots.txt").unlink()  # a real build again, same search inputs
    again = build(site_root)
    assert any(REUSED in line for line in again.search_summary)
    assert again.written == 1
    # the summary figures are the same as when the index was built
    assert again.search_summary[:2] == first.search_summary[:2] or (
        again.search_summary[0].split("，")[:3] == first.search_summary[0].split("，")[:3]
    )
    _assert_equals_a_full_build(site_root, tmp_path)


def test_a_changed_article_rebuilds_the_index_and_equals_a_full_build(site_root, tmp_path):
    build(site_root)
    _add_bulletin(site_root, "2025-02")
    report = build(site_root)
    assert not any(REUSED in line for line in report.search_summary)
    _assert_equals_a_full_build(site_root, tmp_path)


def test_the_key_covers_every_document_field(built_site):
    """The key names documents by their articles' idents: any change to what a document is
    made of (body, byline, date, title, cluster, order) changes it."""
    from pathlib import Path

    from huikan.config import load_config
    from huikan.model import Article, BulletinMeta, IngestResult
    from huikan.site.model import build_model

    config = load_config(built_site.root / "site.yml")

    def key(**change) -> str:
        art = {"title": "标题", "text": "正文", "byline": None, "cluster": "综合", **change}
        date = art.pop("date", "2024-01")
        res = IngestResult(bulletin=BulletinMeta(title="b", date=date), articles=[Article(**art)])
        return search_step.search_key(build_model([(Path("b.md"), res)], config, {}), config)

    base = key()
    for name, value in (
        ("text", "正文。"),
        ("byline", "作者"),
        ("date", "2024-02"),
        ("title", "标题二"),
        ("cluster", "集成电路"),
    ):
        assert key(**{name: value}) != base, name
    assert key() == base


def test_nothing_changed_leaves_the_site_alone_and_tells_the_same_report(site_root):
    first = build(site_root)
    before = tree(site_root / "build")
    again = build(site_root)
    assert any("没有任何变化" in n for n in again.notes)
    assert tree(site_root / "build") == before
    assert (again.bulletins, again.articles) == (first.bulletins, first.articles)
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert again.written == 0 and again.unchanged == first.written + first.unchanged
    # a touched template, or a missing file, means a real build again
    (site_root / "build" / "robots.txt").unlink()
    third = build(site_root)
    assert not any("没有任何变化" in n for n in third.notes)
    assert tree(site_root / "build") == before  # the state file too: no timings in it


@pytest.mark.parametrize("date", ["2099-03", "2024-05"])
def test_a_new_bulletin_reindexes_only_its_segments_and_equals_a_full_build(
    site_root, tmp_path, monkeypatch, date
):
    """The newest bulletin (2099) is indexed alone: every earlier segment is hard-linked from
    the previous build; a back issue (2024-05) re-indexes the segments from its place on. The
    site equals one built from scratch either way."""
    monkeypatch.setattr(segment, "SEGMENT_DOCS", 8)  # several segments in the sample archive
    build(site_root)
    search = site_root / "build" / "search"
    segs = json.loads((search / "manifest.json").read_text("utf-8"))["segs"]
    assert len(segs) >= 3
    inodes = {p: p.stat().st_ino for p in (search / "i").rglob("*.json")}
    _add_bulletin(site_root, date)
    build(site_root)
    kept = {p for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino}
    kept_segs = {int(p.relative_to(search / "i").parts[0]) for p in kept}
    if date.startswith("2099"):
        assert kept_segs == set(range(len(segs) - 1))  # all but the last segment
    else:
        assert kept_segs and max(kept_segs) < len(segs) - 1
    _assert_equals_a_full_build(site_root, tmp_path)


def test_kept_segments_are_neither_linked_nor_written(site_root, tmp_path, monkeypatch):
    """A segment whose documents did not change stays where it is in the site: the search
    process only names its files (the output folder is updated in place)."""
    from huikan.search.files import Writer

    monkeypatch.setattr(segment, "SEGMENT_DOCS", 8)
    build(site_root)
    search = site_root / "build" / "search"
    segs = json.loads((search / "manifest.json").read_text("utf-8"))["segs"]
    inodes = {p: p.stat().st_ino for p in search.rglob("*.json")}
    _add_bulletin(site_root, "2099-03")

    def no_link(self, previous, rels):
        raise AssertionError(f"linked {rels}")

    monkeypatch.setattr(Writer, "link", no_link)  # the forked search process inherits it
    report = build(site_root)
    kept = {p for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino}
    kept_segs = {int(p.relative_to(search / "i").parts[0]) for p in kept if "i" in p.parts}
    assert kept_segs == set(range(len(segs) - 1))
    assert any(p.parent.name == "d" for p in kept)  # store files of kept segments too
    assert report.written < len(inodes)
    _assert_equals_a_full_build(site_root, tmp_path)
