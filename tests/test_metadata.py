"""Masthead metadata: printed title, number, date and publisher; nothing invented."""

from __future__ import annotations

import pytest

from huikan.ingest.metadata import find_date, find_number, parse_masthead
from huikan.model import Block


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("第 8 期 (总第 39 期)", "第8期（总第39期）"),
        ("2024 年第 12 期（总第 250 期）", "2024年第12期（总第250期）"),
        ("2024年第12期", "2024年第12期"),
        ("第三期", "第三期"),
        ("没有期号的一行", None),
    ],
)
def test_number(text, number):
    assert find_number(text) == number


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024 年 4 月", "2024-04"),
        ("2024年12月31日", "2024-12-31"),
        ("2023.6", "2023-06"),
        ("2024 年 13 月", None),
        ("第 8 期", None),
    ],
)
def test_date(text, date):
    assert find_date(text) == date


def test_masthead():
    meta = parse_masthead(
        [
            Block("内部资料 注意保存"),
            Block("科技参考", heading=1),
            Block("产业科技动态·新兴产业"),
            Block("第 8 期 (总第 39 期)"),
            Block("徐州市科学技术局\n徐州市科技情报研究所"),
            Block("2024 年 4 月"),
        ]
    )
    assert (meta.title, meta.number, meta.date, meta.publisher) == (
        "科技参考·产业科技动态·新兴产业",
        "第8期（总第39期）",
        "2024-04",
        "徐州市科学技术局",
    )


def test_no_masthead_means_no_title():
    """A bulletin that opens with an article has no printed masthead: the title stays None."""
    meta = parse_masthead([Block("以创新链之强托举产业链之优")])
    assert (meta.title, meta.number, meta.date, meta.publisher) == (None, None, None, None)


def test_masthead_run_together_on_one_line():
    """The reader joined the issue line, publisher and date into one long line: the date and
    publisher on it are still the masthead's (a long line is otherwise prose mentioning a date)."""
    meta = parse_masthead(
        [
            Block("江苏创业投资", size=2.35),
            Block(
                "JIANGSU VENTURE CAPITAL 2024 年第 12 期（总第 250 期） 江苏省创业投资协会 主办 "
                "2024 年 12 月 31 日"
            ),
        ]
    )
    assert (meta.title, meta.number, meta.date, meta.publisher) == (
        "江苏创业投资",
        "2024年第12期（总第250期）",
        "2024-12-31",
        "江苏省创业投资协会",
    )
