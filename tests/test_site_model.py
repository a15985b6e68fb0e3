"""The site model from hand-made ingest results (no ingest involved)."""

from pathlib import Path

from conftest import REPO
from huikan.config import load_config
from huikan.model import Article, BulletinMeta, IngestResult
from huikan.site.model import RESERVED, build_model, bulletin_slugs
from huikan.site.textutil import format_date

CONFIG = load_config(REPO / "site.yml")


def result(date, titles, cluster="新能源", title="简报"):
    arts = [Article(title=t, text=f"{t}的正文。", cluster=cluster) for t in titles]
    return IngestResult(BulletinMeta(title=title, date=date), arts)


def test_bulletin_slugs_sanitised_unique_and_never_reserved():
    paths = [Path("a/x.pdf"), Path("b/x.txt"), Path("archive.md"), Path("../../evil.md")]
    slugs = bulletin_slugs(paths, [None, None, None, None])
    assert len(set(slugs)) == 4
    assert not set(slugs) & RESERVED
    assert slugs[3] == "evil"
    assert bulletin_slugs([Path("y.md")], ["../My Slug"]) == ["my-slug"]


def test_bulletins_newest_first_and_undated_last():
    res = [
        (Path("b.md"), result("2023-12", ["甲"])),
        (Path("a.md"), result(None, ["乙"])),
        (Path("c.md"), result("2024-04", ["丙"])),
        (Path("d.md"), result("2024-04", ["丁"])),
    ]
    m = build_model(res, CONFIG, {})
    assert [b.slug for b in m.bulletins] == ["c", "d", "b", "a"]
    # the same input in another order gives the same model
    m2 = build_model(res[::-1], CONFIG, {})
    assert [a.url for a in m2.articles] == [a.url for a in m.articles]


def test_article_urls_do_not_depend_on_position():
    titles = [
        "让数字经济成为发展新质生产力的主战场",
        "全球半导体复苏势头不减",
        "微迈思半导体攻克技术",
    ]
    full = build_model([(Path("x.md"), result("2024-04", titles))], CONFIG, {})
    # the splitter finds one article fewer (or one more) elsewhere in the bulletin
    fewer = build_model([(Path("x.md"), result("2024-04", titles[1:]))], CONFIG, {})
    more = build_model([(Path("x.md"), result("2024-04", ["新发现的文章", *titles]))], CONFIG, {})
    urls = {a.title: a.url for a in full.articles}
    for m in (fewer, more):
        for a in m.articles:
            if a.title in urls:
                assert a.url == urls[a.title]


def test_clusters_related_and_unknown_cluster_names():
    res = [
        (Path(f"{i:02d}.md"), result(f"2024-{i:02d}", [f"文章{i}甲", f"文章{i}乙"]))
        for i in range(1, 9)
    ]
    res.append((Path("z.md"), result("2024-10", ["奇怪的"], cluster="不存在的集群")))
    m = build_model(res, CONFIG, {})
    names = [c.cluster.name for c in m.clusters]
    assert names[0] == "新能源" and "不存在的集群" in names
    energy = m.clusters[0]
    assert len(energy.articles) == 16
    for a in energy.articles:
        assert 0 < len(a.related) <= 5
        assert all(r.bulletin is not a.bulletin for r in a.related)
        assert all(r.cluster is a.cluster for r in a.related)


def test_related_lists_are_local_so_a_new_issue_changes_few():
    res = [(Path(f"{i:02d}.md"), result(f"2020-{i:02d}", [f"文章{i}"])) for i in range(1, 13)]
    before = build_model(res, CONFIG, {})
    after = build_model([*res, (Path("13.md"), result("2021-01", ["最新"]))], CONFIG, {})
    rel = {a.url: [r.url for r in a.related] for a in before.articles}
    changed = [
        a.url for a in after.articles if a.url in rel and rel[a.url] != [r.url for r in a.related]
    ]
    assert 0 < len(changed) <= 5


def test_format_date():
    assert format_date("2024-04") == "2024年4月"
    assert format_date("2024-12-31") == "2024年12月31日"
    assert format_date("2024") == "2024年"
    assert format_date(None) == "" and format_date("someday") == ""


def test_unsafe_cluster_slugs_from_site_yml_are_sanitised():
    from dataclasses import replace

    from huikan.config import Taxonomy

    clusters = [replace(c) for c in CONFIG.taxonomy.clusters]
    clusters[0] = replace(clusters[0], slug="../../etc")
    cfg = replace(CONFIG, taxonomy=Taxonomy(clusters))
    m = build_model([(Path("x.md"), result("2024-04", ["甲"], cluster=clusters[0].name))], cfg, {})
    assert m.clusters[0].url == "clusters/etc/"
    assert m.articles[0].cluster.slug == "etc"
