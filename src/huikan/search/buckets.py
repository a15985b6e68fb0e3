"""The token cache's bucket files: chunks appended as a build adds entries, read as one dict.

A bucket file is a sequence of chunks, each an 8-byte little-endian length and a ``marshal``
dump of a dict of entries. A cold build of a large archive adds entries to every bucket in
every segment and drops the buckets from memory between segments (they are gigabytes): a
bucket rewritten whole at each segment was written again with everything it held — at
5,000 bulletins ~4.5 times the final cache, about 5 GB of writes for a 1.4 GB cache. Appended,
each entry is written once; pruning and merging write a bucket as one chunk again.

An append is not atomic: a build killed in the middle of one leaves a torn last chunk. The
reader keeps the chunks before it and says the file is torn; the cache then rewrites that
bucket whole (atomically) the next time it writes it, never appending after the tear. A
bucket a build appends to without having read it is checked first (:func:`is_whole`).
"""

from __future__ import annotations

import io
import marshal
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from huikan.search.arrays import unique_sorted

_LENGTH = 8  # bytes of a chunk's length prefix


def read_bucket(path: Path) -> tuple[dict[str, Any], bool]:
    """A bucket file's entries (later chunks win) and whether the file was whole: False
    when it is torn or unreadable (its readable chunks are returned). A missing file is an
    empty, whole bucket."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, True
    except OSError:
        return {}, False
    entries: dict[str, Any] = {}
    at, end = 0, len(data)
    while at < end:
        size = int.from_bytes(data[at : at + _LENGTH], "little")
        start = at + _LENGTH
        if start + size > end:
            return entries, False
        try:
            chunk = marshal.loads(data[start : start + size])
        except (ValueError, EOFError, TypeError):
            return entries, False
        if not isinstance(chunk, dict):
            return entries, False
        entries.update(chunk)
        at = start + size
    return entries, True


def is_whole(path: Path) -> bool:
    """Do a bucket file's chunks end exactly at its end? Reads only their 8-byte lengths, for
    a bucket about to be appended to that this build never read: a build killed mid-append
    leaves a tear that lookups the key index skips never see, and entries appended after it
    would be out of every reader's reach. A missing file is whole."""
    try:
        with open(path, "rb") as f:
            end = os.fstat(f.fileno()).st_size
            at = 0
            while at < end:
                head = f.read(_LENGTH)
                if len(head) < _LENGTH:
                    return False
                at += _LENGTH + int.from_bytes(head, "little")
                f.seek(at)
            return at == end
    except FileNotFoundError:
        return True
    except OSError:
        return False


def chunk(entries: dict[str, Any]) -> bytes:
    """One chunk of ``entries``, in key order (the same entries, the same bytes)."""
    body = marshal.dumps(dict(sorted(entries.items())))
    return len(body).to_bytes(_LENGTH, "little") + body


def append_bucket(path: Path, entries: dict[str, Any]) -> None:
    """Add ``entries`` to the end of a whole bucket file (made if missing)."""
    with open(path, "ab") as f:
        f.write(chunk(entries))


def write_bucket(path: Path, entries: dict[str, Any]) -> None:
    """Replace a bucket file with one chunk of ``entries``, atomically."""
    atomic_write(path, chunk(entries))


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class KeyIndex:
    """Which keys a family of buckets (fields, or lines) may hold: the sorted first 64 bits
    of each key, so that a lookup bound to miss reads no bucket.

    A cold build looks up each segment's new texts in buckets that hold only what earlier
    segments added — at 5,000 bulletins every bucket, read back whole at every segment, for
    almost no hits (and gigabytes of memory while a segment is indexed). A key whose prefix
    is not here was never added; a prefix that is here may still miss (a pruned entry, a
    64-bit collision, a torn chunk), which only costs the bucket read. ``None`` keys: not
    known (no index saved with the cache), every lookup reads its bucket.

    Added keys wait in a few sorted runs beside the saved array and are merged into it every
    :data:`RUNS` additions or on saving: a lookup is a binary search in each (a build adding
    one bulletin looks up a few hundred keys among 1.6 million; merging or ``np.isin`` at
    every lookup sorted the whole array each time).
    """

    RUNS = 16

    def __init__(self, keys: np.ndarray | None):
        self._keys = keys
        self._runs: list[np.ndarray] = []
        self._changed = False

    @classmethod
    def load(cls, path: Path) -> KeyIndex:
        try:
            keys = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return cls(None)
        ok = keys.dtype == np.uint64 and keys.ndim == 1 and bool(np.all(keys[1:] > keys[:-1]))
        return cls(keys if ok else None)

    @property
    def known(self) -> bool:
        return self._keys is not None

    def may_have(self, keys: Sequence[str]) -> np.ndarray:
        """For each key, could a bucket hold it (bool array)?"""
        if self._keys is None:
            return np.ones(len(keys), dtype=bool)
        q = prefixes(keys)
        out = _member(q, self._keys)
        for run in self._runs:
            out |= _member(q, run)
        return out

    def add(self, keys: Sequence[str]) -> None:
        if self._keys is not None and keys:
            self._runs.append(unique_sorted(prefixes(keys)))
            self._changed = True
            if len(self._runs) > self.RUNS:
                self._merge()

    def replace(self, keys: Sequence[str]) -> None:
        """Exactly these keys (a bucket family rewritten with only them)."""
        self._keys = unique_sorted(prefixes(keys))
        self._runs = []
        self._changed = True

    def save(self, path: Path) -> None:
        """Written when known and changed (or missing); an unknown index's file is removed."""
        if self._keys is None:
            path.unlink(missing_ok=True)
            return
        if not self._changed and path.exists():
            return
        self._changed = False
        self._merge()
        data = io.BytesIO()
        np.save(data, self._keys, allow_pickle=False)
        atomic_write(path, data.getvalue())

    def _merge(self) -> None:
        if self._runs and self._keys is not None:
            self._keys = unique_sorted(np.concatenate([self._keys, *self._runs]))
            self._runs = []


def _member(q: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Is each of ``q`` in ``sorted_keys`` (ascending, distinct)?"""
    if not len(sorted_keys):
        return np.zeros(len(q), dtype=bool)
    at = np.searchsorted(sorted_keys, q).clip(max=len(sorted_keys) - 1)
    return sorted_keys[at] == q


def prefixes(keys: Sequence[str]) -> np.ndarray:
    """The first 16 hex digits of each key as a uint64."""
    return np.fromiter((int(k[:16], 16) for k in keys), dtype=np.uint64, count=len(keys))
