"""The commit's list of moves (``.huikan-commit.json`` in the staging folder), written
before the first move so that a build killed while moving is rolled forward by the next one
(see huikan.site.output), and the removal of a file the new site no longer has."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

COMMIT_FILE = ".huikan-commit.json"


def write_journal(stage: Path, journal: dict) -> None:
    """Put ``{"moves": [...], "deletes": [...]}`` in place atomically."""
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
    return data if ok else None


def remove(out: str, rel: str, trash: str) -> None:
    """Take ``rel`` out of the site (into ``trash``) and remove the folders it leaves empty."""
    path = os.path.join(out, rel)
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
