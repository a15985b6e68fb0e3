"""Feeds, sitemap and robots.txt of the built sample site."""

import xml.etree.ElementTree as ET

from conftest import build

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_site_feed_is_valid_atom_newest_first(built_site):
    feed = ET.parse(built_site.out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find(f"{ATOM}updated").text == updated[0]
    for e in entries:
        assert e.find(f"{ATOM}title").text and e.find(f"{ATOM}id").text
        assert e.find(f"{ATOM}link").get("href").endswith("/")


def test_cluster_feeds_hold_only_their_cluster(built_site):
    feeds = [p for p in built_site.manifest["pages"] if p["kind"] == "feed" and "cluster" in p]
    assert feeds
    for f in feeds:
        root = ET.parse(built_site.out / f["path"]).getroot()
        terms = {c.get("term") for c in root.iter(f"{ATOM}category")}
        assert terms <= {f["cluster"]}


def test_feeds_and_sitemap_use_absolute_urls_with_a_full_base_url(site_root, tmp_path):
    out = tmp_path / "site"
    build(site_root, out, base_url="https://example.org/huikan/")
    locs = [e.text for e in ET.parse(out / "sitemap.xml").getroot().iter(f"{SM}loc")]
    assert locs and all(u.startswith("https://example.org/huikan/") for u in locs)
    assert all(" " not in u and all(ord(ch) < 128 for ch in u) for u in locs)  # percent-encoded
    assert "https://example.org/huikan/" in locs
    assert not any("404" in u or "search" in u for u in locs)
    feed = ET.parse(out / "feed.xml").getroot()
    for link in feed.iter(f"{ATOM}link"):
        assert link.get("href").startswith("https://example.org/huikan/")
    robots = (out / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.org/huikan/sitemap.xml" in robots
    html = (out / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/huikan/">' in html


def _locs(path):
    return [e.text for e in ET.parse(path).getroot().iter(f"{SM}loc")]


def test_a_site_too_large_for_one_sitemap_gets_an_index_of_one_per_year(
    site_root, tmp_path, built_site, monkeypatch
):
    """Past the protocol's 50,000 URLs a sitemap is rejected: sitemap.xml becomes a sitemap
    index of files by year (here with a limit of 10 URLs, so the sample site needs it)."""
    import huikan.site.sitemap as sitemap
    from huikan.site.linkcheck import check_site

    base = "https://example.org/huikan/"
    whole = [u.removeprefix("/") for u in _locs(built_site.out / "sitemap.xml")]
    monkeypatch.setattr(sitemap, "SITEMAP_MAX", 10)
    out = tmp_path / "site"
    build(site_root, out, base_url=base)
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    files = _locs(out / "sitemap.xml")
    assert len(files) >= 3 and all(f.startswith(base + "sitemaps/") for f in files)
    names = [f.removeprefix(base + "sitemaps/").removesuffix(".xml") for f in files]
    assert all(n.split("-")[0] == "pages" or n[:4].isdigit() for n in names), names
    urls = []
    for f in files:
        part = ET.parse(out / f.removeprefix(base)).getroot()
        assert part.tag == f"{SM}urlset"
        locs = _locs(out / f.removeprefix(base))
        assert 0 < len(locs) <= 10
        urls += [u.removeprefix(base) for u in locs]
    assert sorted(urls) == sorted(whole)  # the same pages, each once
    assert check_site(out, base) == []
