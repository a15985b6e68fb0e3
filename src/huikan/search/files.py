"""Files of the search folder: writing them, hard-linking reused ones, reading the previous
build's manifest (which segments it holds), and each segment folder's record (:class:`Folder`:
the site records a segment as one entry, see huikan.site.output)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Folder:
    """A folder written as a whole, as the site records it: a hash of its files' names and
    bytes (:func:`folder_digest`), their total size and their number."""

    digest: str
    size: int
    files: int


def folder_digest(files: Iterable[tuple[str, str]]) -> str:
    """The hash of a folder from (name within it, sha256 hex of its bytes) per file."""
    h = hashlib.sha256(b"huikan-folder/1")
    for name, sha in sorted(files):
        h.update(f"\0{name}\0{sha}".encode())
    return h.hexdigest()


def previous_segments(previous: Path | None, fmt: str) -> dict[int, tuple[int, int, str]]:
    """Segment number → (first doc, docs, version) in the previous build's manifest."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((previous / "manifest.json").read_text("utf-8"))
        if manifest.get("format") != fmt:
            return {}
        return {s: (e[0], e[1], e[2]) for s, e in enumerate(manifest["segs"])}
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return {}


class Writer:
    """Writes the search folder's files (or hands them to ``write``), hard-links reused ones,
    and at the end deletes files of an older index left in ``out_dir``. With ``track``, it
    hashes what it writes or links, so each folder's record (:meth:`folder`) costs no second
    reading of its files."""

    def __init__(
        self,
        out_dir: Path,
        write: Callable[[str, bytes], object] | None,
        track: bool = False,
        previous: Path | None = None,
    ):
        self.out_dir = out_dir
        # the previous build's search folder: a reused segment's files are linked from it
        # (:meth:`link`), and so is a file written again with the same bytes (:meth:`put`)
        self.previous = previous
        # a new folder (huikan's staging folder) holds no older files to replace or delete:
        # no existence checks, no sweep over tens of thousands of files at the end
        self.fresh = not out_dir.exists()
        self.write = write
        self.kept: set[str] = set()
        self.dirs: set[Path] = set()
        self.track = track
        self._files: dict[str, list[tuple[str, str, int]]] = {}  # folder → (name, sha, size)

    def _note(self, rel: str, sha: str, size: int) -> None:
        folder, _, name = rel.rpartition("/")
        if folder:  # the few files beside the folders are recorded one by one
            self._files.setdefault(folder, []).append((name, sha, size))

    def folder(self, rel_dir: str) -> Folder:
        """The record of the folder ``rel_dir`` from the files written or linked into it
        (tracked writers only)."""
        files = self._files.pop(rel_dir, [])
        return Folder(
            folder_digest((name, sha) for name, sha, _ in files),
            sum(size for _, _, size in files),
            len(files),
        )

    def _target(self, rel: str) -> Path:
        target = self.out_dir / rel
        if target.parent not in self.dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(target.parent)
        self.kept.add(rel)
        return target

    def put(self, rel: str, data: bytes) -> None:
        if self.track:
            self._note(rel, hashlib.sha256(data).hexdigest(), len(data))
        if self.write is not None:
            self.write(rel, data)
            return
        target = self._target(rel)
        if not self.fresh and target.exists():
            target.unlink()  # never write through a hard link into an older build
        if not self._link_same(rel, data, target):
            target.write_bytes(data)

    def _link_same(self, rel: str, data: bytes, target: Path) -> bool:
        """Hard-link ``rel`` from the previous build when it holds these very bytes. The
        segment a new bulletin joins is written whole, and most of its files are as they
        were: at 5,000 bulletins, the store files of the ~1,700 articles before the newest
        month (6 of its 14 MB). Writing them again is what stalled some +1 builds for
        seconds while the disk caught up; a link writes no data."""
        if self.previous is None:
            return False
        old = self.previous / rel
        try:
            if old.stat().st_size != len(data) or old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:
            return False
        return True

    def link(self, rels: list[str]) -> bool:
        """Hard-link ``rels`` from the previous build; False (nothing usable) if any is
        missing."""
        previous = self.previous
        if previous is None or self.write is not None:
            return False
        try:
            for rel in rels:
                target = self._target(rel)
                if not self.fresh and target.exists():
                    target.unlink()
                os.link(previous / rel, target)
                if self.track:
                    with open(target, "rb") as f:
                        sha = hashlib.file_digest(f, "sha256").hexdigest()
                    self._note(rel, sha, os.stat(target).st_size)
        except OSError:
            for rel in rels:  # the caller indexes the folder instead: forget what was noted
                self._files.pop(rel.rpartition("/")[0], None)
            return False
        return True

    def finish(self) -> None:
        if self.write is not None or self.fresh or not self.out_dir.is_dir():
            return
        for sub in ("i", "g", "d"):  # d/: the store's folder before it moved into the segments
            for old in sorted((self.out_dir / sub).rglob("*.json")):
                if old.relative_to(self.out_dir).as_posix() not in self.kept:
                    old.unlink()
        for d in [*sorted((self.out_dir / "i").glob("*"), reverse=True), self.out_dir / "d"]:
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()


def digest(chunks: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(hashlib.sha256(c).digest())
    return h.hexdigest()[:12]


def previous_build(out_dir: Path) -> Path | None:
    """The previous build's search folder when writing into huikan's staging folder
    (``<out>.tmp-<pid>/search``, see huikan.site.output), else None."""
    m = re.fullmatch(r"(.+)\.tmp-\d+", out_dir.parent.name)
    if m is None:
        return None
    prev = out_dir.parent.parent / m.group(1) / out_dir.name
    return prev if prev.is_dir() else None
