"""Segment layout (huikan.search.segment.segment_ranges): what makes a new issue cheap to index
and a query cheap to answer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikan.search.segment import segment_ranges


@given(st.integers(0, 5000), st.sampled_from([(64, 4), (64, 64), (32768, 512), (8, 1)]))
def test_segments_cover_the_documents_in_few_sizes(n, sizes):
    size, unit = sizes
    ranges = segment_ranges(n, size, unit)
    assert [a for a, _ in ranges] == [0, *(b for _, b in ranges)][: len(ranges)]  # consecutive
    assert (ranges[-1][1] if ranges else 0) == n
    lengths = [b - a for a, b in ranges]
    whole = lengths[:-1] if lengths and lengths[-1] < unit else lengths
    assert all(length >= unit and size % length == 0 for length in whole)
    assert whole == sorted(whole, reverse=True)
    # at most one segment of each size below the largest, and a partial one
    halved = [x for x in whole if x < size]
    assert len(halved) == len(set(halved))
    assert len(ranges) <= n // size + (size // unit).bit_length() + 1


@given(st.integers(0, 3000), st.integers(1, 200))
def test_adding_documents_keeps_every_segment_before_the_change(n, k):
    old, new = segment_ranges(n, 64, 4), segment_ranges(n + k, 64, 4)
    kept = [r for r in old if r in new]
    assert kept == old[: len(kept)] == new[: len(kept)]  # a prefix of both layouts
    assert all(r in kept for r in old if r[1] - r[0] == 64)  # the largest are never redone


def test_each_document_is_indexed_again_once_per_size_at_most():
    """Growing the archive one document at a time, a document joins a new whole segment
    once per size (64, 32, …, 4): log-structured merging, not one rewrite per addition."""
    times = [0] * 3000
    layout: list[tuple[int, int]] = []
    for n in range(1, 3001):
        new = segment_ranges(n, 64, 4)
        for a, b in new:
            if (a, b) not in layout and b - a >= 4:
                for d in range(a, b):
                    times[d] += 1
        layout = new
    assert max(times) == (64 // 4).bit_length()


def test_sizes_must_halve_down_to_the_unit():
    with pytest.raises(ValueError):
        segment_ranges(10, 48, 5)
    with pytest.raises(ValueError):
        segment_ranges(10, 48, 16)  # 48 / 16 = 3
    assert segment_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]  # unit = size: equal segments


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
