"""manifest.json written incrementally (huikan.site.manifest): the entries of unchanged files
are taken from the previous manifest, and the result equals a full build's byte for byte."""

from __future__ import annotations

import json
import re

from conftest import build
from huikan.site import manifest as site_manifest
from huikan.site.keys import page_key
from huikan.site.output import OutputDir
from huikan.site.page import Page
from test_search_step import _add_bulletin, _assert_equals_a_full_build


def test_the_search_index_files_are_counted_not_listed(site_root):
    build(site_root)
    out = site_root / "build"
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert m["format"] == 2
    search = [p["path"] for p in m["pages"] if p["path"].startswith("search/")]
    assert search == ["search/index.html"]  # the search page itself is a page
    on_disk = [f for f in (out / "search").rglob("*") if f.is_file()]
    assert m["search"]["files"] == len(on_disk) - 1 > 10
    listed = {p["path"] for p in m["pages"]}
    assert all(site_manifest.listed(p) == (p in listed) for p in listed)
    assert not site_manifest.listed("search/i/0/3.json") and site_manifest.listed("a/index.html")


def test_dumps_writes_bytes_items_as_they_are():
    m = {"pages": [{"a": 1}, b'{"a":2}'], "x": []}
    assert site_manifest.dumps(m) == site_manifest.dumps({"pages": [{"a": 1}, {"a": 2}], "x": []})


def test_a_keyed_page_key_covers_its_manifest_fields():
    def page(title: str, meta: dict) -> Page:
        return Page("a/index.html", "article", title, {}, "article.html", meta, inputs=["x"])

    base = page_key("salt", page("标题", {"cluster": "综合"}))
    assert page_key("salt", page("标题", {"cluster": "新能源"})) != base
    assert page_key("salt", page("另一个", {"cluster": "综合"})) != base
    # a page whose inputs name its meta (an article's ident) says so: meta is not hashed
    named = page("标题", {"cluster": "综合"})
    named.key_meta = False
    other = page("标题", {"cluster": "新能源"})
    other.key_meta = False
    assert page_key("salt", named) == page_key("salt", other) != base


def _reuses_after_a_new_issue(site_root, monkeypatch, method: str) -> list[bool]:
    """Build, add an issue, build again with ``PreviousLines.<method>`` watched: whether
    each of its calls found the previous line."""
    build(site_root)
    reused: list[bool] = []
    lookup = getattr(site_manifest.PreviousLines, method)

    def spy(self, path, rec):
        line = lookup(self, path, rec)
        reused.append(line is not None)
        return line

    monkeypatch.setattr(site_manifest.PreviousLines, method, spy)
    _add_bulletin(site_root, "2099-01")
    build(site_root)
    return reused


def test_a_rebuild_reuses_unchanged_entries_and_equals_a_full_build(
    site_root, tmp_path, monkeypatch
):
    reused = _reuses_after_a_new_issue(site_root, monkeypatch, "get")
    assert sum(reused) > len(reused) / 2  # most pages did not change
    assert not all(reused)  # the new bulletin's pages, the home page … did
    _assert_equals_a_full_build(site_root, tmp_path)


def test_a_manifest_edited_by_hand_is_not_reused(site_root):
    build(site_root)
    m = site_root / "build" / "manifest.json"
    m.write_bytes(m.read_bytes().replace(b'"kind":"article"', b'"kind":"ARTICLE"'))
    with OutputDir(site_root / "build") as out:
        code = out.prev_build["code"]
        assert site_manifest.PreviousLines.load(out, code).lines == {}
    m.unlink()
    build(site_root)  # the key is unchanged, but the site is not intact: built again
    assert b"ARTICLE" not in m.read_bytes()


def test_a_manifest_written_by_other_code_is_not_reused(site_root):
    build(site_root)
    with OutputDir(site_root / "build") as out:
        code = out.prev_build["code"]
        assert len(site_manifest.PreviousLines.load(out, code).lines) > 10
        assert site_manifest.PreviousLines.load(out, code + "x").lines == {}


def test_a_sitemap_file_is_keyed_by_its_urls_and_dates():
    from huikan.site import sitemap

    def key(lastmod: str | None) -> str:
        pages = [Page("a/index.html", "article", "t", {}, "article.html", {"date": lastmod})]
        [page] = sitemap.sitemap_pages(pages, lambda **kw: {"site": {"base_url": "/"}, **kw})
        return page_key("salt", page)

    assert len({key(None), key("2024-01"), key("2024-02"), key("")}) == 4


def test_a_rebuild_keeps_the_article_pages_of_unchanged_bulletins_unplanned(
    site_root, tmp_path, monkeypatch
):
    """A bulletin whose article group key (site.keys.article_group_key) is the previous
    build's keeps its article pages' files and manifest entries without planning them; the
    new issue's articles, and those whose related links now name it, are planned."""
    from huikan.site.pages import PagePlanner

    build(site_root)
    before = len(_article_paths(site_root))
    planned: list[str] = []
    real = PagePlanner.article
    monkeypatch.setattr(
        PagePlanner, "article", lambda self, a: planned.append(a.url) or real(self, a)
    )
    _add_bulletin(site_root, "2099-01")
    build(site_root)
    after = _article_paths(site_root)
    new = [p for p in after if p.startswith("2099-01")]
    assert new and {f"{u}index.html" for u in planned} >= set(new)
    # the bulletins no new related link reaches were not planned (here few; at 5,000
    # bulletins nearly all)
    assert len(planned) < len(after) and len(after) > before
    planned.clear()
    state = json.loads((site_root / "build" / ".huikan-state.json").read_text("utf-8"))
    assert len(state["build"]["article_groups"]) >= 3
    yml = site_root / "site.yml"
    yml.write_text(
        re.sub(r"(?m)^description:.*$", "description: 另一句介绍", yml.read_text("utf-8"))
    )
    build(site_root)  # a site-wide value changed: every article page is planned again
    assert len(planned) == len(_article_paths(site_root))
    _assert_equals_a_full_build(site_root, tmp_path)


def _article_paths(site_root) -> list[str]:
    m = json.loads((site_root / "build" / "manifest.json").read_text("utf-8"))
    return [p["path"] for p in m["pages"] if p["kind"] == "article"]
