"""huikan review in headless Chromium: the split drawn on a dev PDF and on a text bulletin.

One loaded image per page, a box for every article (``data-article`` = its position in
``huikan ingest --json``), every title visible, no console error; each article's boxes cover
the PDF positions of its first and last block as ingest reports them. Screenshots at 390 and
1280 px go to tests/artifacts/screenshots/review-*.png.
"""

from __future__ import annotations

import pytest

from conftest import REPO, SCREENSHOTS
from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.review import make_review, write_review

pytestmark = pytest.mark.browser

PDF = REPO / "tests" / "corpus" / "pdf" / "a4-two-column" / "000_16d7673c136be7b7.pdf"
TEXT = REPO / "issues" / "2022-10-chanye-keji-dongtai.txt"
WIDTHS = [390, 1280]
TOL = 1.5  # CSS pixels of rounding


def _review(src, tmp_path_factory, name):
    config = load_config(REPO / "site.yml")
    res = ingest_file(src, config)
    out = tmp_path_factory.mktemp(name)
    review = make_review(
        src, res, template_dirs=[REPO / "templates"], cache_dir=tmp_path_factory.mktemp("cache")
    )
    write_review(review, out / "r")
    return res, out / "r"


@pytest.fixture(scope="module")
def pdf_review(tmp_path_factory):
    return _review(PDF, tmp_path_factory, "review-pdf")


@pytest.fixture(scope="module")
def text_review(tmp_path_factory):
    return _review(TEXT, tmp_path_factory, "review-text")


