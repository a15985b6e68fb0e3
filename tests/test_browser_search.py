"""Search in headless Chromium on the site built from the sample bulletins.

Through ``window.huikanSearch`` (recall and top-10 precision of every dev query, parts of
words, single characters, quoted phrases) and through the visible page (type, see results,
filter, keep the state in the URL, follow a result, keyboard, no-results state), plus
escaping of hostile titles and a site served under a sub-path.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlparse

import pytest

from conftest import SCREENSHOTS, build
from huikan.search.store import read_store
from search_samples import dev_queries

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def store_docs(site: Path) -> dict[str, dict]:
    """url → stored article (title, text, cluster…) of a built site, plus ``"all"``: the text
    search covers — title, text, column, source, byline, bulletin and the cluster's names."""
    manifest = json.loads((site / "search" / "manifest.json").read_text("utf-8"))
    docs = {}
    for d in read_store(site / "search"):
        c = manifest["clusters"][d["cluster"]]
        names = [c[0], *(c[2] if len(c) > 2 else [])]
        fields = [d["title"], d["text"], *(d.get(k, "") for k in ("column", "source", "byline"))]
        d["all"] = "|".join(squash(x) for x in [*fields, d["bulletin"], *names])
        d["top"] = "|".join(squash(x) for x in [d["title"], *names])  # title and cluster names
        docs[d["url"]] = d
    return docs


def relevant(docs: dict[str, dict], query: str) -> set[str]:
    """Articles whose whitespace-stripped NFKC searchable text contains every query part
    (issue 13: the article's text and metadata, or its cluster's name)."""
    parts = [squash(p) for p in query.split()]
    return {u for u, d in docs.items() if all(p in d["all"] for p in parts)}


def contains(doc: dict, query: str) -> bool:
    return all(squash(p) in doc["all"] for p in query.split())


@pytest.fixture
def search_page(page, built_site, serve_dir):
    base = serve_dir(built_site.out)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "search/")
    page.wait_for_function("typeof window.huikanSearch === 'function'")
    yield page, base
    # among them: the page's check that lunr.js scores the results it shows exactly as
    # search-rank.js ranked them (search.js _lunrWindow)
    assert errors == []


def hs(page, query: str, limit: int = 10_000) -> list[dict]:
    return page.evaluate("([q, n]) => window.huikanSearch(q, {limit: n})", [query, limit])


def test_dev_queries_recall_and_precision(search_page, built_site):
    page, _ = search_page
    docs = store_docs(built_site.out)
    assert len(docs) == built_site.report.articles
    report = []
    for q in dev_queries():
        results = hs(page, q)
        urls = [r["url"] for r in results]
        want = relevant(docs, q)
        assert want, f"{q}: no sample article contains it"
        missing = want - set(urls)
        assert not missing, f"{q}: missed {sorted(missing)}"
        top = urls[:10]
        precision = sum(contains(docs[u], q) for u in top) / len(top)
        assert precision >= 0.95, f"{q}: top-10 precision {precision:.2f}"
        # articles with the query in the title (or their cluster's name) come first
        in_title = [all(squash(p) in docs[u]["top"] for p in q.split()) for u in urls]
        assert in_title == sorted(in_title, reverse=True), q
        assert all(isinstance(r["score"], float | int) and r["title"] for r in results)
        report.append((q, len(want), len(urls)))
    assert len(report) == len(dev_queries())


def test_parts_of_words_and_single_characters(search_page, built_site):
    """Random substrings (1–6 characters) of article texts, including ones that cut through
    jieba's words: every article containing them is found."""
    page, _ = search_page
    docs = store_docs(built_site.out)
    rng = random.Random(4)
    queries = ["成电路", "电", "钒", "产教融合共", "体化", "oWo", "T细胞"]
    texts = [squash(d["text"]) for d in docs.values()]
    while len(queries) < 40:
        t = rng.choice(texts)
        i = rng.randrange(len(t))
        q = t[i : i + rng.randint(1, 6)]
        if re.fullmatch(r"[\w\u4e00-\u9fff]+", q) and "_" not in q:
            queries.append(q)
    for q in queries:
        urls = {r["url"] for r in hs(page, q)}
        want = relevant(docs, q)
        assert want <= urls, f"{q!r}: missed {sorted(want - urls)}"


