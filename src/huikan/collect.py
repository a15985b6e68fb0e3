"""The build's first stage: the archive's bulletins, each one's ingest result.

Finds the bulletins under ``issues/`` (:func:`find_bulletins`), refuses a sidecar with any
mistake before anything is published (:func:`check_sidecars`), takes each result from the
slim snapshot or the content-hash cache and ingests the rest in a process pool
(:func:`ingest_all`), and flags an issue added twice under two names
(:func:`duplicate_bulletins`). Everything after it — model, pages, search — reads only these
results (huikan.build).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huikan.config import ConfigError, SiteConfig
from huikan.filedigest import FileDigests
from huikan.ingest import SUFFIXES
from huikan.lifeline import die_with_parent
from huikan.memory import release_memory
from huikan.model import IngestError, IngestResult
from huikan.model import Warning as IngestWarning
from huikan.site.progress import Progress

if TYPE_CHECKING:
    from huikan.cache import IngestCache
    from huikan.snapshot import ResultSnapshot, SlimArticle

BULLETIN_SUFFIXES = tuple(SUFFIXES)  # what the ingest readers accept


class BuildError(Exception):
    """The build cannot go on; the message says why in plain language."""


def issue_files(issues_dir: Path, suffixes: Iterable[str]) -> list[Path]:
    """Files under ``issues/`` (sub-folders too) with one of ``suffixes``, skipping hidden
    files and folders, in a stable order."""
    suffixes = tuple(suffixes)
    found = []
    # os.walk, not Path.rglob: one listing per folder instead of Path objects and a stat per
    # entry (0.6 s for 5,000 bulletins); symlinked folders are not entered, as with rglob
    for folder, dirs, files in os.walk(issues_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in suffixes:
                continue
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append((os.path.relpath(path, issues_dir).replace(os.sep, "/"), path))
    return [Path(path) for _, path in sorted(found)]


def find_bulletins(issues_dir: Path) -> list[Path]:
    """Every bulletin (.pdf/.txt/.md …) under ``issues/``, READMEs excepted."""
    if not issues_dir.is_dir():
        raise BuildError(f"找不到简报文件夹 {issues_dir}")
    return [
        p
        for p in issue_files(issues_dir, BULLETIN_SUFFIXES)
        if p.stem.lower() not in ("readme", "changelog")
    ]


def check_sidecars(paths: list[Path], config: SiteConfig, root: Path) -> None:
    """BuildError listing every mistake in the bulletins' sidecars (file:line), before
    anything is ingested or published: a typo must neither drop an issue nor publish what
    the sidecar meant to leave out."""
    from huikan.ingest.sidecar import parse_sidecar, sidecar_path

    problems: list[str] = []
    for p in paths:
        sc = sidecar_path(p)
        if sc is None:
            continue
        for e in parse_sidecar(sc, config.taxonomy)[1]:
            where = relative_name(Path(e.file), root) + (f":{e.line}" if e.line else "")
            problems.append(f"{where}: {e.reason}")
    if problems:
        lines = "\n".join(f"  {p}" for p in problems)
        raise BuildError(
            f"旁注文件有 {len(problems)} 个错误，未发布任何内容（原有网站保持不变）：\n{lines}"
        )


def duplicate_bulletins(results: list[tuple[Path, IngestResult]]) -> list[IngestWarning]:
    """A warning for each bulletin that looks like another one added under a second file
    name: the same masthead, number and date, or the same articles."""
    from huikan.ingest.textutil import squash

    # Two bulletins' squashed titles can only be equal when their counts and first titles
    # are: only the bulletins sharing those with another one have every title squashed
    # (squashing the 80,000 titles of a large archive cost ~0.5 s a build).
    first: dict[tuple[int, str], int] = {}
    for _, r in results:
        if len(r.articles) >= 2:
            k = (len(r.articles), squash(r.articles[0].title))
            first[k] = first.get(k, 0) + 1
    seen: dict[tuple, Path] = {}
    out = []
    for p, r in results:
        b = r.bulletin
        keys = []
        if b.title and b.number and b.date:
            keys.append(("masthead", b.title, b.number, b.date))
        if len(r.articles) >= 2 and first[len(r.articles), squash(r.articles[0].title)] > 1:
            keys.append(("articles", tuple(squash(a.title) for a in r.articles)))
        for key in keys:
            if key in seen:
                what = "刊名、期号和日期" if key[0] == "masthead" else "全部文章标题"
                out.append(
                    IngestWarning(
                        "duplicate-bulletin",
                        f"与 {seen[key].name} 的{what}相同：同一期简报是否以另一个文件名"
                        "加了两次？请删去其中一个",
                        file=p.name,
                    )
                )
                break
            seen[key] = p
    return out


def relative_name(path: Path, root: Path) -> str:
    """``path`` as it is named to the editor: relative to the site's root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _ingest_one(
    path: str, config: SiteConfig, cache_dir: str, ocr_jobs: int = 1, progress: bool | None = None
) -> tuple[str, Any]:
    """Worker: ingest one file through the cache. Errors come back as data (IngestError's
    keyword-only constructor does not survive pickling). ``ocr_jobs`` processes read scanned
    pages: all ``--jobs`` when this is the only file to ingest, else one (the files already
    run in parallel)."""
    from huikan.cache import IngestCache

    try:
        cache = IngestCache(cache_dir)
        return "ok", cache.ingest(Path(path), config, ocr=cache.ocr_options(ocr_jobs, progress))
    except IngestError as e:
        return "error", (e.file, e.reason, e.code, e.page)
    except ConfigError as e:  # its sidecar is malformed: skip the bulletin rather than guess
        where = Path(e.file).name + (f":{e.line}" if e.line else "")
        return "error", (Path(path).name, f"旁注文件有误（{where}）：{e.reason}", "sidecar", None)
    except Exception as e:  # a bug on unusual input must not take the other bulletins down
        reason = f"处理时出错，已跳过（{type(e).__name__}: {e}）；请把这个文件报告给维护者"
        return "error", (Path(path).name, reason, "internal", None)


