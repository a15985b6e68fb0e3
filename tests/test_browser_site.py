"""The built site in headless Chromium: navigation, the PDF page link, screenshots.

Screenshots of every page kind at phone (390px) and desktop (1280px) widths are saved to
tests/artifacts/screenshots/ for reviewers.
"""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest

from conftest import REPO, SCREENSHOTS, build, make_site_root

pytestmark = pytest.mark.browser

PDF = REPO / "tests" / "corpus" / "pdf" / "a4-single" / "000_16d7673c136be7b7.pdf"
PDF_SLUG = "keji-cankao-2024-04-pdf"
WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory, built_site):
    """The sample archive plus one bulletin as PDF, built at the root and under /pr-42/."""
    root = make_site_root(tmp_path_factory.mktemp("browser-site"))
    shutil.copy(PDF, root / "issues" / f"{PDF_SLUG}.pdf")
    cache = built_site.root / ".huikan-cache"
    if cache.is_dir():
        shutil.copytree(cache, root / ".huikan-cache")
    build(root)
    build(root, root / "preview", base_url="https://example.org/pr-42/")
    manifest = json.loads((root / "build" / "manifest.json").read_text("utf-8"))
    return root, manifest


def shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_reader_journey_with_screenshots(pdf_site, serve_dir, browser, device):
    root, _ = pdf_site
    width = WIDTHS[device]
    base = serve_dir(root / "build")
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base)
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.locator("form[role=search] input[name=q]").first.is_visible()
        shoot(page, "home", width)

        # home → the latest bulletin
        page.locator(".latest-issue-title a").click()
        page.wait_for_load_state()
        bulletin_title = page.locator("h1").inner_text()
        assert page.locator(".toc-item").count() > 0
        shoot(page, "bulletin", width)

        # bulletin → its first article
        first = page.locator(".toc-title").first
        article_title = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("article h1").inner_text() == article_title
        assert bulletin_title in page.locator(".article-meta").inner_text()
        assert page.locator(".article-body p").count() > 0
        og = page.locator('meta[property="og:title"]').get_attribute("content")
        assert og == article_title
        shoot(page, "article", width)

        # article → its cluster
        cluster = page.locator(".article-header .tag").inner_text()
        page.locator(".article-header .tag").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == cluster
        assert page.get_by_role("link", name=article_title).count() >= 1
        shoot(page, "cluster", width)

        # cluster → the archive (the brand links home on phones; the nav has 往期)
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="往期").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "往期归档"
        assert page.locator(".bulletin-card").count() == 6
        shoot(page, "archive", width)

        for path, name in [
            ("clusters/", "clusters"),
            ("search/", "search"),
            (f"{PDF_SLUG}/", "bulletin-pdf"),
        ]:
            page.goto(base + path)
            shoot(page, name, width)
        response = page.goto(base + "no/such/page/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "页面未找到"
        shoot(page, "404", width)
        assert errors == []
        for kind in ("home", "bulletin", "article", "cluster", "archive", "clusters", "search"):
            assert (SCREENSHOTS / f"{kind}-{width}.png").stat().st_size > 5000
    finally:
        ctx.close()


def test_original_pdf_link_points_at_the_article_page(pdf_site, serve_dir, page):
    root, manifest = pdf_site
    base = serve_dir(root / "build")
    arts = [
        p
        for p in manifest["pages"]
        if p["kind"] == "article" and p["bulletin"] == PDF_SLUG and (p.get("page") or 0) > 1
    ]
    assert arts, "the PDF bulletin should have articles starting after page 1"
    for art in arts[:3]:
        page.goto(base + art["url"])
        link = page.locator(".original a")
        href = link.get_attribute("href")
        assert href.endswith(f"{PDF_SLUG}.pdf#page={art['page']}"), href
        assert f"第{art['page']}页" in link.inner_text()
        pdf_url = page.evaluate("(a) => a.href", link.element_handle()).split("#")[0]
        with urllib.request.urlopen(pdf_url) as r:
            assert r.status == 200 and r.read(5) == b"%PDF-"


def test_site_works_under_a_sub_path(pdf_site, serve_dir, page):
    root, _ = pdf_site
    base = serve_dir(root / "preview", "/pr-42/")
    assert base.endswith("/pr-42/")
    page.goto(base)
    # the stylesheet loaded: the header has its accent border
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).borderTopWidth"
    )
    assert border == "4px"
    page.locator(".latest-issue-title a").click()
    page.locator(".toc-title").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(base)
    page.locator(".article-header .tag").click()
    page.wait_for_load_state()
    assert page.url.startswith(base + "clusters/")
    # the 404 page under the sub-path links back into it
    page.goto(base + "missing/deep/path/")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_load_state()
    assert page.url == base


def test_keyboard_focus_is_visible(built_site, serve_dir, page):
    base = serve_dir(built_site.out)
    page.goto(base)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.top]; })()"
    )
    assert style[0] != "none" and style[1] != "0px"
    assert style[2] != "-48px"  # the skip link slid into view


def test_print_stylesheet_hides_navigation(built_site, serve_dir, page):
    base = serve_dir(built_site.out)
    art = next(p for p in built_site.manifest["pages"] if p["kind"] == "article")
    page.goto(base + art["url"])
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".related, .pager").first.is_visible()
    assert page.locator("article h1").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article-print.png"), full_page=True)