def test_quoted_phrase_is_exact(search_page, built_site):
    page, _ = search_page
    docs = store_docs(built_site.out)
    for phrase in ["产教融合共同体", "新质生产力", "集成电路先进封装"]:
        quoted = [r["url"] for r in hs(page, f'"{phrase}"')]
        assert set(quoted) == relevant(docs, phrase), phrase
    loose = {r["url"] for r in hs(page, "生产 新质")}
    exact = {r["url"] for r in hs(page, '"生产新质"')}
    assert exact == relevant(docs, "生产新质") and exact <= loose


def test_type_filter_and_follow_a_result(page, built_site, serve_dir):
    base = serve_dir(built_site.out)
    docs = store_docs(built_site.out)
    # the header's search box on any page leads to the search page, which runs the query
    page.goto(base)
    page.fill("#site-search-q", "集成电路")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".result-link")
    assert parse_qs(urlparse(page.url).query)["q"] == ["集成电路"]
    expected = hs(page, "集成电路")
    status = page.inner_text("#search-status")
    assert f"找到 {len(expected)} 篇文章" in status
    for n in range(10, len(expected) + 10, 10):  # ten at a time
        page.wait_for_function(
            f"document.querySelectorAll('.result-link').length === {min(n, len(expected))}"
        )
        if n < len(expected):
            page.click("#search-more")
    shown = page.eval_on_selector_all(".result-link", "as => as.map(a => a.href)")
    assert shown == [base + quote(r["url"]) for r in expected]  # same ranking as huikanSearch
    assert "集成电路" in page.inner_text(".result-title mark")

    # results as you type, state in the URL
    page.fill("#search-q", "")
    page.type("#search-q", "新质生产力", delay=40)
    page.wait_for_function(
        "new URLSearchParams(location.search).get('q') === '新质生产力'"
        " && document.querySelector('#search-status').textContent.includes('找到')"
    )
    total = len(relevant(docs, "新质生产力"))
    page.wait_for_function(f"document.querySelectorAll('.result-link').length === {min(total, 10)}")

    # filter by cluster: fewer results, all of that cluster, kept in the URL
    options = page.eval_on_selector_all(
        "#search-cluster option", "os => os.map(o => [o.value, o.textContent])"
    )
    slug, label = next((v, t) for v, t in options if v)
    name = label.split("（")[0]
    page.select_option("#search-cluster", slug)
    page.wait_for_function(
        f"new URLSearchParams(location.search).get('cluster') === '{slug}'"
        " && document.querySelector('#search-status').textContent.includes('筛选前')"
    )
    page.wait_for_selector(".result-meta")
    metas = page.eval_on_selector_all(".result-meta", "ps => ps.map(p => p.textContent)")
    assert metas and all(name in m for m in metas)
    assert len(metas) < total
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "search-filtered-1280.png"), full_page=True)

    # the URL alone restores the filtered list
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector(".result-meta")
    assert page.input_value("#search-q") == "新质生产力"
    assert page.input_value("#search-cluster") == slug
    assert page.eval_on_selector_all(".result-meta", "ps => ps.map(p => p.textContent)") == metas

    # follow a result
    title = page.inner_text(".result-link >> nth=0")
    page.click(".result-link >> nth=0")
    page.wait_for_load_state()
    assert page.inner_text("h1") == title


