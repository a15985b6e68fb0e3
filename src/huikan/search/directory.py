"""The directories of the two-level term lookup (see :mod:`huikan.search.shard`): the
manifest's bounds, and for each range ``g/<j>.json`` listing every segment's shard separators
inside it — and its split terms, so the browser knows a frequent word is in the index
without fetching it. Here because they are written from every segment's figures (its
:class:`~huikan.search.segment.SegmentInfo`), once per build, where shards are made per
segment."""

from __future__ import annotations

import bisect
import itertools

from huikan.compactjson import dumps as compact
from huikan.search.index import utf16_key
from huikan.search.shard import DIRECTORY_SEPARATORS


def directories(
    segment_seps: list[list[str]],
    size: int = DIRECTORY_SEPARATORS,
    segment_big: list[list[str]] | None = None,
) -> tuple[list[str], list[bytes]]:
    """The lookup's ranges for segments whose shards have the separators ``segment_seps``:
    the bounds (every ``size``-th of all segments' separators in UTF-16 order, so a directory
    lists at most ``size``) and each range's directory file. A term t in range j,
    [bounds[j-1], bounds[j]), is in segment s's shard ``k[s] + shard_of(t, seps[s])``:
    ``k[s]`` counts the segment's separators <= the range's lowest bound, ``seps[s]`` are
    those inside it.

    ``segment_big``: each segment's split terms (a shard, a levels and a whole file each,
    in order); a directory lists those in its range, ``big[s]``, so the browser knows such a
    word is in the index without fetching it — it fetches it only when the query scores it
    (a query's sub-words only tell which of its words is the longest, and a frequent one's
    documents were ~10 kB of a cold page)."""
    every = sorted((sep for seps in segment_seps for sep in seps), key=utf16_key)
    bounds = [b for b, _ in itertools.groupby(every[size::size])]  # segments share separators
    keys = [[utf16_key(sep) for sep in seps] for seps in segment_seps]
    big = segment_big or [[] for _ in segment_seps]
    big_keys = [[utf16_key(t) for t in terms] for terms in big]
    edges = [None, *(utf16_key(b) for b in bounds), None]
    files = []
    for lo, hi in itertools.pairwise(edges):
        first, inside, big_inside = [], [], []
        for seps, sk, terms, tk in zip(segment_seps, keys, big, big_keys, strict=True):
            a = 0 if lo is None else bisect.bisect_right(sk, lo)
            b = len(sk) if hi is None else bisect.bisect_left(sk, hi)
            first.append(a)
            inside.append(" ".join(seps[a:b]))
            a = 0 if lo is None else bisect.bisect_left(tk, lo)
            b = len(tk) if hi is None else bisect.bisect_left(tk, hi)
            big_inside.append(" ".join(terms[a:b]))
        entry = {"k": first, "seps": inside}
        if any(big_inside):
            entry["big"] = big_inside
        files.append(compact(entry))
    return bounds, files
