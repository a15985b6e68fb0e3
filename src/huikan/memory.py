"""Give memory freed by Python back to the system.

A build drops large structures (the full ingest results of a cold build) before it forks the
search process. Python frees them, but glibc keeps the freed pages of its heap mapped, so the
process's resident size — and the forked child's, which counts the pages it shares — would
not go down. ``malloc_trim(0)`` returns the free pages in the middle of the heap too.
"""

from __future__ import annotations

import ctypes
import gc
import sys


def release_memory() -> bool:
    """Collect garbage and trim the C heap; True when the heap was trimmed (glibc only:
    elsewhere this is just a collection)."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True
