"""huikan.site.cards: what templates show of an article or a bulletin."""

from __future__ import annotations

from pathlib import Path

from huikan.config import SiteConfig, load_config
from huikan.model import Article, BulletinMeta, IngestResult
from huikan.site.cards import article_card, bulletin_card, group_articles, original_link
from huikan.site.model import build_model

REPO = Path(__file__).resolve().parents[1]


def _bulletin(arts: list[Article], name: str = "b.md", config: SiteConfig | None = None):
    meta = BulletinMeta(title="科技参考", number="第8期", date="2024-04")
    result = IngestResult(bulletin=meta, articles=arts)
    model = build_model([(Path(name), result)], config or load_config(REPO / "site.yml"), {})
    return model.bulletins[0]


def _art(title: str, column: str | None = None, cluster: str = "综合") -> Article:
    return Article(title=title, text="正文。" * 10, column=column, cluster=cluster)


def test_a_bulletin_with_a_few_columns_is_grouped_by_column_in_reading_order():
    arts = [
        _art("甲", "理论", "新能源"),
        _art("乙", "理论", "医药健康"),
        _art("丙", "园区", "数字经济"),
        _art("丁", "理论", "节能环保"),
    ]  # three column runs against four clusters: fewer groups by column
    groups = group_articles(_bulletin(arts))
    assert [g["label"] for g in groups] == ["理论", "园区", "理论"]  # consecutive runs
    assert [a["title"] for g in groups for a in g["articles"]] == ["甲", "乙", "丙", "丁"]


def test_one_cluster_beats_three_column_runs():
    arts = [_art("甲", "理论"), _art("乙", "园区"), _art("丙", "理论")]
    assert [g["label"] for g in group_articles(_bulletin(arts))] == ["综合"]


def test_a_column_per_article_reads_better_by_cluster():
    arts = [_art("甲", "一", "新能源"), _art("乙", "二", "医药健康"), _art("丙", "三", "新能源")]
    groups = group_articles(_bulletin(arts))
    assert [g["label"] for g in groups] == ["新能源", "医药健康"]  # first appearance
    assert [a["title"] for a in groups[0]["articles"]] == ["甲", "丙"]
    assert groups[0]["url"].startswith("clusters/")


def test_cards_show_the_bulletin_and_link_the_original():
    b = _bulletin([_art("甲"), _art("乙")], name="2024-04-keji.md")
    card = bulletin_card(b)
    assert card["article_count"] == 2 and card["date_text"] == "2024年4月"
    assert [a["title"] for a in card["articles"]] == ["甲", "乙"]
    first = b.articles[0]
    assert article_card(first) is article_card(first)  # made once, shared
    assert article_card(first)["bulletin"] == b.display_title()
    link = original_link(first)
    assert link["kind"] == "text" and link["url"] == b.original_url
