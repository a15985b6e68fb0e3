"""The preview server behind ``huikan serve`` (and the tests' ``serve_dir`` fixture)."""

import time
import urllib.error
import urllib.request

import pytest

from huikan.commands.serve import snapshot


def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serves_files_and_the_site_404(built_site, serve_dir):
    base = serve_dir(built_site.out)
    status, body = fetch(base)
    assert status == 200 and b'lang="zh-CN"' in body
    status, body = fetch(base + "no/such/page/")
    assert status == 404 and "页面未找到".encode() in body


def test_serves_under_a_prefix_only(built_site, serve_dir):
    base = serve_dir(built_site.out, "/pr-42/")
    assert fetch(base)[0] == 200
    assert fetch(base + "assets/site.css")[0] == 200
    root = base.removesuffix("pr-42/")
    assert fetch(root + "assets/site.css")[0] == 404


def test_snapshot_notices_changes(tmp_path):
    (tmp_path / "issues").mkdir()
    f = tmp_path / "issues" / "a.md"
    f.write_text("x")
    before = snapshot([tmp_path / "issues", tmp_path / "site.yml"])
    assert snapshot([tmp_path / "issues", tmp_path / "site.yml"]) == before
    time.sleep(0.01)
    (tmp_path / "issues" / "b.md").write_text("y")
    assert snapshot([tmp_path / "issues"]) != before


@pytest.mark.parametrize("enabled", [True, False])
def test_progress_bar_only_when_enabled(enabled):
    import io

    from huikan.site.progress import Progress

    stream = io.StringIO()
    with Progress("生成页面", 3, stream=stream, enabled=enabled) as bar:
        for _ in range(3):
            bar.advance()
    assert ("3/3" in stream.getvalue()) is enabled
    assert (stream.getvalue() == "") is not enabled
