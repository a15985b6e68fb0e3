"""Content hashes of the input files, remembered by their ``stat``.

Every build hashes every bulletin: once to decide whether anything changed at all, once for
its ingest-cache key. An archive of 5,000 PDFs is gigabytes, read twice to find that one file
is new. Like git's index, a file whose size, modification and change times, inode and device
are those recorded with its hash is taken to have that hash, without reading it.

The "racy" case is git's too: a file written in the same clock tick as it was hashed can change
again without its times changing. A hash is only remembered once the file's times are
:data:`RACY_SECONDS` older than the moment it was read; such a file is simply read again next
time. The record lives in the site's cache folder (``file-digests.json``); losing it only
costs a re-read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

RACY_SECONDS = 2.0
FORMAT = "huikan-file-digests/1"


def _hash_file(path: Path) -> bytes:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


class FileDigests:
    """``digest(path)``: the file's sha256, read only when its ``stat`` changed; ``save()``
    keeps the record of the files asked for in this run (others are dropped)."""

    def __init__(self, record: Path | None):
        self.record = record
        self._known: dict[str, list] = {}
        self._used: dict[str, list] = {}
        self.reads = 0
        if record is not None:
            try:
                data = json.loads(record.read_text("utf-8"))
                if data.get("format") == FORMAT and isinstance(data.get("files"), dict):
                    self._known = data["files"]
            except (OSError, ValueError, AttributeError):
                pass

    def digest(self, path: Path) -> bytes:
        name = os.path.abspath(path)
        st = os.stat(name)
        sig = _signature(st)
        known = self._used.get(name) or self._known.get(name)
        if known is not None and known[:-1] == sig:
            self._used[name] = known
            return bytes.fromhex(known[-1])
        now = time.time_ns()
        digest = _hash_file(Path(name))
        self.reads += 1
        newest = max(st.st_mtime_ns, st.st_ctime_ns)
        if now - newest > RACY_SECONDS * 1e9 and _signature(os.stat(name)) == sig:
            self._used[name] = [*sig, digest.hex()]
        return digest

    def save(self) -> None:
        """Write the record (atomically; a failure to write is harmless, so ignored)."""
        if self.record is None or self._used == self._known:
            return
        data = json.dumps({"format": FORMAT, "files": dict(sorted(self._used.items()))})
        tmp = None
        try:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.record.parent, prefix=".tmp-digests-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, self.record)
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
