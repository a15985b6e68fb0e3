"""Segment layout (huikan.search.segment.segment_ranges): what makes a new issue cheap to index
and a query cheap to answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikan.search.segment import (
    SEGMENT_DOCS,
    SEGMENT_MIDDLE,
    SEGMENT_UNIT,
    segment_ranges,
    settled_count,
)

LAYOUTS = [(64, 4, 16), (64, 4, None), (64, 64, None), (65536, 512, 4096), (8, 1, 2), (48, 4, 16)]


@given(st.integers(0, 5000), st.sampled_from(LAYOUTS))
def test_segments_cover_the_documents_in_few_sizes(n, layout):
    size, unit, middle = layout
    ranges = segment_ranges(n, size, unit, middle)
    assert [a for a, _ in ranges] == [0, *(b for _, b in ranges)][: len(ranges)]  # consecutive
    assert (ranges[-1][1] if ranges else 0) == n
    lengths = [b - a for a, b in ranges]
    full = n // size
    assert lengths[:full] == [size] * full
    # then one segment per smaller level (a whole number of its units, fewer than fit in the
    # level above), then the rest, under one unit
    levels = [x for x in (middle, unit) if x and unit <= x < size]
    rest, left = lengths[full:], n - full * size
    expected = []
    for step in levels:
        if left // step:
            expected.append(left // step * step)
        left %= step
    assert rest == expected + ([left] if left else [])
    assert len(ranges) <= full + len(levels) + 1


@given(st.integers(0, 3000), st.integers(1, 200), st.sampled_from([16, None]))
def test_adding_documents_keeps_every_segment_before_the_change(n, k, middle):
    old, new = segment_ranges(n, 64, 4, middle), segment_ranges(n + k, 64, 4, middle)
    kept = [r for r in old if r in new]
    assert kept == old[: len(kept)] == new[: len(kept)]  # a prefix of both layouts
    assert all(r in kept for r in old if r[1] - r[0] == 64)  # the largest are never redone
    if n % 4 + k < 4:  # the new documents complete no unit: only the partial one changes
        assert len(kept) >= len(old) - 1


def _times_indexed(n: int, *layout: int | None) -> list[int]:
    """How often each document joins a new segment of whole units, the archive growing one
    document at a time."""
    times = [0] * n
    before: list[tuple[int, int]] = []
    for count in range(1, n + 1):
        now = segment_ranges(count, *layout)
        for a, b in now:
            if (a, b) not in before and (b - a) % layout[1] == 0:
                for d in range(a, b):
                    times[d] += 1
        before = now
    return times


def test_a_document_is_indexed_again_a_bounded_number_of_times():
    """A log-structured merge: a document is indexed again when the units of its level fill
    up (at most size / middle + middle / unit - 1 times in all), not once per addition;
    without the middle level, up to size / unit times."""
    assert max(_times_indexed(3000, 64, 4, 16)) == 64 // 16 + 16 // 4 - 1
    assert max(_times_indexed(3000, 64, 4)) == 64 // 4
    assert max(_times_indexed(3000, 128, 1, 8)) == 128 // 8 + 8 - 1  # SEGMENT_* at 1/512


def test_sizes_must_divide():
    with pytest.raises(ValueError):
        segment_ranges(10, 48, 5)
    with pytest.raises(ValueError):
        segment_ranges(10, 48, 4, 32)  # 48 / 32
    with pytest.raises(ValueError):
        segment_ranges(10, 48, 96)
    assert segment_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]  # unit = size: equal segments
    assert segment_ranges(10, 4, 1, 4096) == [(0, 4), (4, 8), (8, 10)]  # a middle that does not fit
    # 5,000 bulletins: 4 segments, where halving sizes down to 512 made 5
    assert segment_ranges(79923, 65536, 512, 4096) == [
        (0, 65536),
        (65536, 77824),
        (77824, 79872),
        (79872, 79923),
    ]


def test_the_default_layout_keeps_queries_to_few_segments():
    """The defaults: 5,000 bulletins (79,696 articles) in 2 segments (the three levels of
    before made 4, the last two 2.3 % of the articles and 46 % of a query's shard requests),
    and a new bulletin (16 articles) indexes again only the rest after the last whole unit
    (under SEGMENT_UNIT articles) unless it completes one."""
    layout = (SEGMENT_DOCS, SEGMENT_UNIT, SEGMENT_MIDDLE)
    assert segment_ranges(79696, *layout) == [(0, 77824), (77824, 79696)]
    assert segment_ranges(140000, *layout) == [(0, 131072), (131072, 139264), (139264, 140000)]
    assert segment_ranges(16060, *layout) == [(0, 14336), (14336, 16060)]  # 1,000 bulletins
    for n in range(60000, 140000, 997):
        old, new = segment_ranges(n, *layout), segment_ranges(n + 16, *layout)
        redone = [r for r in new if r not in old]
        if n % SEGMENT_UNIT + 16 < SEGMENT_UNIT:
            assert redone == [new[-1]] and new[-1][1] - new[-1][0] < SEGMENT_UNIT
        assert len(new) <= 1 + (n + 16) // SEGMENT_DOCS + 1


@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=60),  # articles per month, oldest first
    st.integers(1, 40),
    st.sampled_from([(64, 8, None), (64, 4, 16), (32, 32, None)]),
)
def test_an_issue_of_the_newest_month_changes_only_the_last_segment(months, k, layout):
    """Documents numbered by date: the next issue of the newest month sorts among that
    month's articles, so the numbers from the month's first article on change. With the
    newest month held out of whole units (settled_count), only the last segment changes,
    wherever a unit's end falls; every segment but the last ends at a whole unit, before the
    newest month; a month larger than a unit is not held back."""
    size, unit, middle = layout
    dates = [f"{m:04d}" for m, count in enumerate(months) for _ in range(count)]
    n = len(dates)
    settled = settled_count(dates, unit)
    newest = n - months[-1]
    assert settled == (newest if months[-1] <= unit else n)
    old = segment_ranges(n, size, unit, middle, settled)
    new = segment_ranges(n + k, size, unit, middle, settled_count(dates + [dates[-1]] * k, unit))
    if months[-1] + k <= unit:  # the month still held back after the issue
        assert old[:-1] == new[:-1] and old[-1][0] == new[-1][0]
    assert all(b % unit == 0 and b <= settled for _, b in old[:-1])
    assert [a for a, _ in old] == [0, *(b for _, b in old)][: len(old)] and old[-1][1] == n


def test_settled_count():
    assert settled_count([], 8) == 0
    assert settled_count(["", "", "2024-04"], 8) == 2  # undated first, the newest month held
    assert settled_count(["2024-03", "2024-04", "2024-04"], 8) == 1
    assert settled_count(["2024-04"] * 9, 8) == 9  # one date for everything: not held back
    assert settled_count(["2024-04"] * 8, 8) == 0


def test_cached_infos_of_another_format_are_not_reused(tmp_path):
    """An info cached by an older format (here with format 4's group count) is never taken
    for the current one: the segment is indexed again."""
    import marshal
    from dataclasses import asdict

    from huikan.search.segment import KEY_FORMAT, InfoCache, SegmentInfo

    info = SegmentInfo("a b", 129, [7, 40], "能源 新能", 1000, "ab", b"", 10, 5, 20, 8)
    cache = InfoCache(tmp_path)
    cache.put("new", info)
    assert InfoCache(tmp_path).get("new") == info
    assert (
        info.separators() == ["a", "b"]
        and info.big_terms() == ["能源", "新能"]
        and SegmentInfo("", 1, [], "", 0, "", b"", 0, 0, 0, 0).separators() == []
    )
    (tmp_path / "old.marshal").write_bytes(marshal.dumps({**asdict(info), "groups": 3}))
    assert InfoCache(tmp_path).get("old") is None
    # old keys never match a new segment (7: a big term's whole file too)
    assert KEY_FORMAT == b"huikan-search-segment/7\0"


def test_smaller_segments_have_smaller_shards():
    """A segment's shard budget goes as the square root of its size, not under a quarter of
    a full segment's: the archive's small tail segments cost less per query term."""
    from huikan.search.segment import shard_budget

    assert shard_budget(4000, 65536, 65536) == 4000
    assert shard_budget(4000, 8192, 65536) == 1414
    assert shard_budget(4000, 2048, 65536) == shard_budget(4000, 12, 65536) == 1000
    assert shard_budget(4000, 100_000, 65536) == 4000