def test_keyboard_navigation(search_page):
    page, base = search_page
    page.goto(base + "search/?q=" + quote("数字经济"))
    page.wait_for_function("document.querySelectorAll('.result-link').length > 2")
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    links = page.eval_on_selector_all(".result-link", "as => as.map(a => a.href)")
    assert page.evaluate("document.activeElement.href") == links[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.href") == links[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("Tab")  # leave the box, then "/" brings the focus back
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.press("Escape")
    page.wait_for_function("!new URLSearchParams(location.search).get('q')")
    assert page.input_value("#search-q") == ""


def test_no_results_state_with_suggestions(search_page, built_site):
    page, base = search_page
    assert not relevant(store_docs(built_site.out), "量子引力波天文台")
    page.goto(base + "search/?q=" + quote("集成电路 量子引力波天文台"))
    page.wait_for_selector("#search-empty:not([hidden])")
    assert "没有找到" in page.inner_text("#search-status")
    empty = page.inner_text("#search-empty")
    assert "只搜一个词" in empty and "集成电路" in empty and "错别字" in empty
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-empty-1280.png"), full_page=True)
    page.click("#search-empty a:has-text('集成电路')")
    page.wait_for_selector(".result-link")
    # a filter that removes everything offers to clear it
    page.goto(base + "search/?q=" + quote("集成电路") + "&year=1999")
    page.wait_for_selector("#search-empty:not([hidden])")
    page.click("#search-empty button")
    page.wait_for_selector(".result-link")
    assert "year" not in page.url


def test_results_come_ten_at_a_time(search_page, built_site):
    """The page shows ten results and fetches only their records; "显示更多结果" adds the
    next ten (and their records), and is hidden once every result is shown. The page orders
    only what it shows (sortFirst): page after page, the results come in the order
    huikanSearch gives them all at once."""
    page, base = search_page
    docs = store_docs(built_site.out)
    query = max(dev_queries(), key=lambda q: len(relevant(docs, q)))
    everything = [r["url"] for r in hs(page, query)]
    total = len(everything)
    assert total > 10, query  # the sample archive has a query with more than one page
    records: list[str] = []
    page.on(
        "request", lambda r: records.append(r.url) if "/d" in r.url.rsplit("/i/", 1)[-1] else None
    )
    page.goto(base + "search/?q=" + quote(query))
    page.wait_for_selector(".result-link")
    page.wait_for_function("!document.querySelector('#search-results .is-loading')")
    assert page.locator(".result-link").count() == 10
    assert len(set(records)) <= 10
    shown = 10
    while shown < total:
        page.click("#search-more")
        shown = min(total, shown + 10)
        page.wait_for_function(f"document.querySelectorAll('.result-link').length === {shown}")
    page.wait_for_function("!document.querySelector('#search-results .is-loading')")
    assert not page.is_visible("#search-more")
    assert len({u.split("?")[0] for u in records}) >= total  # each shown result's record
    shown_urls = page.eval_on_selector_all(".result-link", "els => els.map(e => e.href)")
    assert [urljoin(base, u) for u in everything] == [unquote(u) for u in shown_urls]


def test_phone_width_screenshot(search_page):
    page, base = search_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "search/?q=" + quote("光伏"))
    page.wait_for_selector(".result-snippet mark")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert not page.is_visible("#search-more")  # every result is already shown


HOSTILE = """# 注入测试简报

第 1 期

2031 年 1 月

## <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">防注入标题

防注入正文<img src=x onerror="window.__pwned=3">，含有“</mark><b>”与 <script>alert(1)</script> 字样。

## 第二篇普通文章

普通正文，防注入正文之外的内容。
"""


def test_hostile_titles_and_text_are_shown_as_text(site_root, serve_dir, page):
    (site_root / "issues" / "2031-01-hostile.md").write_text(HOSTILE, "utf-8")
    (site_root / "issues" / "2031-01-hostile.yml").write_text(
        "title: 注入测试简报\ndate: 2031-01\n", "utf-8"
    )
    build(site_root)
    base = serve_dir(site_root / "build")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "search/?q=" + quote("防注入"))
    page.wait_for_selector(".result-link")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None and not dialogs
    titles = page.eval_on_selector_all(".result-title", "hs => hs.map(h => h.textContent)")
    assert any("<script>" in t for t in titles)
    assert (
        page.eval_on_selector_all(".search-results script, .search-results img", "e => e.length")
        == 0
    )
    snippets = " ".join(
        page.eval_on_selector_all(".result-snippet", "p => p.map(x => x.textContent)")
    )
    assert "<img" in snippets or "</mark>" in snippets


