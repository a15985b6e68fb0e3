"""Bad input gets a clear error and loses nothing (issue: robustness).

Real files and real processes throughout: PDFs written byte by byte, text in odd encodings,
builds killed with SIGKILL and interrupted with SIGINT while they run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, build
from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.model import IngestError
from pdfwriter import Page, paragraph, text_of, write

CONFIG = load_config(REPO / "site.yml")
HUIKAN = [sys.executable, "-m", "huikan"]


# --- ingest: files that are wrong in every way an archive sees ----------------------------


def test_a_single_5_mb_line_is_published_as_one_article(tmp_path):
    sentence = "集成电路产业快速发展，芯片出口持续增长。"
    line = sentence * (5_000_000 // len(sentence.encode("utf-8")) + 1)
    p = tmp_path / "one-line.txt"
    p.write_text(line, encoding="utf-8")
    assert p.stat().st_size >= 5_000_000
    res = ingest_file(p, CONFIG)
    assert len(res.articles) == 1
    assert res.articles[0].text == line  # nothing lost, nothing added
    assert "no-boundary" in {w.code for w in res.warnings}


@pytest.mark.parametrize(
    ("data", "code", "needle"),
    [
        (b"", "empty", "空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "encoding", "编码"),
    ],
)
def test_unreadable_text_is_refused_by_name(tmp_path, data, code, needle):
    p = tmp_path / "第9期.txt"
    p.write_bytes(data)
    with pytest.raises(IngestError) as e:
        ingest_file(p, CONFIG)
    assert e.value.code == code
    assert "第9期.txt" in str(e.value) and needle in str(e.value)


def _pdf_pages(n: int) -> list[Page]:
    pages = []
    for k in range(n):
        page = Page()
        y = 80.0
        for j in range(6):
            runs, y = paragraph(y, text_of(3 * 30, start=(k * 7 + j) * 11))
            page.runs += runs
            y += 8
        pages.append(page)
    return pages


def _peak_rss_reading(pdf: Path) -> int:
    """Peak RSS (KiB) of a fresh process that reads ``pdf`` with the PDF reader."""
    code = (
        "import resource, sys; from pathlib import Path; from huikan.ingest.pdf import read_pdf; "
        "doc = read_pdf(Path(sys.argv[1])); assert doc.pages == int(sys.argv[2]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    pages = int(pdf.stem.split("-")[1])
    out = subprocess.run(
        [sys.executable, "-c", code, str(pdf), str(pages)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip())


@pytest.mark.slow
def test_a_300_page_pdf_is_read_in_bounded_memory(tmp_path):
    """Pages are processed one at a time and released: ten times the pages must not cost
    anything like ten times the memory (the text itself is a few MB at most)."""
    small = write(tmp_path, _pdf_pages(30), name="pages-30.pdf")
    large = write(tmp_path, _pdf_pages(300), name="pages-300.pdf")
    rss_small = _peak_rss_reading(small)
    rss_large = _peak_rss_reading(large)
    growth_mib = (rss_large - rss_small) / 1024
    assert growth_mib < 40, f"30 pages: {rss_small} KiB, 300 pages: {rss_large} KiB"


# --- the build: one bad bulletin among good ones ----------------------------------------------


def _bad_files(issues: Path) -> dict[str, str]:
    """Broken bulletins of every kind, and the word their error message must contain."""
    (issues / "2024-05-truncated.pdf").write_bytes(
        (REPO / "issues" / "2024-04-keji-cankao-xinxing.pdf").read_bytes()[:5000]
    )
    (issues / "2024-07-empty.txt").write_bytes(b"")
    (issues / "2024-08-junk.txt").write_bytes(bytes(range(256)) * 50)
    return {
        "2024-05-truncated.pdf": "损坏",
        "2024-07-empty.txt": "空",
        "2024-08-junk.txt": "编码",
    }


def test_bad_bulletins_are_reported_by_name_and_skipped(site_root):
    expected = _bad_files(site_root / "issues")
    proc = subprocess.run(
        [*HUIKAN, "--config", str(site_root / "site.yml"), "build"],
        capture_output=True,
        text=True,
        cwd=site_root,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    for name, needle in expected.items():
        line = next((ln for ln in out.splitlines() if name in ln and "无法读取" in ln), "")
        assert needle in line, (name, out)
    manifest = json.loads((site_root / "build" / "manifest.json").read_text("utf-8"))
    sources = {b["source_file"] for b in manifest["bulletins"]}
    assert sources == {p.name for p in (REPO / "issues").iterdir() if p.suffix != ".yml"}


def test_strict_fails_on_a_bad_bulletin_and_keeps_the_last_good_site(site_root):
    build(site_root)
    before = _tree_digest(site_root / "build")
    _bad_files(site_root / "issues")
    proc = subprocess.run(
        [*HUIKAN, "--config", str(site_root / "site.yml"), "build", "--strict"],
        capture_output=True,
        text=True,
        cwd=site_root,
    )
    assert proc.returncode != 0
    assert "2024-05-truncated.pdf" in proc.stdout + proc.stderr
    assert _tree_digest(site_root / "build") == before


@pytest.mark.parametrize(
    ("sidecar", "where"),
    [
        ("date: [2024\n", "2024-09-x.yml:1"),  # YAML syntax
        ("title: 某刊\ndate: 2024-02-31\n", "2024-09-x.yml:2"),  # no such day
        ("titel: 某刊\n", "2024-09-x.yml:1"),  # a typo must not unpublish the issue
        ("articles:\n  某标题:\n    dorp: true\n", "2024-09-x.yml:3"),  # nor publish it
    ],
)
def test_a_sidecar_mistake_stops_the_build_and_keeps_the_last_site(site_root, sidecar, where):
    build(site_root)
    before = _tree_digest(site_root / "build")
    (site_root / "issues" / "2024-09-x.txt").write_text("某标题\n\n正文。\n", encoding="utf-8")
    (site_root / "issues" / "2024-09-x.yml").write_text(sidecar, encoding="utf-8")
    proc = subprocess.run(
        [*HUIKAN, "--config", str(site_root / "site.yml"), "build"],
        capture_output=True,
        text=True,
        cwd=site_root,
    )
    assert proc.returncode == 1
    assert f"issues/{where}" in proc.stderr and "Traceback" not in proc.stderr
    assert _tree_digest(site_root / "build") == before


# --- the build: crashes, Ctrl-C and concurrent builds -------------------------------------------


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for name, digest in _tree_files(root).items():
        h.update(name.encode())
        h.update(digest)
    return h.hexdigest()


def _tree_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative POSIX path, in order) with its SHA-256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _tree_difference(a: Path, b: Path) -> list[str]:
    """The files that differ between two trees, or are in one only: what a failed
    byte-for-byte comparison says, so that a rare failure names its file."""
    fa, fb = _tree_files(a), _tree_files(b)
    return sorted(n for n in fa.keys() | fb.keys() if fa.get(n) != fb.get(n))


def _start_build(root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [*HUIKAN, "--config", str(root / "site.yml"), "build", "--jobs", "2"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_until_writing(root: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the build has started writing its temporary output folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tmp = [p for p in root.iterdir() if p.name.startswith("build.tmp-")]
        if tmp and any(tmp[0].rglob("*.html")):
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended before it could be interrupted: {proc.returncode}")
        time.sleep(0.02)
    pytest.fail("the build never started writing")


def _cache_entries_are_whole(root: Path) -> int:
    n = 0
    for p in (root / ".huikan-cache").rglob("*.json"):
        json.loads(p.read_text("utf-8"))  # a half-written entry would not parse
        n += 1
    return n


def _force_full_rebuild(root: Path) -> None:
    """Make the next build render every page (and ingest a new bulletin): a long build."""
    seed = REPO / "tests" / "corpus" / "seeds" / "002_8a199ec0a5ea1631.txt"
    (root / "issues" / "2025-01-new.txt").write_bytes(seed.read_bytes())
    (root / "issues" / "2025-01-new.yml").write_text("date: 2025-01\n", encoding="utf-8")
    cfg = root / "site.yml"
    cfg.write_text(
        cfg.read_text("utf-8").replace("汇刊 · 产业科技动态", "汇刊 · 产业科技动态（新）"), "utf-8"
    )


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_build_killed_midway_leaves_the_site_and_cache_intact(site_root, sig):
    build(site_root)
    before = _tree_digest(site_root / "build")
    _force_full_rebuild(site_root)
    proc = _start_build(site_root)
    _wait_until_writing(site_root, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err.decode()
        assert "已中断" in err.decode()
    else:
        assert proc.returncode == -signal.SIGKILL
    assert _tree_digest(site_root / "build") == before  # the last good site, untouched
    assert _cache_entries_are_whole(site_root) > 0
    # The next build finishes the job and leaves no temporary folder behind.
    report = build(site_root)
    assert report.bulletins == 6
    assert "（新）" in (site_root / "build" / "index.html").read_text("utf-8")
    assert not [p for p in site_root.iterdir() if p.name.startswith("build.tmp-")]


@pytest.mark.slow
def test_two_builds_at_once_give_one_correct_site(site_root):
    _force_full_rebuild(site_root)
    first, second = _start_build(site_root), _start_build(site_root)
    for proc in (first, second):
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
    manifest = json.loads((site_root / "build" / "manifest.json").read_text("utf-8"))
    assert len(manifest["bulletins"]) == 6
    alone = site_root.parent / "alone"
    alone.mkdir()
    build(site_root, out=alone / "build")
    assert _tree_difference(site_root / "build", alone / "build") == []
    assert _cache_entries_are_whole(site_root) > 0


# --- content: hostile and oversized text stays inert ------------------------------------------

LONG_TITLE = (
    "关于"
    + "加快推进新型工业化和数字经济高质量发展" * 12
    + "<script>window.__pwned=1</script>的意见"
)


@pytest.mark.browser
def test_very_long_hostile_title_renders_inert_everywhere(site_root, serve_dir, page):
    (site_root / "issues" / "2031-02-long.md").write_text(
        f"# 长标题测试\n\n2031 年 2 月\n\n## {LONG_TITLE}\n\n"
        '正文<img src=x onerror="window.__pwned=2">，[链接](javascript:window.__pwned=3)。'
        "集成电路产业持续发展。\n",
        "utf-8",
    )
    build(site_root)
    out = site_root / "build"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    art = next(
        p
        for p in manifest["pages"]
        if p.get("kind") == "article" and p["title"].startswith("关于加快")
    )
    slug = art["url"].rstrip("/").rsplit("/", 1)[-1]
    assert len(slug) <= 40  # a readable path, not a 250-character one
    import xml.etree.ElementTree as ET

    for name in ("feed.xml", "sitemap.xml"):
        ET.parse(out / name)  # still well-formed XML
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = serve_dir(out)
    page.goto(base + art["url"])
    heading = page.locator("h1").inner_text()
    assert "<script>window.__pwned=1</script>" in heading  # shown as text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    links = page.locator("article a:has-text('链接')")
    if links.count():
        links.first.click()
    assert page.evaluate("window.__pwned") is None and not dialogs
