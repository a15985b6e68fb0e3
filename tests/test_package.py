"""The installed package, outside the checkout (run by scripts/check-wheel.sh, which builds
the wheel, installs it in a fresh virtualenv, runs ``huikan new`` and builds one bulletin;
skipped otherwise)."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    "HUIKAN_WHEEL_SITE" not in os.environ, reason="run by scripts/check-wheel.sh"
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site() -> Path:
    return Path(os.environ["HUIKAN_WHEEL_SITE"])


@pytest.fixture(scope="module")
def manifest(site) -> dict:
    return json.loads((site / "build" / "manifest.json").read_text("utf-8"))


def test_the_wheel_carries_the_theme_and_lunr_with_its_licence():
    names = set(zipfile.ZipFile(os.environ["HUIKAN_WHEEL"]).namelist())
    for t in (REPO / "templates").glob("*.html"):
        assert f"huikan/theme/templates/{t.name}" in names
    for s in (REPO / "static").iterdir():
        assert f"huikan/theme/static/{s.name}" in names
    assert {"huikan/theme/lunr/lunr.min.js", "huikan/theme/lunr/LICENSE"} <= names
    assert "huikan/data/cluster_vocab.yml" in names
    lunr = (REPO / "node_modules" / "lunr" / "lunr.min.js").read_bytes()
    assert zipfile.ZipFile(os.environ["HUIKAN_WHEEL"]).read("huikan/theme/lunr/lunr.min.js") == lunr


def test_the_installed_huikan_is_not_the_checkout():
    venv = Path(os.environ["HUIKAN_WHEEL_VENV"])
    r = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import huikan; print(huikan.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert str(REPO) not in r.stdout
    assert "site-packages" in r.stdout


def test_clusters_are_assigned(manifest):
    articles = [p for p in manifest["pages"] if p["kind"] == "article"]
    assert len(articles) >= 10
    clusters = {a["cluster"] for a in articles}
    assert len(clusters - {"综合"}) >= 3, clusters


@pytest.mark.browser
def test_css_applies_and_search_finds_articles(site, serve_dir, page):
    base = serve_dir(site / "build")
    page.goto(base)
    # the stylesheet loaded and applies (site.css: the body is a flex column, footer at the end)
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    page.fill("#site-search-q", "新材料")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".result-link", timeout=15000)
    assert page.locator(".result-link").count() >= 1
    assert "找到" in page.inner_text("#search-status")
