"""Writing the site safely and incrementally.

* Safe: a build writes only what changed, into ``<out>.tmp-<pid>`` next to the output, and
  touches the published site only once the whole build has succeeded. A failure or Ctrl-C
  midway deletes the temporary folder and leaves the previous site untouched.
* Proportional: the commit moves the new files into place (``rename``, one per file) and
  deletes the files the site no longer has; the files that did not change are never touched.
  A rebuild after one new issue of a 5,000-issue archive moves a few hundred files instead of
  hard-linking ~100,000 into a fresh tree. Before the first move the commit writes its list
  (``.huikan-commit.json`` in the temporary folder): a build killed while moving is rolled
  forward by the next one, so the site never stays half old, half new. During the moves the
  state file is absent, so nothing mistakes the site for a finished one. (With no usable
  previous state, the whole new tree is renamed into place as one.)
* Incremental: the output's state (huikan.site.state) remembers, per file, the hash of the
  inputs it was made from ("key") and of its bytes. A file whose key is unchanged is kept without
  rendering; a re-rendered file whose bytes are unchanged is kept too and counted as
  unchanged. The summary reports written vs unchanged files.
* Folders as one: a component that writes a whole folder at a time (a search index
  segment: up to ~35,000 files) records it as one entry (:meth:`OutputDir.put_folder`,
  :meth:`OutputDir.keep_folder`): the state then holds one line for it, the commit replaces
  it with one rename, and a rebuild that keeps it reads, compares and writes nothing per
  file. At 5,000 bulletins that took the state from ~240,000 entries to ~100,000.
* Locked: ``<out>.lock`` (``flock``) serialises builds of the same output folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from huikan.site import state
from huikan.site.journal import read_journal, roll_forward, write_journal
from huikan.site.paths import OutputError, folder_rel, safe_rel
from huikan.trash import delete_later

WRITTEN, UNCHANGED = "written", "unchanged"
_TRASH_IDS = itertools.count(1)


@dataclass
class FileRecord:
    sha256: str
    size: int
    key: str | None
    status: str  # WRITTEN or UNCHANGED
    files: int = 1  # a folder entry (its path ends in "/"): how many files it holds


class OutputDir:
    """A build's view of the output folder; use as a context manager."""

    def __init__(self, out: Path):
        self.out = Path(os.path.abspath(out))
        self.parent = self.out.parent
        self.name = self.out.name
        self.stage = self.parent / f"{self.name}.tmp-{os.getpid()}"
        self.lock_path = self.parent / f"{self.name}.lock"
        self.records: dict[str, FileRecord] = {}
        self._prev: dict[str, tuple] = {}  # rel → (key, sha256, size, files)
        # the site is as its state records it (huikan.site.state): files kept are not stat-ed
        self._trusted = False
        self.prev_build: dict = {}  # what the previous build recorded of itself (commit's build)
        self._dirs: set[str] = set()
        self._staged: list[str] = []  # files written into the staging folder
        self._staged_folders: list[str] = []  # whole folders made there ("a/b/")
        self._out = str(self.out)
        self._stage = str(self.stage)
        self._lock: IO[str] | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> OutputDir:
        self.parent.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        try:
            self._recover()
            if self.out.exists() and not self.out.is_dir():
                raise OutputError(f"{self.out} 已存在且不是文件夹")
            self._prev = self._load_state()
            self.stage.mkdir()
            self._dirs = {self._stage}
        except BaseException:
            self._release_lock()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.stage.exists():
                self._discard(self.stage)
        finally:
            self._release_lock()

    def _discard(self, path: Path) -> None:
        """Remove a whole site tree without waiting for it.

        Deleting thousands of folders takes seconds on some file systems, longer than an
        incremental build; the tree is renamed out of the way at once (so nothing can mistake
        it for a site) and deleted by a detached ``rm``. A leftover is removed by the next
        build's recovery step.
        """
        trash = self.parent / f"{self.name}.trash-{os.getpid()}-{next(_TRASH_IDS)}"
        try:
            os.rename(path, trash)
        except OSError:
            shutil.rmtree(path, ignore_errors=True)
            return
        delete_later(trash)

    def _acquire_lock(self) -> None:
        self._lock = open(self.lock_path, "a+")  # noqa: SIM115 - held for the whole build
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"另一个构建正在写入 {self.out}，等待它完成……", file=sys.stderr)
            fcntl.flock(self._lock, fcntl.LOCK_EX)

    def _release_lock(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _recover(self) -> None:
        """Undo or finish what an interrupted build left behind (we hold the lock, so nobody
        else is using these): finish a commit that had started moving files, restore a site
        moved aside but not replaced, delete temporary folders."""
        for stage in sorted(self.parent.glob(f"{self.name}.tmp-*")):
            journal = read_journal(stage)
            if journal is not None and self.out.is_dir():
                self._apply(stage, journal)
        olds = sorted(self.parent.glob(f"{self.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if not self.out.exists() and olds:
            olds.pop().rename(self.out)
        leftovers = [
            *self.parent.glob(f"{self.name}.tmp-*"),
            *self.parent.glob(f"{self.name}.trash-*"),
        ]
        for p in [*olds, *leftovers]:
            self._discard(p)

    def _load_state(self) -> dict[str, tuple]:
        header = state.read_header(self.out)
        files = state.read_files(self.out, header) if header is not None else None
        if header is None or files is None:
            return {}
        build = header.get("build")
        self.prev_build = build if isinstance(build, dict) else {}
        self._trusted = state.intact(self.out, header)
        return files

    def commit(self, build: dict | None = None) -> None:
        """Put the finished site in place; ``build`` (the build's input key and report, see
        huikan.site.unchanged) is kept in the state file."""
        state.write(self.stage, sorted(self.records.items()), build)
        if not self._prev or not self.out.is_dir():
            self._swap()
            return
        journal = {
            "moves": self._staged,
            "folders": self._staged_folders,
            "deletes": sorted(set(self._prev) - set(self.records)),
        }
        write_journal(self.stage, journal)  # from here on, the next build rolls forward
        self._apply(self.stage, journal)

    def _swap(self) -> None:
        """No usable previous state: the new tree replaces the old one as a whole."""
        old = self.parent / f"{self.name}.old-{os.getpid()}"
        if self.out.exists():
            os.rename(self.out, old)
        os.rename(self.stage, self.out)
        if old.exists():
            self._discard(old)

    def _apply(self, stage: Path, journal: dict) -> None:
        """Roll the commit forward (huikan.site.journal.roll_forward), then delete the
        replaced files and the staging folder in the background."""
        trash = self.parent / f"{self.name}.trash-{os.getpid()}-{next(_TRASH_IDS)}"
        trash.mkdir()
        roll_forward(self._out, str(stage), journal, str(trash))
        self._discard(trash)
        self._discard(Path(stage))

    # -- writing --------------------------------------------------------------------------
    def _target(self, rel: str) -> str:
        """The staged path of ``rel``, its folder made. Plain strings, not Path: a large
        site passes every one of its files through here on every build."""
        target = os.path.join(self._stage, rel)
        d = os.path.dirname(target)
        if d not in self._dirs:
            try:  # an article's folder, under its bulletin's: one mkdir, not makedirs' stat too
                os.mkdir(d)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(d, exist_ok=True)
            self._dirs.add(d)
        return target

    def _reuse(self, rel: str, *, key: str | None, sha: str | None) -> bool:
        """Keep the previous build's file when its key (or content hash) matches and it is
        still there with its recorded size (taken from the state when the site is intact,
        see huikan.site.state): nothing is written or linked."""
        prev = self._prev.get(rel)
        if not prev:
            return False
        p_key, p_sha, p_size, p_files = prev
        if not ((key is not None and key == p_key) or (sha is not None and sha == p_sha)):
            return False
        if not self._in_place(rel, prev):
            return False
        self.records[rel] = FileRecord(p_sha, p_size, key, UNCHANGED, p_files)
        return True

    def _in_place(self, rel: str, prev: tuple) -> bool:
        """Whether the previous build's file (or folder) is in the site as recorded: taken
        on trust when the site is intact (see huikan.site.state), else checked — a file by
        its size, a folder by its number of files."""
        if self._trusted:
            return True
        path = os.path.join(self._out, rel)
        try:
            if rel.endswith("/"):
                return len(os.listdir(path)) == prev[3]
            return os.stat(path).st_size == prev[2]
        except OSError:
            return False

    def keep_as_before(self, rel: str) -> bool:
        """Keep the previous build's file under the key it was recorded with: for a caller
        that knows the file's inputs are unchanged without computing its key. False when
        there is no such file (then it must be made)."""
        rel = safe_rel(rel)
        prev = self._prev.get(rel)
        return bool(prev) and prev[0] is not None and self._reuse(rel, key=prev[0], sha=None)

    def reusable(self, rel: str, key: str) -> bool:
        """True (and the file is kept) when the previous build made ``rel`` from ``key``."""
        return self._reuse(safe_rel(rel), key=key, sha=None)

    def put_bytes(self, rel: str, data: bytes, *, key: str | None = None) -> str:
        rel = safe_rel(rel)
        if rel in self.records:
            raise OutputError(f"两个页面要写入同一个文件：{rel}")
        sha = hashlib.sha256(data).hexdigest()
        if self._reuse(rel, key=None, sha=sha):
            self.records[rel].key = key
            return UNCHANGED
        with open(self._target(rel), "wb") as f:
            f.write(data)
        self._staged.append(rel)
        self.records[rel] = FileRecord(sha, len(data), key, WRITTEN)
        return WRITTEN

    def put_rendered(self, rel: str, key: str, render: Callable[[], bytes]) -> str:
        """Write a rendered file, rendering only when its key changed since the last build."""
        if self.reusable(rel, key):
            return UNCHANGED
        return self.put_bytes(rel, render(), key=key)

    def put_file(self, rel: str, src: Path, *, sha256: str | None = None) -> str:
        """Copy a file (an original bulletin, a static asset) into the site."""
        rel = safe_rel(rel)
        if rel in self.records:
            raise OutputError(f"两个文件要写入同一个位置：{rel}")
        if sha256 is None:
            sha256 = _sha256_file(src)
        if self._reuse(rel, key=sha256, sha=sha256):
            return UNCHANGED
        target = self._target(rel)
        shutil.copyfile(src, target)
        self._staged.append(rel)
        self.records[rel] = FileRecord(sha256, os.stat(target).st_size, sha256, WRITTEN)
        return WRITTEN

    def adopt(self, rel_dir: str, *, key: str | None = None) -> list[str]:
        """Record files another component wrote under ``rel_dir`` (the search index), made
        from inputs hashing to ``key`` (see :meth:`reuse_tree`).

        They are compared with the previous build so the summary can count unchanged ones;
        returns their paths.
        """
        root = self.stage / safe_rel(rel_dir)
        found = []
        for f in sorted(self._loose_files(root)):
            rel = safe_rel(f.relative_to(self.stage).as_posix())
            if rel in self.records:
                continue
            st = f.stat()
            prev = self._prev.get(rel)
            linked = bool(prev) and self._linked(rel, st)
            sha = prev[1] if linked else _sha256_file(f)
            status = UNCHANGED if prev and prev[1] == sha else WRITTEN
            self.records[rel] = FileRecord(sha, st.st_size, key, status)
            if not linked:  # a link to the site's own file is already in place
                self._staged.append(rel)
            found.append(rel)
        return found

    def _loose_files(self, root: Path) -> list[Path]:
        """The files under ``root`` outside the folders recorded as a whole."""
        out = []
        for d, subdirs, names in os.walk(root):
            rel = Path(d).relative_to(self.stage).as_posix()
            subdirs[:] = [s for s in subdirs if f"{rel}/{s}/" not in self.records]
            out += [Path(d) / n for n in names]
        return out

    def _linked(self, rel: str, st: os.stat_result) -> bool:
        """Whether the staged file ``rel`` is the previous build's file, hard-linked: then
        its recorded hash holds and reading it again is waste (most of a large search
        folder is linked from the previous build, one file per article)."""
        try:
            old = os.stat(os.path.join(self._out, rel))
        except OSError:
            return False
        return (old.st_ino, old.st_dev) == (st.st_ino, st.st_dev) and old.st_size == st.st_size

    def reuse_tree(self, rel_dir: str, key: str) -> bool:
        """Keep the files the previous build recorded under ``rel_dir`` with ``key`` (made
        from the same inputs; other files there, such as a page rendered into the folder,
        have keys of their own); False, keeping nothing, when there are none or one is
        missing."""
        prefix = safe_rel(rel_dir) + "/"
        prev = {r for r, rec in self._prev.items() if r.startswith(prefix) and rec[0] == key}
        if not prev:
            return False
        kept = []
        for rel in sorted(prev):
            if rel in self.records or not self._reuse(rel, key=key, sha=None):
                for done in kept:  # undo: the caller builds the folder afresh
                    del self.records[done]
                return False
            kept.append(rel)
        return True

    def has_folder(self, rel_dir: str) -> bool:
        """Whether the previous build left the folder ``rel_dir`` in the site, recorded as
        a whole (as recorded; counted only when the site is not intact). Only reads: a
        forked search process asks it."""
        rel = folder_rel(rel_dir)
        prev = self._prev.get(rel)
        if not prev or rel in self.records:
            return False
        return self._in_place(rel, prev)

    def keep_folder(self, rel_dir: str, key: str | None) -> None:
        """Record the folder ``rel_dir`` of the previous build, left in place (see
        :meth:`has_folder`), as made from inputs hashing to ``key``."""
        rel = folder_rel(rel_dir)
        if rel in self.records:
            raise OutputError(f"两个文件要写入同一个位置：{rel}")
        _, sha, size, files = self._prev[rel]
        self.records[rel] = FileRecord(sha, size, key, UNCHANGED, files)

    def put_folder(
        self, rel_dir: str, *, digest: str, size: int, files: int, key: str | None
    ) -> str:
        """Record the folder ``rel_dir`` another component wrote into the staging folder as
        a whole (``digest``: a hash of its files' names and bytes, ``size`` and ``files``
        their total size and number): the commit puts it in place with one rename, over the
        previous build's (unless that one has the same digest, then it stays)."""
        rel = folder_rel(rel_dir)
        if rel in self.records:
            raise OutputError(f"两个文件要写入同一个位置：{rel}")
        prev = self._prev.get(rel)
        if prev and prev[1] == digest and self._in_place(rel, prev):
            self.records[rel] = FileRecord(prev[1], prev[2], key, UNCHANGED, prev[3])
            return UNCHANGED
        self.records[rel] = FileRecord(digest, size, key, WRITTEN, files)
        self._staged_folders.append(rel)
        return WRITTEN

    def previous_records(self) -> dict[str, tuple]:
        """What the previous build recorded per file (or folder, "a/b/"): rel → (key, sha256,
        size, files) (read only)."""
        return self._prev

    def counts(self) -> tuple[int, int]:
        """Files written and files unchanged (a folder entry counts its files)."""
        written = sum(r.files for r in self.records.values() if r.status == WRITTEN)
        return written, self.file_count() - written

    def file_count(self) -> int:
        return sum(r.files for r in self.records.values())


def _sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