def test_search_under_a_sub_path(site_root, serve_dir, page, tmp_path):
    out = tmp_path / "preview"
    build(site_root, out, base_url="https://example.org/pr-42/")
    base = serve_dir(out, prefix="/pr-42/")
    page.goto(base + "search/?q=" + quote("光伏"))
    page.wait_for_selector(".result-link")
    hrefs = page.eval_on_selector_all(".result-link", "as => as.map(a => a.href)")
    assert hrefs and all(h.startswith(base) for h in hrefs)
    page.click(".result-link >> nth=0")
    page.wait_for_load_state()
    assert page.url.startswith(base) and page.inner_text("h1")


def test_lunr_is_the_npm_copy_not_the_repository():
    repo = Path(__file__).resolve().parents[1]
    assert not list((repo / "static").glob("lunr*"))
    assert (
        shutil.which("node") is None or (repo / "node_modules" / "lunr" / "package.json").exists()
    )


def test_split_shards_rank_as_whole_ones(site_root, built_site, serve_dir, page, monkeypatch):
    """A site whose frequent terms' levels are in files of their own (every term over a few
    dozen characters, here), in several segments, answers every dev query exactly as the
    sample site does — the same articles, order and scores — and fetches those files only for
    terms it scores — the whole file alone (documents and levels) for a term the query
    surely scores."""
    from huikan.search import segment, shard

    monkeypatch.setattr(shard, "SPLIT_FACTOR", 0.02)  # 80 characters
    # and several segments: a term split in one is small in another, beside sub-words
    monkeypatch.setattr(segment, "SEGMENT_DOCS", 64)
    monkeypatch.setattr(segment, "SEGMENT_MIDDLE", 16)
    monkeypatch.setattr(segment, "SEGMENT_UNIT", 8)
    build(site_root)
    split_site = site_root / "build"
    assert list((split_site / "search" / "i").glob("*/l*.json"))
    answers = {}
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for site in (built_site.out, split_site):
        page.goto(serve_dir(site) + "search/")
        page.wait_for_function("typeof window.huikanSearch === 'function'")
        # segment/shard numbers of split site files: shards, levels, whole files
        files: dict[str, set] = {"split": set(), "l": set(), "w": set()}

        def seen(response, files=files):
            m = re.search(r"/search/i/(\d+)/([lw]?)(\d+)\.json", response.url)
            if m and m[2]:
                files[m[2]].add((m[1], m[3]))
            elif m and '"l":1' in response.text():
                files["split"].add((m[1], m[3]))

        page.on("response", seen)
        answers[site] = [hs(page, q) for q in dev_queries()]
        page.remove_listener("response", seen)
    assert answers[split_site] == answers[built_site.out]
    assert errors == []  # e.g. "rank() and lunr.js disagree", as when a shard counted twice
    on_disk = {(p.parent.name, p.stem[1:]) for p in (split_site / "search" / "i").glob("*/l*.json")}
    # the levels of some split terms the queries read, not of all: a term that only filters
    # reads its shard alone, one surely scored its whole file alone (never with the shard)
    read = files["l"] | files["w"]
    assert files["w"] and read < on_disk
    assert files["split"] - read and not files["w"] & files["split"]
    assert files["l"] <= files["split"]  # levels alone: a term found to score after its shard


def test_ranking_is_the_same_whatever_the_limit(search_page):
    """Only the results asked for are checked against the stored text; checking only moves a
    result down, so the first n never depend on how many were asked for."""
    page, _ = search_page
    for q in ["成电路", "生产 新质", '"产教融合共同体"', "数字经济", "电"]:
        full = [r["url"] for r in hs(page, q, 60)]
        for n in (1, 3, 10):
            page.reload()
            page.wait_for_function("typeof window.huikanSearch === 'function'")
            assert [r["url"] for r in hs(page, q, n)] == full[:n], (q, n)


