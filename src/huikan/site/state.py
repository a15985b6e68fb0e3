"""The output folder's record of the build that made it, in two files.

* ``.huikan-state.json`` — small: the version, the build's input key and report
  (huikan.site.unchanged), the site's top-level names, and the size and hash of
* ``.huikan-files`` — per file of the site: the hash of the inputs it was made from ("key"),
  the hash of its bytes, its size and how many files the entry stands for, as NUL-separated
  fields (a site path never holds a NUL). An entry whose path ends in "/" is a whole
  folder written and replaced as one (a search index segment, huikan.site.output): its hash
  covers its files' names and bytes, its size theirs. ~100,000 entries at 5,000 bulletins
  (~240,000 when each search file had its own): as JSON (one file with the header) it took
  seconds to read and to write on every build; splitting one string is several times
  faster, the bytes are deterministic (marshal's are not: they depend on which objects are
  shared), and a build that finds nothing changed does not read it at all.

Both are written into the staging folder and put in place last by the commit
(huikan.site.output): the files' record first, then the header. The commit deletes the
header before it moves the first file, so a header in the site means the commit that wrote
it finished, and the files it records are in place as recorded (the header names the
record's hash: a record from another build is never taken for this one's).

Why the site is not re-checked file by file: only huikan writes the output folder, under its
lock, and only through that commit. Stat-ing every recorded file (~200,000) cost seconds on
every build and caught only a file deleted or resized by hand, never one edited in place. A
cheaper check catches the common hand edit, a folder deleted (``rm -rf build/b00042``):
every top-level name the header lists must still be there (:func:`intact`). When it fails
the build re-checks each file it keeps, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from huikan.compactjson import dumps as compact

STATE_FILE = ".huikan-state.json"
FILES_FILE = ".huikan-files"
STATE_VERSION = 3  # 3: the number of files per entry, folder entries
FIELDS = 5  # per entry: rel, key, sha256, size, files


def write(stage: Path, files: list[tuple[str, Any]], build: dict | None) -> None:
    """Write both files into ``stage``; ``files``: (rel, record) sorted by rel, a record
    having ``key``, ``sha256``, ``size`` and ``files`` (huikan.site.output.FileRecord)."""
    data = "\0".join(
        [f"{rel}\0{r.key or ''}\0{r.sha256}\0{r.size}\0{r.files}" for rel, r in files]
    ).encode("utf-8")
    (stage / FILES_FILE).write_bytes(data)
    top = {rel.partition("/")[0] for rel, _ in files}
    header: dict[str, Any] = {
        "version": STATE_VERSION,
        "files": {"count": len(files), "bytes": len(data), "sha256": _sha(data)},
        "top": sorted(top),
    }
    if build is not None:
        header["build"] = build
    # with the recorded report's warnings, tens of MB: orjson (huikan.compactjson)
    (stage / STATE_FILE).write_bytes(compact(header) + b"\n")


_last: tuple[tuple, Any] | None = None  # read_header's last file (its stat) and contents


def read_header(out: Path) -> dict[str, Any] | None:
    """The header of the build that made ``out``; None when there is none usable.

    A build reads it twice (is anything changed? then the output's state), and with the
    recorded warnings it can be tens of MB: the second read of the same file (same inode,
    size and times; the commit replaces it, never edits it) is served from memory."""
    global _last
    path = Path(out) / STATE_FILE
    try:
        st = os.stat(path)
        # the file itself, however the output folder was named (relative or absolute)
        stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        if _last is not None and _last[0] == stamp:
            data = _last[1]
        else:
            data = json.loads(path.read_text("utf-8"))
            _last = (stamp, data)
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(data, dict)
        and data.get("version") == STATE_VERSION
        and isinstance(data.get("files"), dict)
        and isinstance(data.get("top"), list)
    )
    return data if ok else None


def read_files(out: Path, header: dict[str, Any]) -> dict[str, tuple[Any, ...]] | None:
    """The per-file record the header names, in path order: rel → (key or None, sha256,
    size, files); None when it is missing or another one. Built with C-level zips, no
    per-entry Python code (a comprehension of lists cost ~0.3 s at 200,000 files)."""
    try:
        data = (Path(out) / FILES_FILE).read_bytes()
    except OSError:
        return None
    want = header["files"]
    if len(data) != want.get("bytes") or _sha(data) != want.get("sha256"):
        return None
    fields = data.decode("utf-8").split("\0") if data else []
    if len(fields) != FIELDS * want.get("count", -1):
        return None
    try:
        sizes = list(map(int, fields[3::FIELDS]))
        counts = list(map(int, fields[4::FIELDS]))
    except ValueError:
        return None
    keys = [key or None for key in fields[1::FIELDS]]
    records = zip(keys, fields[2::FIELDS], sizes, counts, strict=True)
    return dict(zip(fields[::FIELDS], records, strict=True))


def intact(out: Path, header: dict[str, Any]) -> bool:
    """Whether the site still has every top-level name its header lists and its files'
    record with the recorded size (see the module's note on why this is enough)."""
    try:
        names = set(os.listdir(out))
        size = os.stat(os.path.join(out, FILES_FILE)).st_size
    except OSError:
        return False
    return size == header["files"].get("bytes") and names.issuperset(header["top"])


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
