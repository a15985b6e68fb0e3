"""release_memory gives a large freed allocation's pages back to the system."""

from __future__ import annotations

import sys

import pytest

from huikan.memory import release_memory


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_small_objects_leave_the_resident_set():
    release_memory()
    before = _rss()
    # many small strings: glibc's heap (below the mmap threshold), what ingest results are
    held = [("正文" * 200) + str(i) for i in range(200_000)]
    grown = _rss()
    assert grown - before > 10_000  # pages: the strings are resident (~160 MB)
    keep = held[::1000]  # a few survivors scattered through the heap, as in a real build
    del held
    assert release_memory()
    assert _rss() - before < (grown - before) / 2
    assert len(keep) == 200
