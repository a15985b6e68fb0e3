"""Recognise the scanned pages of one PDF: cache first, then a pool of worker processes.

Pages are independent, so ``jobs`` processes each render and read one page at a time (each
with one onnxruntime thread, so two workers on two cores do not fight over them); one job
runs in this process with onnxruntime's own threading. Workers ignore Ctrl-C (the parent
handles it), and on Linux ask the kernel to end them when the parent dies, so killing
``huikan`` never leaves recognisers running. A progress bar by page shows on a terminal.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from huikan.ingest.ocr.engine import OcrPage, recognise
from huikan.ingest.ocr.metrics import measure
from huikan.ingest.ocr.raster import render_page
from huikan.ingest.ocr.store import OcrStore, page_key
from huikan.site.progress import Progress

PR_SET_PDEATHSIG = 1


@dataclass
class OcrOptions:
    """How to run OCR: worker processes, where to cache pages, whether to draw progress."""

    jobs: int = 1
    cache_dir: Path | None = None
    progress: bool | None = None  # None: on a terminal only


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:  # not glibc: the pool's own shutdown still ends the workers
            pass


def blank(grey: np.ndarray) -> bool:
    """Nothing to read: (almost) no pixel row crosses four or more sharp edges. A row
    through a line of text crosses dozens; scanner noise, shading and the sides of a flat
    picture or a frame cross none or two."""
    steps = np.abs(np.diff(grey[::2, :].astype(np.int16), axis=1)) > 48
    busy = (steps.sum(axis=1) >= 4).mean()
    return float(busy) < 2e-3


def _one(args: tuple[str, int, int]) -> dict:
    path, number, threads = args
    raster = render_page(Path(path), number)
    if blank(raster.grey):
        h, w = raster.grey.shape
        return OcrPage(number, w, h, []).to_json()
    page = recognise(raster.grey, number, threads)
    measure(raster.grey, page)
    return page.to_json()


def recognise_pages(
    path: Path,
    numbers: list[int],
    options: OcrOptions,
    on_page: Callable[[OcrPage], None] | None = None,
) -> dict[int, OcrPage]:
    """OCR result of each page in ``numbers`` (1-based), from the cache where present.

    Rendering a page for its cache key costs a fraction of a second, recognising it seconds;
    a worker renders its page again rather than receiving megabytes of pixels per page."""
    store = OcrStore(options.cache_dir)
    out: dict[int, OcrPage] = {}
    todo: list[int] = []
    keys: dict[int, str] = {}
    for n in numbers:
        if store.dir is None:
            todo.append(n)
            continue
        grey = render_page(path, n).grey
        keys[n] = page_key(grey)
        hit = store.get(keys[n])
        if hit is not None:
            measure(grey, hit)
            out[n] = hit
        else:
            todo.append(n)
    if not todo:
        return out
    jobs = max(1, min(options.jobs, len(todo)))

    def take(data: dict) -> None:
        page = OcrPage.from_json(data)
        if page.number in keys:
            store.put(keys[page.number], page)
        out[page.number] = page
        if on_page:
            on_page(page)

    with Progress(f"OCR 识别 {path.name}", len(todo), enabled=options.progress) as bar:
        if jobs == 1:
            for n in todo:
                take(_one((str(path), n, -1)))
                bar.advance()
            return out
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init)
        try:
            work = [(str(path), n, 1) for n in todo]
            for data in pool.imap_unordered(_one, work):
                take(data)
                bar.advance()
            pool.close()
        finally:
            pool.terminate()
            pool.join()
    return out
