"""Page planning (huikan.site.pages): the numbered pages of a cluster and their links."""

from __future__ import annotations

from pathlib import Path

from huikan.config import SiteConfig
from huikan.model import Article, BulletinMeta, IngestResult
from huikan.site.model import build_model
from huikan.site.pages import PagePlanner, page_window


def test_short_lists_link_every_page():
    assert page_window(1, 1) == [1]
    assert page_window(3, 5) == [1, 2, 3, 4, 5]


def test_long_lists_link_page_one_and_the_neighbourhood_with_gaps():
    assert page_window(1, 10) == [1, 2, 3]
    assert page_window(6, 10) == [1, 0, 4, 5, 6, 7, 8]
    assert page_window(10, 10) == [1, 0, 8, 9, 10]


def test_the_links_of_a_page_do_not_depend_on_how_many_pages_follow_it():
    assert all(page_window(n, n + 3) == page_window(n, n + 300) for n in range(1, 50))
    sizes = {len(page_window(n, 4000)) for n in range(1, 4001)}
    assert max(sizes) <= 7


def _model(n_bulletins: int):
    results = []
    for i in range(n_bulletins):
        year, month = 2000 + i // 12, i % 12 + 1
        arts = [Article(title=f"第{i}期 文章{k}", text="正文。" * 20) for k in range(2)]
        meta = BulletinMeta(title="科技参考", date=f"{year}-{month:02d}")
        results.append((Path(f"b{i:03d}.md"), IngestResult(bulletin=meta, articles=arts)))
    return build_model(results, SiteConfig(per_page=3), {})


def _cluster_pages(model):
    planner = PagePlanner(model, base_url="/", asset_version="v")
    return {p.path: p for p in planner.cluster_pages(model.clusters[0])}


def test_numbered_pages_hold_every_article_once_oldest_first_and_do_not_shift():
    before = _cluster_pages(_model(20))  # 40 articles, 3 to a page
    shown = []
    for p in before.values():
        shown += [a["url"] for a in p.data()["articles"]]
    assert len(shown) == len(set(shown)) == 40
    page1 = before["clusters/general/page/1/index.html"].data()["articles"]
    # page 1: the three oldest, in the cluster's order (newest issue first, reading order)
    assert [a["title"] for a in page1] == ["第1期 文章1", "第0期 文章0", "第0期 文章1"]
    after = _cluster_pages(_model(21))  # one more issue: two more articles
    changed = [p for p in after if p not in before or after[p].inputs != before[p].inputs]
    # the landing page, the new page and its neighbours' links: not the other ten
    assert len(changed) <= 5, changed


def test_the_archive_page_is_keyed_by_idents_and_laid_out_only_when_rendered():
    from huikan.site.keys import page_key

    def archive(model):
        return PagePlanner(model, base_url="/", asset_version="v").archive()

    page = archive(_model(5))
    assert callable(page.context)  # no card made to find the page unchanged
    assert page_key("s", archive(_model(5))) == page_key("s", page)
    cards = [b for y in page.data()["years"] for m in y["months"] for b in m["bulletins"]]
    assert len(cards) == 5 and all(c["article_count"] == 2 for c in cards)
    assert page_key("s", archive(_model(6))) != page_key("s", page)  # a new issue
    renamed = _model(5)
    renamed.bulletins[2].articles[0].article.title = "改过的标题"  # what a card shows
    renamed.bulletins[2].articles[0]._ident = None
    renamed.bulletins[2]._ident = None
    renamed.bulletins[2].digest = "changed"
    assert page_key("s", archive(renamed)) != page_key("s", page)


def test_idents_are_short_and_differ():
    model = _model(3)
    idents = [b.ident for b in model.bulletins] + [a.ident for a in model.articles]
    assert all(len(i) == 32 for i in idents)
    assert len(set(idents)) == len(idents)
