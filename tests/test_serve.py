"""The preview server behind ``huikan serve`` (and the tests' ``serve_dir`` fixture)."""

import email.utils
import http.client
import os
import time
import urllib.error
import urllib.parse
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


def test_one_connection_serves_many_requests(built_site, serve_dir):
    """Keep-alive: a search page's ~30 small files (directories, shards, records) come over
    the connections it has open, a 404 and a redirect included, each answer whole."""
    base = urllib.parse.urlsplit(serve_dir(built_site.out))
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
    try:
        statuses = []
        for path in ["/", "/assets/site.css", "/no/such/page/", "/search", "/search/manifest.json"]:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            assert r.version == 11 and len(body) == int(r.getheader("Content-Length"))
            statuses.append(r.status)
            assert conn.sock is not None  # still open: the next request reuses it
        assert statuses == [200, 200, 404, 301, 200]
    finally:
        conn.close()


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


@pytest.mark.slow
def test_huikan_serve_builds_serves_and_rebuilds(site_root):
    import os
    import re
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "huikan", "serve", "--port", "0", "--jobs", "1"],
        cwd=site_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        url = None
        for _ in range(200):
            line = proc.stdout.readline()
            m = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if m:
                url = m.group(1)
                break
        assert url, "serve did not print its address"
        status, body = fetch(url)
        assert status == 200 and "汇刊 · 产业科技动态".encode() in body
        cfg = site_root / "site.yml"
        cfg.write_text(cfg.read_text("utf-8").replace("汇刊 · 产业科技动态", "预览站点"), "utf-8")
        for _ in range(120):
            time.sleep(0.5)
            if "预览站点".encode() in fetch(url)[1]:
                break
        else:
            raise AssertionError("the site was not rebuilt after site.yml changed")
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


def _get(base: str, path: str, **headers: str) -> tuple[int, bytes, str | None]:
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read(), r.getheader("ETag")
    finally:
        conn.close()


def test_a_rebuild_within_the_second_is_not_answered_not_modified(tmp_path, serve_dir):
    """A rebuild swaps in new files, maybe within the second of the last build: the preview
    must not answer a reload "304 Not Modified" from a Last-Modified that is the same to the
    second. Files carry an ETag (inode, mtime in ns, size); an unchanged file still gets 304."""
    site = tmp_path / "site"
    site.mkdir()
    page = site / "index.html"
    page.write_text("<p>第一版</p>", "utf-8")
    base = serve_dir(site)
    status, body, etag = _get(base, "/")
    assert status == 200 and "第一版".encode() in body and etag
    assert _get(base, "/", **{"If-None-Match": etag})[0] == 304
    assert _get(base, "/index.html", **{"If-None-Match": f"W/{etag}"})[0] == 304

    stamp = page.stat().st_mtime
    new = site / "index.html.new"
    new.write_text("<p>第二版</p>", "utf-8")  # same size, same second: a rebuild's swap
    os.utime(new, (stamp, stamp))
    os.replace(new, page)
    since = email.utils.formatdate(stamp, usegmt=True)
    status, body, etag2 = _get(base, "/", **{"If-None-Match": etag, "If-Modified-Since": since})
    assert status == 200 and "第二版".encode() in body and etag2 != etag
    # a client that sends only If-Modified-Since gets the file, not a guess by the second
    status, body, _ = _get(base, "/", **{"If-Modified-Since": since})
    assert status == 200 and "第二版".encode() in body