def test_a_search_page_left_open_across_a_rebuild_reads_the_new_index(
    page, site_root, serve_dir, tmp_path
):
    """A reader keeps the search page open while the site is rebuilt with one bulletin
    fewer (a new segment layout, new shard and directory files), within the second (so a
    Last-Modified validator cannot tell the two manifests apart). The next search notices
    the new manifest, drops what it fetched under the old one, and answers from the new
    index: its count is the new site's, and no error is shown or logged."""
    build(site_root)
    served = tmp_path / "served"
    shutil.copytree(site_root / "build", served)
    base = serve_dir(served, last_modified_only=True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    q = "集成电路"
    page.goto(base + "search/?q=" + quote(q))
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('找到')")
    before = len(relevant(store_docs(served), q))
    assert f"找到 {before} 篇" in page.inner_text("#search-status")

    for f in (site_root / "issues").glob("2024-12-jiangsu-chuangye-touzi.*"):
        f.unlink()
    build(site_root)
    after = len(relevant(store_docs(site_root / "build"), q))
    assert after < before
    stamp = (served / "search" / "manifest.json").stat().st_mtime
    shutil.rmtree(served / "search")
    shutil.copytree(site_root / "build" / "search", served / "search")
    # the rebuild landed within the second: a server whose only validator is a one-second
    # Last-Modified answers the page's conditional request with 304 Not Modified
    os.utime(served / "search" / "manifest.json", (stamp, stamp))

    page.evaluate("window.huikanSearchEngine.RECHECK_MS = 0")  # not a minute later
    page.fill("#search-q", "")
    page.type("#search-q", q, delay=20)
    try:
        page.wait_for_function(
            f"document.querySelector('#search-status').textContent.includes('找到 {after} 篇')"
            " && !document.querySelector('#search-app').hasAttribute('aria-busy')"
        )
    except Exception as e:  # say what the page shows instead
        status = page.inner_text("#search-status")
        raise AssertionError(f"want 找到 {after} 篇, page says {status!r}; {errors}") from e
    assert "加载失败" not in page.inner_text("#search-app")
    page.wait_for_selector(".result-link")
    assert errors == []


def test_a_page_left_open_across_a_format_change_asks_for_a_reload(
    page, built_site, serve_dir, tmp_path
):
    """The site is rebuilt by a huikan whose index format differs (new shard encoding): the
    open page's scripts cannot read it, and say so — refresh the page — instead of
    misreading the new files."""
    served = tmp_path / "served"
    shutil.copytree(built_site.out, served)
    base = serve_dir(served)
    q = "集成电路"
    page.goto(base + "search/?q=" + quote(q))
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('找到')")
    manifest = served / "search" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["format"] = "huikan-search/999"
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    page.evaluate("window.huikanSearchEngine.RECHECK_MS = 0")
    page.fill("#search-q", "")
    page.type("#search-q", "半导体", delay=20)
    page.wait_for_function(
        "document.querySelector('#search-status').textContent.includes('请刷新页面')"
    )
    status = page.inner_text("#search-status")
    assert "新格式（huikan-search/999）" in status and "检查网络" not in status
    assert not page.query_selector(".result-link")


def test_a_score_lunr_js_disagrees_with_is_said_and_set_right(page, built_site, serve_dir):
    """The page has lunr.js score the results on screen again. Were rank() ever to disagree
    (here: scores raised by up to 4 times, more for some documents than others, so the
    order changes), the console says so, the results it checked take lunr.js's scores, and
    the window is sorted again until only checked results are in it: the same ten results,
    in the same order, with the same scores as without the fault."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(serve_dir(built_site.out) + "search/")
    page.wait_for_function("typeof window.huikanSearch === 'function'")
    docs = store_docs(built_site.out)
    query = max(dev_queries(), key=lambda q: len(relevant(docs, q)))
    right = hs(page, query, 10)
    assert len(right) == 10 and errors == []
    page.evaluate(
        """() => {
          const R = window.huikanSearchRank, rank = R.rank;
          R.rank = function () {
            const r = rank.apply(this, arguments);
            r.scores = r.scores.map((s, i) => s * (1 + ((r.docs[i] * 7919) % 13) / 4));
            return r;
          };
        }"""
    )
    assert hs(page, query, 10) == right
    assert errors and all("rank() and lunr.js disagree" in e for e in errors)
