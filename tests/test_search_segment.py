"""Segment layout (huikan.search.segment.segment_ranges): what makes a new issue cheap to index
and a query cheap to answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikan.search.segment import segment_ranges

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
    # old keys never match a new segment (6: a big term's levels in a file of their own)
    assert KEY_FORMAT == b"huikan-search-segment/6\0"


def test_smaller_segments_have_smaller_shards():
    """A segment's shard budget goes as the square root of its size, not under a quarter of
    a full segment's: the archive's small tail segments cost less per query term."""
    from huikan.search.segment import shard_budget

    assert shard_budget(4000, 65536, 65536) == 4000
    assert shard_budget(4000, 8192, 65536) == 1414
    assert shard_budget(4000, 2048, 65536) == shard_budget(4000, 12, 65536) == 1000
    assert shard_budget(4000, 100_000, 65536) == 4000
