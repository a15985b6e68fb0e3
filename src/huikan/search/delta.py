"""The token cache's delta files: a build's few new entries, kept out of the buckets.

A new issue adds ~100 field entries and ~300 line entries to the token cache
(:mod:`huikan.search.cache`), which touch most of its 4,096 buckets of each kind: rewriting
them was ~675 MB of writes for one bulletin at 5,000. Such a build writes them to one small
``delta-<n>.marshal`` instead, read with the buckets; the cache decides when the deltas are
merged into the buckets and dropped (``DELTA_MAX`` entries, ``DELTA_FILES`` files, or a
pruning build).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huikan.search.buckets import atomic_write


@dataclass
class Deltas:
    """A cache folder's delta files and the entries they hold, by bucket name (a later file's
    entry wins)."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # bucket → entries
    files: list[Path] = field(default_factory=list)
    count: int = 0  # entries over all files (an entry in two files counts twice)

    def load(self, folder: Path) -> None:
        """Read every delta file in ``folder``, oldest first; an unreadable one is deleted
        (its entries are tokenised again)."""
        for path in sorted(folder.glob("delta-*.marshal"), key=delta_number):
            try:
                data = marshal.loads(path.read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                data = None
            if not isinstance(data, dict):  # unreadable: its entries are tokenised again
                path.unlink(missing_ok=True)
                continue
            for name, entries in data.items():
                self.entries.setdefault(name, {}).update(entries)
                self.count += len(entries)
            self.files.append(path)

    def write(self, folder: Path, new: dict[str, dict[str, Any]]) -> None:
        """Write ``new`` (bucket → entries) as one new delta file in ``folder``, sorted so
        the same entries make the same file, and hold its entries with the others."""
        pending = sum(map(len, new.values()))
        data = {name: dict(sorted(entries.items())) for name, entries in sorted(new.items())}
        number = max(map(delta_number, self.files), default=0) + 1
        path = folder / f"delta-{number}.marshal"
        atomic_write(path, marshal.dumps(data))
        self.files.append(path)
        for name, entries in data.items():
            self.entries.setdefault(name, {}).update(entries)
        self.count += pending

    def drop(self) -> None:
        """Delete the delta files and forget their entries: called once every bucket with
        delta entries has been written with them."""
        for path in self.files:
            path.unlink(missing_ok=True)
        self.files = []
        self.entries = {}
        self.count = 0


def delta_number(path: Path) -> int:
    """A delta file's number (``delta-<n>.marshal``), 0 if it has none: files are read in
    order, so a later entry wins."""
    try:
        return int(path.stem.partition("-")[2])
    except ValueError:
        return 0
