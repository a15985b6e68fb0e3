"""Files of the search folder: writing them, hard-linking reused ones, reading the previous
build's manifest (which segments it holds)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path


def previous_segments(previous: Path | None, fmt: str) -> dict[int, tuple[int, int, str]]:
    """Segment number → (first doc, docs, version) in the previous build's manifest."""
    if previous is None:
        return {}
    try:
        manifest = json.loads((previous / "manifest.json").read_text("utf-8"))
        if manifest.get("format") != fmt:
            return {}
        return {s: (e[0], e[1], e[3]) for s, e in enumerate(manifest["segs"])}
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return {}


class Writer:
    """Writes the search folder's files (or hands them to ``write``), hard-links reused ones,
    and at the end deletes files of an older index left in ``out_dir``."""

    def __init__(self, out_dir: Path, write: Callable[[str, bytes], object] | None):
        self.out_dir = out_dir
        # a new folder (huikan's staging folder) holds no older files to replace or delete:
        # no existence checks, no sweep over tens of thousands of files at the end
        self.fresh = not out_dir.exists()
        self.write = write
        self.kept: set[str] = set()
        self.dirs: set[Path] = set()

    def _target(self, rel: str) -> Path:
        target = self.out_dir / rel
        if target.parent not in self.dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(target.parent)
        self.kept.add(rel)
        return target

    def put(self, rel: str, data: bytes) -> None:
        if self.write is not None:
            self.write(rel, data)
            return
        target = self._target(rel)
        if not self.fresh and target.exists():
            target.unlink()  # never write through a hard link into an older build
        target.write_bytes(data)

    def link(self, previous: Path | None, rels: list[str]) -> bool:
        """Hard-link ``rels`` from ``previous``; False (nothing usable) if any is missing."""
        if previous is None or self.write is not None:
            return False
        try:
            for rel in rels:
                target = self._target(rel)
                if not self.fresh and target.exists():
                    target.unlink()
                os.link(previous / rel, target)
        except OSError:
            return False
        return True

    def finish(self) -> None:
        if self.write is not None or self.fresh or not self.out_dir.is_dir():
            return
        for sub in ("i", "d"):
            for old in sorted((self.out_dir / sub).rglob("*.json")):
                if old.relative_to(self.out_dir).as_posix() not in self.kept:
                    old.unlink()
        for d in sorted((self.out_dir / "i").glob("*"), reverse=True):
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
