"""Worker processes die with the build that started them.

A build killed with SIGKILL runs no clean-up: its ``ProcessPoolExecutor`` workers never see
their work queue close (every worker holds both ends of the pipe), so they used to linger —
about 120 MB each, still alive half an hour later. Every process a build starts (ingest
workers, the search index process, tokenizer workers) calls :func:`die_with_parent` first:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` has the kernel kill it the moment its parent
  exits, whatever the reason; the parent may already have gone between fork and prctl, so
  the parent pid is checked right after;
* elsewhere, a daemon thread polls the parent pid once a second and exits when it changes.

PR_SET_PDEATHSIG fires when the *thread* that forked the child ends; huikan forks workers
from the thread that runs the build and waits for them there, so that is the build's end.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def _prctl_pdeathsig() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(POLL_SECONDS)


def die_with_parent(parent: int) -> None:
    """Called first thing in a worker process: end it when ``parent`` (the pid of the
    process that started it) ends."""
    if not _prctl_pdeathsig():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="lifeline").start()
    if os.getppid() != parent:  # the parent died before the kernel was told to watch it
        os._exit(1)
