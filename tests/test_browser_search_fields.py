"""Issue 13 in headless Chromium on the sample site: metadata fields, cluster aliases, field
prefixes, traditional characters, the trend chart, and axe-core.

The queries come from the built site itself (every cluster name and alias, every source and
byline the store holds), and so does relevance: an article is relevant when the text of its
page (the ``<article>`` element: title, column, cluster tag, byline, source, bulletin, body)
contains the query, or when its cluster's name is the query.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from conftest import REPO, SCREENSHOTS
from huikan.config import load_config
from huikan.search.store import read_store

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TRADITIONAL = {"集成電路": "集成电路", "新能源汽車": "新能源汽车", "數字經濟": "数字经济"}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def page_text(site: Path, url: str) -> str:
    """The text of an article page's <article> element, tags removed."""
    raw = (site / url / "index.html").read_text("utf-8")
    m = re.search(r'<article class="article".*?</article>', raw, re.S)
    assert m, url
    return html.unescape(re.sub(r"<[^>]+>", " ", m.group()))


@pytest.fixture(scope="module")
def archive(built_site):
    """url → {"text": squashed page text, "cluster": name, "doc": stored record}."""
    site = built_site.out
    manifest = json.loads((site / "search" / "manifest.json").read_text("utf-8"))
    out = {}
    for d in read_store(site / "search"):
        out[d["url"]] = {
            "text": squash(page_text(site, d["url"])),
            "cluster": manifest["clusters"][d["cluster"]][0],
            "doc": d,
        }
    return out


def relevant(archive: dict, query: str) -> set[str]:
    parts = [squash(p) for p in query.split()]
    return {
        u
        for u, a in archive.items()
        if all(p in a["text"] for p in parts) or squash(a["cluster"]) == squash(query)
    }


@pytest.fixture
def search_page(page, built_site, serve_dir):
    base = serve_dir(built_site.out)
    page.goto(base + "search/")
    page.wait_for_function("typeof window.huikanSearch === 'function'")
    return page, base


def hs(page, query: str, limit: int = 10_000, **opts) -> list[str]:
    return [
        r["url"]
        for r in page.evaluate(
            "([q, o]) => window.huikanSearch(q, o)", [query, {"limit": limit, **opts}]
        )
    ]


