"""The build's search stage (huikan.site.search_step): the previous index is reused only when
its inputs are unchanged, and an incremental build equals a full build byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import build
from huikan.config import Cluster
from huikan.model import Article, BulletinMeta, IngestResult
from huikan.search import segment, shard
from huikan.site import search_step
from huikan.site import state as site_state
from huikan.site.model import ArticleEntry, BulletinEntry, SiteModel
from huikan.site.state import FILES_FILE, STATE_FILE
from huikan.snapshot import slim, unslim
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
    """The newest bulletin (2099) re-indexes only the segments at the end whose range
    changes: every earlier segment's files are kept from the previous build; a back issue
    (2024-05) re-indexes the segments from its place on. The site equals one built from
    scratch either way."""
    # several segments of several sizes in the sample archive, several directories
    monkeypatch.setattr(segment, "SEGMENT_DOCS", 8)
    monkeypatch.setattr(segment, "SEGMENT_MIDDLE", 4)
    monkeypatch.setattr(segment, "SEGMENT_UNIT", 2)
    monkeypatch.setattr(shard, "DIRECTORY_SEPARATORS", 2)
    build(site_root)
    search = site_root / "build" / "search"
    before = json.loads((search / "manifest.json").read_text("utf-8"))
    segs = before["segs"]
    assert len(segs) >= 3 and len({e[1] for e in segs}) >= 2
    assert len(before["dirs"].split(" ")) > 2  # several directories
    inodes = {p: p.stat().st_ino for p in (search / "i").rglob("*.json")}
    _add_bulletin(site_root, date)
    build(site_root)
    after = json.loads((search / "manifest.json").read_text("utf-8"))
    kept_segs = _kept_segments(inodes, search)
    same = [
        s for s, e in enumerate(segs) if s < len(after["segs"]) and after["segs"][s][:3] == e[:3]
    ]
    assert kept_segs == set(same)
    if date.startswith("2099"):
        # the newest: every segment whose range the new layout keeps
        old = segment.segment_ranges(before["docs"], 8, 2, 4)
        new = segment.segment_ranges(after["docs"], 8, 2, 4)
        assert set(same) == {s for s, r in enumerate(old) if r in new}
        assert len(same) >= 2
    else:
        assert kept_segs and max(kept_segs) < len(segs) - 1
    _assert_equals_a_full_build(site_root, tmp_path)


def test_a_file_written_again_with_the_same_bytes_is_linked(tmp_path):
    """files.Writer with the previous build's folder: a file of the same name and bytes is
    hard-linked from it (no data written), any other is written; the previous file is
    never changed, and a later write replaces the link instead of writing through it."""
    from huikan.search.files import Writer

    previous = tmp_path / "old"
    (previous / "i" / "1").mkdir(parents=True)
    (previous / "i" / "1" / "d7.json").write_bytes(b'{"docs":[1]}')
    (previous / "i" / "1" / "d8.json").write_bytes(b'{"docs":[2]}')
    writer = Writer(tmp_path / "new", None, previous=previous)
    writer.put("i/1/d7.json", b'{"docs":[1]}')
    writer.put("i/1/d8.json", b'{"docs":[3]}')  # same size, other bytes
    writer.put("i/1/d9.json", b'{"docs":[4]}')
    new = tmp_path / "new" / "i" / "1"
    assert (new / "d7.json").stat().st_ino == (previous / "i" / "1" / "d7.json").stat().st_ino
    assert (new / "d8.json").stat().st_ino != (previous / "i" / "1" / "d8.json").stat().st_ino
    assert (new / "d8.json").read_bytes() == b'{"docs":[3]}'
    assert (previous / "i" / "1" / "d8.json").read_bytes() == b'{"docs":[2]}'
    again = Writer(tmp_path / "new", None)  # the folder exists now: not fresh
    again.put("i/1/d7.json", b'{"docs":[5]}')
    assert (previous / "i" / "1" / "d7.json").read_bytes() == b'{"docs":[1]}'


def _kept_segments(inodes: dict[Path, int], search: Path) -> set[int]:
    """The segments every file of which is the same file (inode) as before. One indexed
    again may link the files whose bytes did not change (files.Writer), not all of them."""
    by_seg: dict[int, list[bool]] = {}
    for p, ino in inodes.items():
        if p.parent.parent != search / "i":
            continue
        same_file = p.exists() and p.stat().st_ino == ino
        by_seg.setdefault(int(p.parent.name), []).append(same_file)
    return {s for s, files in by_seg.items() if all(files)}


def test_search_documents_read_bodies_without_keeping_the_archive_in_memory():
    """search_docs loads each slim bulletin's full result once for its run of articles and
    keeps only the last few: indexing must not end up holding every body of the archive."""
    loads: list[str] = []
    bulletins = []
    for n in range(20):
        full = IngestResult(
            bulletin=BulletinMeta(title=f"简报{n}", date=f"2024-{n % 12 + 1:02d}"),
            articles=[Article(title=f"文{n}-{i}", text=f"正文{n}-{i}" * 50) for i in range(3)],
            sha256=f"{n:02d}",
        )
        result, leads = unslim(slim(full))
        b = BulletinEntry(
            slug=f"b{n}", result=result, source_path=Path(f"b{n}.md"), file_name=f"b{n}.md"
        )
        b.loader = lambda full=full, n=n: loads.append(n) or full
        b.articles = [
            ArticleEntry(b, i, f"a{i}", a, Cluster("综合", "zonghe"), slim=leads[i])
            for i, a in enumerate(result.articles)
        ]
        bulletins.append(b)
    docs = search_step.search_docs(SiteModel(config=None, bulletins=bulletins, clusters=[]))
    assert [d.text() for d in docs] == [f"正文{n}-{i}" * 50 for n in range(20) for i in range(3)]
    assert loads == list(range(20))  # once per bulletin, its articles being together
    assert all(b.loader is not None and not b.result.articles[0].text for b in bulletins)
    assert docs[0].body == "" and docs[0].text() == "正文0-0" * 50 and loads[-1] == 0


def test_kept_segments_are_neither_linked_nor_written(site_root, tmp_path, monkeypatch):
    """A segment whose documents did not change stays where it is in the site: the search
    process only names its files (the output folder is updated in place)."""
    from huikan.search.files import Writer

    monkeypatch.setattr(segment, "SEGMENT_DOCS", 8)
    monkeypatch.setattr(segment, "SEGMENT_UNIT", 8)  # equal segments: only the last changes
    build(site_root)
    search = site_root / "build" / "search"
    segs = json.loads((search / "manifest.json").read_text("utf-8"))["segs"]
    inodes = {p: p.stat().st_ino for p in search.rglob("*.json")}
    _add_bulletin(site_root, "2099-03")

    def no_link(self, rels):
        raise AssertionError(f"linked {rels}")

    monkeypatch.setattr(Writer, "link", no_link)  # the forked search process inherits it
    report = build(site_root)
    kept = {p for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino}
    assert _kept_segments(inodes, search) == set(range(len(segs) - 1))
    assert any(p.name.startswith("d") for p in kept)  # store files of kept segments too
    assert report.written < len(inodes)
    # each segment is one entry of the site's state; none of its files is listed
    recorded = site_state.read_files(search.parent, site_state.read_header(search.parent))
    folders = sorted(r for r in recorded if r.startswith("search/i/"))
    assert folders == [f"search/i/{s}/" for s in range(len(segs))]
    assert sum(recorded[f][3] for f in folders) == len(list(search.glob("i/*/*.json")))
    _assert_equals_a_full_build(site_root, tmp_path)
