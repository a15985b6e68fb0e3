"""The slim results snapshot (huikan.snapshot): a rebuild reads no article body it does not
render, and gives the same site as a build from the full results."""

from __future__ import annotations

import json

from conftest import build
from huikan.cache import IngestCache
from huikan.model import Article, BulletinMeta, IngestResult, Region
from huikan.site.markup import excerpt
from huikan.snapshot import (
    DIR,
    OLD_FILE,
    ResultSnapshot,
    lead_of,
    shard_of,
    slim,
    text_sha256,
    unslim,
)
from test_search_step import _add_bulletin, _assert_equals_a_full_build


def _result() -> IngestResult:
    body = "集成电路产业" * 400  # longer than a lead
    return IngestResult(
        bulletin=BulletinMeta(title="科技参考", date="2024-04"),
        articles=[Article(title="一", text=body, markdown="**" + body + "**", byline="甲")],
        regions=[Region(kind="body", page=1, bbox=[0, 0, 1, 1])],
        sha256="ab",
    )


def test_a_slim_result_keeps_all_but_bodies_and_regions():
    full = _result()
    res, bodies = unslim(slim(full))
    assert res.bulletin == full.bulletin and res.sha256 == "ab" and res.regions == []
    assert [(a.title, a.byline, a.text, a.markdown) for a in res.articles] == [("一", "甲", "", "")]
    assert bodies[0].lead == lead_of(full.articles[0].text) and len(bodies[0].lead) == 201
    for limit in (90, 120, 200):  # every excerpt the site shows, from the lead alone
        assert excerpt(bodies[0].lead, limit) == excerpt(full.articles[0].text, limit)
    assert bodies[0].text_sha256 == text_sha256(full.articles[0].text)


def test_the_snapshot_is_written_only_when_its_keys_change(tmp_path):
    snap = ResultSnapshot(tmp_path)
    snap.save({"k1": _result()})
    again = ResultSnapshot(tmp_path)
    assert again.take("k1") is not None and again.take("k2") is None
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / DIR).iterdir()}
    again.save({"k1": again.entries["k1"]})
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / DIR).iterdir()} == stamps
    again.save({"k2": _result()})
    assert set(ResultSnapshot(tmp_path).entries) == {"k2"}


def test_a_new_key_rewrites_only_its_shard(tmp_path):
    keys = [f"{i:064x}" for i in range(40)]
    ResultSnapshot(tmp_path).save({k: _result() for k in keys})
    shards = tmp_path / DIR
    stamps = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    assert len(stamps) == 16  # forty keys over sixteen shards
    snap = ResultSnapshot(tmp_path)
    new = "f" * 64
    snap.save({**{k: snap.entries[k] for k in keys}, new: _result()})
    after = {p.name: p.stat().st_mtime_ns for p in shards.iterdir()}
    assert [n for n in after if after[n] != stamps[n]] == [shard_of(new)]
    assert set(ResultSnapshot(tmp_path).entries) == {*keys, new}


def test_a_damaged_snapshot_is_ignored(tmp_path):
    ResultSnapshot(tmp_path).save({"k1": _result(), "k2": _result()})
    (tmp_path / DIR / shard_of("k1")).write_bytes(b"\x00not marshal")
    assert "k1" not in ResultSnapshot(tmp_path).entries


def test_the_one_file_snapshot_of_earlier_versions_is_removed(tmp_path):
    (tmp_path / OLD_FILE).write_bytes(b"old")
    ResultSnapshot(tmp_path).save({"k1": _result()})
    assert not (tmp_path / OLD_FILE).exists()


def _article_pages(out) -> dict[str, tuple[str, int]]:
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return {
        p["path"]: (p["bulletin"], (out / p["path"]).stat().st_ino)
        for p in manifest["pages"]
        if p["kind"] == "article"
    }


def test_a_rebuild_loads_only_the_bodies_of_pages_it_renders(site_root, tmp_path, monkeypatch):
    build(site_root)
    out = site_root / "build"
    before = _article_pages(out)
    loaded: list[str] = []
    real = IngestCache.get
    monkeypatch.setattr(IngestCache, "get", lambda self, k: loaded.append(k) or real(self, k))
    _add_bulletin(site_root, "2099-03")  # the newest issue
    build(site_root)
    after = _article_pages(out)
    rewritten = {b for path, (b, ino) in after.items() if before.get(path, (b, ino))[1] != ino}
    new = {b for path, (b, _) in after.items() if path not in before}
    # the new bulletin is a miss (looked up, then ingested); of the others, exactly those
    # with an article page rendered again (a related link to the new issue) are loaded
    assert len(set(loaded)) == 1 + len(rewritten) and len(new) == 1
    assert len(rewritten) < len({b for b, _ in before.values()})
    _assert_equals_a_full_build(site_root, tmp_path)


def test_an_unreadable_snapshot_entry_is_taken_from_the_cache(site_root, tmp_path, monkeypatch):
    """An entry that cannot be thawed (here: every other one) is read from the ingest cache
    instead; the site is the full build's."""
    build(site_root)
    real = ResultSnapshot.take
    calls = {"n": 0}

    def flaky(self, key):
        calls["n"] += 1
        return None if calls["n"] % 2 else real(self, key)

    monkeypatch.setattr(ResultSnapshot, "take", flaky)
    _add_bulletin(site_root, "2099-03")
    build(site_root, jobs=2)
    assert calls["n"] > 2
    _assert_equals_a_full_build(site_root, tmp_path)