def check_axe(page, name: str) -> None:
    """axe-core: no violation of serious or critical impact."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{name}: {bad}"


def test_cluster_names_sources_and_bylines_reach_full_recall(search_page, built_site, archive):
    page, _ = search_page
    config = load_config(built_site.root / "site.yml")
    tagged: dict[str, set[str]] = {}
    for u, a in archive.items():
        tagged.setdefault(a["cluster"], set()).add(u)
    sources = sorted({a["doc"]["source"] for a in archive.values() if a["doc"].get("source")})
    bylines = sorted({a["doc"]["byline"] for a in archive.values() if a["doc"].get("byline")})
    assert len(tagged) >= 8 and sources and bylines
    report: dict[str, list[tuple[str, int, int]]] = {"cluster": [], "source": [], "byline": []}
    for kind, queries in (("cluster", sorted(tagged)), ("source", sources), ("byline", bylines)):
        for q in queries:
            found = set(hs(page, q))
            want = relevant(archive, q)
            assert want, q
            assert want <= found, f"{kind} {q}: missed {sorted(want - found)}"
            report[kind].append((q, len(want), len(found)))
    # every alias of a cluster finds every article tagged with it
    for c in config.taxonomy.clusters:
        for alias in c.aliases:
            found = set(hs(page, alias))
            assert tagged.get(c.name, set()) <= found, alias
    # the table: 集成电路 → the 11 tagged 集成电路与ICT and those mentioning it
    ic = set(hs(page, "集成电路"))
    # (how many are tagged depends on the tagger: 11 when the issue was filed, 10 since one
    # alliance-standard item went to 综合, which its gold also accepts)
    assert len(tagged["集成电路与ICT"]) >= 10 and tagged["集成电路与ICT"] <= ic
    assert relevant(archive, "集成电路") <= ic
    assert len(tagged["数字经济"]) >= 6 and tagged["数字经济"] <= set(hs(page, "数字经济"))
    print(json.dumps({k: len(v) for k, v in report.items()}, ensure_ascii=False))


def test_title_and_cluster_hits_rank_first(search_page, archive):
    page, _ = search_page
    for q in ["集成电路", "数字经济", "新材料", "安全应急"]:
        urls = hs(page, q)
        top = [
            squash(q) in squash(archive[u]["doc"]["title"])
            or squash(q) in squash(archive[u]["cluster"])
            for u in urls
        ]
        assert top == sorted(top, reverse=True), q  # no passing mention above them


def test_field_prefixes(search_page, archive):
    page, _ = search_page
    docs = {u: a["doc"] for u, a in archive.items()}
    source = next(d["source"] for d in docs.values() if d.get("source"))
    # a person's name from a byline ("节能环保产业研究团队 吴悄然" → 吴悄然)
    byline = next(
        d["byline"].split()[-1] for d in docs.values() if len(d.get("byline", "").split()) > 1
    )
    for prefix, key, value in (
        ("来源:", "source", source),
        ("来源：", "source", source),
        ("供稿:", "source", source),
        ("作者:", "byline", byline),
        ("作者：", "byline", byline),
        ("标题:", "title", "集成电路"),
    ):
        urls = hs(page, prefix + value)
        want = {u for u, d in docs.items() if squash(value) in squash(d.get(key, ""))}
        assert set(urls) == want, prefix + value
        assert set(urls) <= set(hs(page, value))
    # 集群: the cluster's name or alias, and nothing else (not a mention in the text)
    urls = set(hs(page, "集群:新材料"))
    assert urls == {u for u, a in archive.items() if a["cluster"] == "新材料"}
    assert urls < set(hs(page, "新材料"))
    assert set(hs(page, "集群:绿色低碳能源")) == {
        u for u, a in archive.items() if a["cluster"] == "新能源"
    }


def test_traditional_queries_find_what_simplified_finds(search_page, archive):
    from opencc import OpenCC

    page, _ = search_page
    s2t = OpenCC("s2t")
    queries = dict(TRADITIONAL)
    for name in sorted({a["cluster"] for a in archive.values()}):
        trad = s2t.convert(name)
        if trad != name:
            queries[trad] = name
    assert len(queries) > 5
    for trad, simp in queries.items():
        a, b = set(hs(page, trad)), set(hs(page, simp))
        assert b, simp
        jaccard = len(a & b) / len(a | b)
        assert jaccard >= 0.9, (trad, simp, jaccard)
    # on the page: the status says which simplified query ran
    page.goto(page.url.split("?")[0] + "?q=" + quote("集成電路"))
    page.wait_for_selector(".result-link")
    assert "已按简体“集成电路”查找" in page.inner_text("#search-status")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "search-traditional-1280.png"))


def test_trend_chart_counts_and_filters(search_page):
    page, base = search_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "search/?q=" + quote("集成电路"))
    page.wait_for_selector(".trend-bar")
    total = len(hs(page, "集成电路"))
    counts = page.eval_on_selector_all(".trend-bar", "as => as.map(a => +a.dataset.count)")
    assert sum(counts) == total and all(counts)
    labels = page.eval_on_selector_all(
        ".trend-bar", "as => as.map(a => a.getAttribute('aria-label'))"
    )
    assert all(re.fullmatch(r"\d{4}年(\d{1,2}月)?：\d+ 篇", x) for x in labels), labels
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search-trend-1280.png"))

    # click the tallest bar: only that period, in the URL, the bar marked as chosen
    i = counts.index(max(counts))
    period = page.eval_on_selector_all(".trend-bar", f"as => as[{i}].dataset.period")
    page.click(f".trend-bar >> nth={i}")
    page.wait_for_function(f"new URLSearchParams(location.search).get('period') === '{period}'")
    page.wait_for_function(f"document.querySelectorAll('.result-link').length === {counts[i]}")
    assert f"找到 {counts[i]} 篇文章" in page.inner_text("#search-status")
    y, m = period.split("-")
    metas = page.eval_on_selector_all(".result-meta", "ps => ps.map(p => p.textContent)")
    assert metas and all(f"{y}年{int(m)}月" in x for x in metas)
    assert page.get_attribute(".trend-bar.is-selected", "aria-current") == "true"
    assert len(hs(page, "集成电路", period=period)) == counts[i]  # huikanSearch agrees
    page.screenshot(path=str(SCREENSHOTS / "search-trend-period-1280.png"))
    check_axe(page, "search, one period")

    # the keyboard: Tab reaches the bars, Enter on the chosen one shows every period again
    page.focus(".trend-bar.is-selected")
    page.keyboard.press("Enter")
    page.wait_for_function("!new URLSearchParams(location.search).get('period')")
    page.wait_for_function(
        f"document.querySelector('#search-status').textContent.includes('找到 {total} 篇')"
    )
    page.focus("#search-q")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('trend-bar')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('trend-bar')")
    first = page.evaluate("document.activeElement.dataset.period")
    page.keyboard.press("Enter")
    page.wait_for_function(f"new URLSearchParams(location.search).get('period') === '{first}'")
    # back restores every period
    page.go_back()
    page.wait_for_function("!new URLSearchParams(location.search).get('period')")
    # typing a new query forgets the period chosen on the previous chart
    page.click(".trend-bar >> nth=0")
    page.wait_for_function("!!new URLSearchParams(location.search).get('period')")
    page.fill("#search-q", "数字经济")
    page.wait_for_function(
        "new URLSearchParams(location.search).get('q') === '数字经济'"
        " && !new URLSearchParams(location.search).get('period')"
    )


def test_cluster_page_trend_chart(page, built_site, serve_dir, archive):
    base = serve_dir(built_site.out)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "clusters/ic-ict/")
    counts = page.eval_on_selector_all(".trend-bar", "as => as.map(a => +a.dataset.count)")
    assert sum(counts) == sum(1 for a in archive.values() if a["cluster"] == "集成电路与ICT")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "cluster-trend-1280.png"))
    check_axe(page, "cluster page")
    # a bar leads to the search page, that cluster and that period
    href = page.get_attribute(".trend-bar >> nth=0", "href")
    n = int(page.get_attribute(".trend-bar >> nth=0", "data-count"))
    page.click(".trend-bar >> nth=0")
    page.wait_for_selector(".result-link")
    q = parse_qs(urlparse(page.url).query)
    assert q["cluster"] == ["ic-ict"] and q["period"] and href
    page.wait_for_function(f"document.querySelectorAll('.result-link').length === {n}")


def test_search_page_is_accessible(search_page):
    page, base = search_page
    page.set_viewport_size({"width": 1280, "height": 900})
    for url in ["search/?q=" + quote("作者:张勇慈"), "search/?q=" + quote("数字经济"), "search/"]:
        page.goto(base + url)
        page.wait_for_function("!document.querySelector('#search-app').hasAttribute('aria-busy')")
        page.wait_for_timeout(200)
        check_axe(page, url)
    page.goto(base + "search/?q=" + quote("来源:经济参考报"))
    page.wait_for_selector(".result-link")
    page.screenshot(path=str(SCREENSHOTS / "search-prefix-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "search/?q=" + quote("集成电路"))
    page.wait_for_selector(".trend-bar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "search-trend-390.png"))
