"""The token cache's bucket files: chunks appended as a build adds entries, read as one dict.

A bucket file is a sequence of chunks, each an 8-byte little-endian length and a ``marshal``
dump of a dict of entries. A cold build of a large archive adds entries to every bucket in
every segment and drops the buckets from memory between segments (they are gigabytes): a
bucket rewritten whole at each segment was written again with everything it held — at
5,000 bulletins ~4.5 times the final cache, about 5 GB of writes for a 1.4 GB cache. Appended,
each entry is written once; pruning and merging write a bucket as one chunk again.

An append is not atomic: a build killed in the middle of one leaves a torn last chunk. The
reader keeps the chunks before it and says the file is torn; the cache then rewrites that
bucket whole (atomically) the next time it writes it, never appending after the tear.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

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