@dataclass
class Ingested:
    """What ingest_all found: results in the order of the paths, the unreadable bulletins,
    how many were ingested afresh, and each result's cache key (it names the content)."""

    results: list[tuple[Path, IngestResult]]
    errors: list[IngestError]
    misses: int
    keys: dict[Path, str]
    # results taken slim from the snapshot: their articles' leads and hashes, and a loader
    slim: dict[Path, tuple[list[SlimArticle], Callable[[], IngestResult]]]


def ingest_keys(
    paths: list[Path], config: SiteConfig, digests: FileDigests | None = None
) -> dict[Path, str]:
    """Each bulletin's ingest cache key (see huikan.cache.cache_key)."""
    from huikan.cache import cache_key, taxonomy_fingerprint

    taxonomy = taxonomy_fingerprint(config)  # a JSON dump: once, not once per bulletin
    return {p: cache_key(p, config, digests=digests, taxonomy=taxonomy) for p in paths}


def ingest_all(
    paths: list[Path],
    config: SiteConfig,
    cache_dir: Path,
    jobs: int,
    show_progress: bool | None,
    digests: FileDigests | None = None,
    keys: dict[Path, str] | None = None,
    before: Callable[[list[Path]], None] | None = None,
) -> Ingested:
    """Ingest every bulletin: slim results from the snapshot (huikan.snapshot), else cache
    hits in this process, misses in a pool of ``jobs`` (``before`` is called with the
    misses first: it may refuse them by raising)."""
    from huikan.cache import IngestCache
    from huikan.snapshot import ResultSnapshot, thaw
    from huikan.snapshot import slim as slim_data

    cache = IngestCache(cache_dir)
    snapshot = ResultSnapshot(cache_dir)
    keys = keys if keys is not None else ingest_keys(paths, config, digests)

    def loader(p: Path) -> Callable[[], IngestResult]:
        """How a slim result gets its full one back, when the search or a page needs it."""
        return functools.partial(_load_full, cache, keys[p], p, config)

    results, slim, misses = _stored_results(paths, keys, snapshot, cache, loader)
    if before is not None:
        before(misses)
    errors: list[IngestError] = []

    def take(p: Path, outcome: tuple[str, Any]) -> None:
        status, value = outcome
        if status == "ok":
            results[p] = value
        else:
            file, reason, code, page = value
            errors.append(IngestError(file, reason, code=code, page=page))

    _ingest_misses(misses, config, cache_dir, jobs, show_progress, take)
    errors.sort(key=lambda e: e.file)
    fresh = {p: slim_data(r) for p, r in results.items() if p not in slim}
    snapshot.save({keys[p]: fresh[p] if p in fresh else snapshot.entries[keys[p]] for p in results})
    # The full results read or made here are dropped for their slim form, as the next build
    # will have them: a cold build of 5,000 bulletins held every body in this process, and
    # the search process forked from it counted them in its own memory.
    for p, data in fresh.items():
        results[p], bodies = thaw(data)
        slim[p] = (bodies, loader(p))
    if fresh and len(fresh) * 10 >= len(results):
        # a collection walks the whole heap (at 5,000 bulletins ~0.3 s): worth it when the
        # dropped results are a fair part of it (a cold build), not for one new issue
        release_memory()
    ordered = [(p, results[p]) for p in paths if p in results]
    return Ingested(ordered, errors, len(misses), {p: keys[p] for p, _ in ordered}, slim)


