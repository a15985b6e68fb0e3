"""The commit's list of moves (``.huikan-commit.json`` in the staging folder), written
before the first move so that a build killed while moving is rolled forward by the next one
(see huikan.site.output); the roll-forward itself, and the removal of a file the new site
no longer has."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
from pathlib import Path

from huikan.site.state import FILES_FILE, STATE_FILE

COMMIT_FILE = ".huikan-commit.json"


def write_journal(stage: Path, journal: dict) -> None:
    """Put ``{"moves": [...], "folders": [...], "deletes": [...]}`` in place atomically."""
    tmp = stage / (COMMIT_FILE + ".tmp")
    tmp.write_text(json.dumps(journal, ensure_ascii=False), "utf-8")
    os.replace(tmp, stage / COMMIT_FILE)


def read_journal(stage: Path) -> dict | None:
    """The commit list of an interrupted build's staging folder, None if it never got there."""
    try:
        data = json.loads((stage / COMMIT_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and all(isinstance(data.get(k), list) for k in ("moves", "deletes"))
    ok = ok and isinstance(data.get("folders", []), list)
    return data if ok else None


def remove(out: str, rel: str, trash: str) -> None:
    """Take ``rel`` out of the site (into ``trash``) and remove the folders it leaves empty."""
    path = os.path.join(out, rel.rstrip("/"))  # a folder entry ends in "/"
    try:
        os.rename(path, trash)
    except FileNotFoundError:
        pass
    except OSError:
        shutil.rmtree(path, ignore_errors=True)
    d = os.path.dirname(path)
    while len(d) > len(out):
        try:
            os.rmdir(d)
        except OSError:
            return
        d = os.path.dirname(d)


def roll_forward(out: str, stage: str, journal: dict, trash: str) -> None:
    """Delete the files the site no longer has, move the staged files over the site's and
    the staged folders in place of the site's, then put the new state files in place (the
    header last: it says the commit is done). Idempotent: a step already done is skipped, so
    a build killed halfway is finished by running this again.

    Deletions come first: a folder that was recorded file by file and is now recorded as a
    whole (or the other way round) has entries of both kinds, and the old entries must not
    delete what the new ones put there.

    A replaced or deleted file is first linked into ``trash`` (an empty folder the caller
    deletes in the background): freeing a file's blocks in the foreground costs milliseconds
    on some file systems (ext4 mounted with ``discard``: 3 ms a file here, 20 times the move).
    A replaced folder is renamed into it.
    """
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(out, STATE_FILE))
    bins = itertools.count()
    for rel in journal["deletes"]:
        remove(out, rel, os.path.join(trash, str(next(bins))))
    made: set[str] = set()

    def parent_of(dst: str) -> None:
        d = os.path.dirname(dst)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)

    for rel in journal["moves"]:
        src, dst = os.path.join(stage, rel), os.path.join(out, rel)
        if not os.path.lexists(src):
            continue  # moved before the interruption
        parent_of(dst)
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            os.link(dst, os.path.join(trash, str(next(bins))))
        try:
            os.replace(src, dst)
        except IsADirectoryError:  # a folder where the new site has a file
            shutil.rmtree(dst)
            os.replace(src, dst)
    for rel in journal.get("folders", []):
        src, dst = os.path.join(stage, rel.rstrip("/")), os.path.join(out, rel.rstrip("/"))
        if not os.path.lexists(src):
            continue  # moved before the interruption
        parent_of(dst)
        if os.path.lexists(dst):
            os.rename(dst, os.path.join(trash, str(next(bins))))
        os.rename(src, dst)
    for name in (FILES_FILE, STATE_FILE):
        new_state = os.path.join(stage, name)
        if os.path.exists(new_state):
            os.replace(new_state, os.path.join(out, name))
