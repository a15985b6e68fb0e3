"""Deleting a large folder without waiting for it.

Deleting thousands of files takes seconds on some file systems, longer than an incremental
build. Callers first rename the folder out of the way (so nothing mistakes it for live
data); :func:`delete_later` then hands it to a detached ``rm -rf``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def delete_later(path: Path) -> None:
    """Delete ``path`` (a folder already renamed away) in the background; in this process
    when no ``rm`` can be started."""
    try:
        subprocess.Popen(
            ["rm", "-rf", "--", str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(path, ignore_errors=True)