def _stored_results(
    paths: list[Path],
    keys: dict[Path, str],
    snapshot: ResultSnapshot,
    cache: IngestCache,
    loader: Callable[[Path], Callable[[], IngestResult]],
) -> tuple[
    dict[Path, IngestResult],
    dict[Path, tuple[list[SlimArticle], Callable[[], IngestResult]]],
    list[Path],
]:
    """The results a previous build left (slim from the snapshot, else full from the cache),
    and the bulletins that have none: only those are worth a worker process."""
    results: dict[Path, IngestResult] = {}
    slim: dict[Path, tuple[list[SlimArticle], Callable[[], IngestResult]]] = {}
    misses: list[Path] = []
    for p in paths:
        taken = snapshot.take(keys[p])
        if taken is not None:
            results[p], bodies = taken
            slim[p] = (bodies, loader(p))
            continue
        hit = cache.get(keys[p])
        if hit is not None:
            results[p] = hit
        else:
            misses.append(p)
    return results, slim, misses


def _ingest_misses(
    misses: list[Path],
    config: SiteConfig,
    cache_dir: Path,
    jobs: int,
    show_progress: bool | None,
    take: Callable[[Path, tuple[str, Any]], None],
) -> None:
    """Ingest the bulletins no cache holds, handing each outcome to ``take`` as it comes: in
    this process for one job or one file (a pool would only cost its start-up; the one file
    may then use all ``jobs`` to OCR its pages), else in a pool of ``jobs`` processes."""
    with Progress("拆分简报", len(misses), enabled=show_progress) as bar:
        if jobs <= 1 or len(misses) <= 1:
            for p in misses:
                take(p, _ingest_one(str(p), config, str(cache_dir), jobs, show_progress))
                bar.advance()
        else:
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(misses)),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            ) as pool:
                futures = {
                    pool.submit(_ingest_one, str(p), config, str(cache_dir)): p for p in misses
                }
                for fut in as_completed(futures):
                    take(futures[fut], fut.result())
                    bar.advance()


def _load_full(cache: Any, key: str, path: Path, config: SiteConfig) -> IngestResult:
    """A slim result's full one, from the ingest cache (ingested again if it was deleted)."""
    return cache.get(key) or cache.ingest(path, config)
