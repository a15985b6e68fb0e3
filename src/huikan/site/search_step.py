"""The build's search stage: reuse the previous index when its inputs are unchanged, else
build it in a forked process while the pages render.

Rebuilding the index is the build's largest cost on a big archive (every article's terms
read back from the token cache, the whole index laid out again), yet when no article, no
cluster name and no search code changed, its files come out byte for byte the same. So the
stage first computes a key over everything the index is made from — each document's fields,
the clusters and user dictionary of site.yml, the code of :mod:`huikan.search` and lunr's
version — and, when the previous build's ``search/`` files were all recorded with that key,
hard-links them instead of indexing anything. The figures for the summary and
``manifest.json`` then come from the previous ``manifest.json`` (the same figures, since the
files are the same).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
from collections import OrderedDict
from dataclasses import fields
from pathlib import Path
from typing import Any

from huikan.config import SiteConfig
from huikan.lifeline import die_with_parent
from huikan.model import IngestResult
from huikan.search import SearchDoc, SearchStats, merge, segment, shard, write_search_index
from huikan.search.files import Folder
from huikan.search.segment import search_code
from huikan.search.tokenize import Tokenizer
from huikan.site.model import ArticleEntry, SiteModel
from huikan.site.output import OutputDir
from huikan.site.urls import SEARCH_DIR


class SearchStepError(Exception):
    """The search index could not be made; the message says why."""


def search_docs(model: SiteModel) -> list[SearchDoc]:
    """The documents, named by their articles' idents, bodies loaded only when a segment is
    indexed (a slim result's body is not in memory, see huikan.snapshot) and not kept."""
    bodies = _Bodies()
    docs: list[SearchDoc] = []
    for b in model.bulletins:
        shown, slug, date = b.display_title(), b.slug, b.date  # once a bulletin, not an article
        docs += [
            SearchDoc(
                url=a.url,
                title=a.title,
                body="",
                date=date,
                cluster=a.cluster.name,
                cluster_slug=a.cluster.slug,
                bulletin=shown,
                bulletin_slug=slug,
                column=a.article.column or "",
                source=a.article.source or "",
                byline=a.article.byline or "",
                ident=a.ident,
                load_body=functools.partial(bodies.text, a),
            )
            for a in b.articles
        ]
    return docs


class _Bodies:
    """Article bodies read from their bulletins' full results, keeping only the last few
    results: documents are indexed in date order, so a bulletin's articles come together,
    and the search process never holds the whole archive's bodies and page regions
    (:meth:`BulletinEntry.full` keeps what it loads: at 80,000 articles, gigabytes)."""

    def __init__(self, keep: int = 8):
        self.keep = keep
        self.recent: OrderedDict[int, IngestResult] = OrderedDict()

    def text(self, a: ArticleEntry) -> str:
        key = id(a.bulletin)
        full = self.recent.get(key)
        if full is None:
            full = self.recent[key] = a.bulletin.peek_full()
            if len(self.recent) > self.keep:
                self.recent.popitem(last=False)
        else:
            self.recent.move_to_end(key)
        return full.articles[a.index].text


def search_key(model: SiteModel, config: SiteConfig) -> str:
    """Hash of everything :func:`write_search_index` reads: each document is named by its
    article's ident (which changes whenever the article, its cluster or its bulletin does,
    see huikan.site.model) and URL, in index order, so the key needs no article body."""
    h = hashlib.sha256(b"huikan-search-input/2\0" + search_code().encode())
    h.update(Tokenizer.for_config(config).key.encode())
    clusters = [[c.name, c.slug, *c.names()] for c in config.taxonomy.clusters]
    h.update(json.dumps(clusters, ensure_ascii=False).encode())
    for b in model.bulletins:
        for a in b.articles:
            h.update(b"\1" + a.ident.encode() + b"\0" + a.url.encode())
    return h.hexdigest()


def reuse_previous(out: OutputDir, key: str) -> SearchStats | None:
    """Keep the previous build's search files when they were made from ``key``; their
    figures, read back from the previous build's state (or manifest.json). None when
    anything differs."""
    old = out.prev_build.get("search")  # the state file keeps them: no 30 MB manifest to read
    if old is None:
        try:
            old = json.loads((out.out / "manifest.json").read_text("utf-8")).get("search")
        except (OSError, ValueError):
            return None
    if not isinstance(old, dict) or not out.reuse_tree(SEARCH_DIR, key):
        return None
    # this build indexed nothing: the seconds and the articles indexed again are its own
    own = {"extra", "seconds", "reindexed"}
    known = {f.name for f in fields(SearchStats)} - own
    stats = SearchStats(**{k: v for k, v in old.items() if k in known})
    stats.extra = {k: v for k, v in old.items() if k not in known | own and k != "summary"}
    return stats


class SearchJob:
    """The search index, built in a forked process while this one renders the pages.

    The two stages are independent and each takes seconds on a large archive, so on two
    cores they overlap. The child writes the segments it indexes straight into the staging
    folder and sends back its figures, the folders of the segments it kept — already in the
    site (the output folder is updated in place), so neither linked nor written: at 5,000
    bulletins all but the last one or two of eight, ~140,000 files — and the records of the
    folders it wrote (hashed as they were written). The parent records each segment folder
    as one entry (``OutputDir.keep_folder``, ``OutputDir.put_folder``) and the few files
    beside them (``OutputDir.adopt``). Where fork is unavailable, it runs in-process.
    """

    def __init__(
        self, model: SiteModel, out: OutputDir, config: SiteConfig, cache_dir: Path, jobs: int = 1
    ):
        self._args = (model, out, config, cache_dir)
        self._jobs = jobs
        self._proc = None
        self._conn = None
        import multiprocessing as mp

        if "fork" in mp.get_all_start_methods():
            ctx = mp.get_context("fork")
            self._conn, child = ctx.Pipe(duplex=False)
            self._proc = ctx.Process(target=self._child, args=(child, os.getpid()), daemon=False)
            self._proc.start()
            child.close()

    def _run(self) -> tuple[Any, list[str], dict[str, Folder]]:
        """The documents are made here, in the child: the bodies it needs are loaded there
        (slim results, see huikan.snapshot), not in the process that renders the pages.
        Returns the figures, the kept folders and the written ones' records (site paths)."""
        model, out, config, cache_dir = self._args
        kept: list[str] = []
        made: dict[str, Folder] = {}

        def keep(folder: str) -> bool:
            path = f"{SEARCH_DIR}/{folder}"
            if not out.has_folder(path):
                return False
            kept.append(path)
            return True

        def wrote(folder: str, record: Folder) -> None:
            made[f"{SEARCH_DIR}/{folder}"] = record

        stats = write_search_index(
            search_docs(model),
            out.stage / SEARCH_DIR,
            config,
            cache_dir=cache_dir,
            jobs=self._jobs,
            segment_docs=segment.SEGMENT_DOCS,
            segment_unit=segment.SEGMENT_UNIT,
            segment_middle=segment.SEGMENT_MIDDLE,
            part_docs=merge.PART_DOCS,
            shard_bytes=shard.DEFAULT_SHARD_BYTES,  # read here, so tests can set the layout
            split_bytes=shard.SPLIT_FACTOR * shard.DEFAULT_SHARD_BYTES,
            directory_size=shard.DIRECTORY_SEPARATORS,
            keep=keep,
            made=wrote,
        )
        return stats, kept, made

    def _child(self, conn, parent: int) -> None:
        die_with_parent(parent)
        # The parent's objects (the model of the whole archive) are never garbage here: the
        # cyclic collector must not walk them (a full pass took ~1 s at 5,000 bulletins, and
        # writing their headers copies the parent's memory pages into this process).
        gc.freeze()
        try:
            conn.send(("ok", self._run()))
        except BaseException as e:  # report anything, including Ctrl-C, to the parent
            conn.send(("error", f"{type(e).__name__}: {e}"))
        finally:
            conn.close()

    def result(self) -> Any:
        if self._proc is None:
            return self._run()
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._proc.join()
            status, value = "error", f"搜索索引进程意外退出（退出码 {self._proc.exitcode}）"
        except BaseException:  # Ctrl-C while waiting: do not leave the child behind
            self.cancel()
            raise
        self._proc.join()
        if status != "ok":
            raise SearchStepError(f"生成搜索索引失败：{value}")
        return value

    def cancel(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join()


class SearchStep:
    """Either the previous index, reused at once, or a :class:`SearchJob` building a new one.

    ``finish`` records the files in ``out`` (keyed, so the next build can reuse them) and
    returns ``(stats, reused)``.
    """

    def __init__(
        self, model: SiteModel, out: OutputDir, config: SiteConfig, cache_dir: Path, jobs: int = 1
    ):
        self.out = out
        self.key = search_key(model, config)
        self.reused = reuse_previous(out, self.key)
        self.job = None
        if self.reused is None:
            self.job = SearchJob(model, out, config, cache_dir, jobs)

    def finish(self) -> tuple[Any, bool]:
        if self.job is None:
            return self.reused, True
        stats, kept, made = self.job.result()
        for folder in kept:
            self.out.keep_folder(folder, self.key)
        for folder, rec in made.items():
            self.out.put_folder(
                folder, digest=rec.digest, size=rec.size, files=rec.files, key=self.key
            )
        self.out.adopt(SEARCH_DIR, key=self.key)
        return stats, False

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