def _open(browser, url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto(url)
    return ctx, page, errors


def _settle(page):
    """Wait for smooth scrolling to stop."""
    page.wait_for_function(
        """() => new Promise(done => { const y = scrollY;
            setTimeout(() => done(scrollY === y), 600); })""",
        timeout=10_000,
    )


def _shoot(page, name):
    _settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 5000
    return path


def _load_all_images(page) -> list[dict]:
    """Scroll every (lazy) page image into view and wait until it has loaded."""
    for img in page.locator(".sheet img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function(
            "(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle()
        )
    return page.evaluate(
        """() => [...document.querySelectorAll('.sheet img')].map(i => ({
            src: i.getAttribute('src'), w: i.naturalWidth, ok: i.complete && i.naturalWidth > 0}))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_pdf_review_draws_each_article_on_its_text(pdf_review, serve_dir, browser, width):
    res, folder = pdf_review
    base = serve_dir(folder)
    ctx, page, errors = _open(browser, base, width)
    try:
        assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
        _shoot(page, f"review-pdf-top-{width}")
        imgs = _load_all_images(page)
        assert len(imgs) == res.bulletin.pages and all(i["ok"] for i in imgs)
        assert len({i["src"] for i in imgs}) == len(imgs)  # one image per page

        # a box for every article, and every title visible in the list and on its box
        numbers = page.evaluate(
            "() => [...new Set([...document.querySelectorAll('.art[data-article]')]"
            ".map(b => +b.dataset.article))].sort((a, b) => a - b)"
        )
        assert numbers == list(range(len(res.articles)))
        for n, a in enumerate(res.articles):
            item = page.locator(f"#li-{n} .go")
            assert item.is_visible() and a.title in item.inner_text()
            chip = page.locator(f"#a-{n} .chip")
            chip.scroll_into_view_if_needed()
            assert chip.is_visible() and chip.inner_text().startswith(str(n + 1))

        # boxes sit on their text: for each article, a box (or its title outline) on the first
        # and on the last block's page contains that block's PDF rectangle, scaled to the sheet
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.sheet [data-article]')].map(b => {
                const s = b.closest('.sheet').getBoundingClientRect();
                const r = b.getBoundingClientRect();
                return {n: +b.dataset.article,
                        page: +b.closest('.rv-page').id.slice(5),
                        x0: r.left - s.left, y0: r.top - s.top,
                        x1: r.right - s.left, y1: r.bottom - s.top, sw: s.width};
            })"""
        )
        for n in range(len(res.articles)):
            mine = [r for r in res.regions if r.article == n and r.bbox]
            for r in (mine[0], mine[-1]):
                pw, _ph = res.page_sizes[r.page - 1]
                cands = [b for b in boxes if b["n"] == n and b["page"] == r.page]
                assert cands, (n, r.page)
                k = cands[0]["sw"] / pw
                x0, top, x1, bottom = (v * k for v in r.bbox)
                assert any(
                    b["x0"] - TOL <= x0
                    and b["y0"] - TOL <= top
                    and x1 <= b["x1"] + TOL
                    and bottom <= b["y1"] + TOL
                    for b in cands
                ), (n, r, cands)

        # the side list scrolls to the article and highlights it
        last = len(res.articles) - 1
        page.evaluate("window.scrollTo(0, 0)")
        page.locator(f"#li-{last} .go").click()
        assert page.locator(f"#a-{last}.hl").count() == 1
        page.wait_for_function(  # smooth scrolling: the box ends up in the viewport
            f"""() => {{ const r = document.getElementById('a-{last}').getBoundingClientRect();
                return r.top >= -5 && r.top <= innerHeight; }}""",
            timeout=10_000,
        )
        page.wait_for_timeout(300)
        _shoot(page, f"review-pdf-article-{width}")

        # dropped running heads and page numbers are struck through and labelled
        struck = page.locator(".struck")
        assert struck.count() >= res.bulletin.pages - 1
        assert page.locator(".struck .chip", has_text="页码").count() > 0
        assert errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_text_review_colours_the_lines(text_review, serve_dir, browser, width):
    res, folder = text_review
    base = serve_dir(folder)
    ctx, page, errors = _open(browser, base, width)
    try:
        numbers = page.evaluate(
            "() => [...new Set([...document.querySelectorAll('.seg.art[data-article]')]"
            ".map(b => +b.dataset.article))].sort((a, b) => a - b)"
        )
        assert numbers == list(range(len(res.articles)))
        for n, a in enumerate(res.articles):
            assert a.title in page.locator(f"#li-{n} .go").inner_text()
            title_line = page.locator(f"#a-{n} .ln.t").first
            title_line.scroll_into_view_if_needed()
            assert title_line.is_visible()
            assert title_line.locator(".no").inner_text() == str(a.line)
        assert page.locator(".seg.front .chip", has_text="目录").count() == 1
        page.evaluate("window.scrollTo(0, 0)")
        _shoot(page, f"review-text-top-{width}")
        page.locator("#li-2 .go").click()
        page.wait_for_function(  # the article's title line comes into view, near the top
            """() => { const t = document.querySelector('#a-2 .ln.t').getBoundingClientRect().top;
                return t >= 0 && t <= 300; }""",
            timeout=10_000,
        )
        _shoot(page, f"review-text-article-{width}")
        assert errors == []
    finally:
        ctx.close()


def test_hostile_titles_run_no_script(tmp_path, serve_dir, browser):
    from test_review import HOSTILE

    src = tmp_path / "hostile.md"
    src.write_text(HOSTILE, "utf-8")
    res = ingest_file(src, load_config(REPO / "site.yml"))
    review = make_review(src, res, template_dirs=[REPO / "templates"])
    write_review(review, tmp_path / "r")
    ctx, page, errors = _open(browser, serve_dir(tmp_path / "r"), 1280)
    try:
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img").count() == 0
        assert "<script>window.__pwned=1</script>" in page.locator("#li-0 .go").inner_text()
        # the copy button hands over the YAML line as text
        page.locator("#li-0 summary").click()
        btn = page.locator("#li-0 button.copy").first
        assert "<script>" in btn.get_attribute("data-copy")
        btn.click()
        assert btn.inner_text() in ("已复制", "复制")
        assert errors == []
    finally:
        ctx.close()
