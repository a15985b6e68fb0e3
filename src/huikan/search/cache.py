"""Per-field token cache: jieba is slow, and every build re-indexes every article.

An entry, keyed by a hash of the field text, holds the field's length and its distinct term
numbers and frequencies as raw int32 arrays; term numbers refer to a vocabulary file kept
beside the entries (append-only), so a warm build turns 8,000 articles into index input
without touching a single term string. The cache folder is named after the tokenizer key
(tokenizer version + user dictionary), so changing either starts a fresh cache instead of
serving stale terms. Entries live in 256 ``marshal`` buckets; a build rewrites only buckets it
added to or that held entries it no longer uses, so the cache does not grow without bound.
A lock file serialises builds sharing the folder (the vocabulary must not fork).
"""

from __future__ import annotations

import fcntl
import hashlib
import marshal
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import IO, Any

import numpy as np

from huikan.lifeline import die_with_parent
from huikan.search.index import FieldTerms, Vocabulary
from huikan.search.tokenize import Line, Tokenizer, seams

PARALLEL_MIN = 2000  # uncached lines worth starting worker processes for
PARALLEL_CHUNK = 4000  # lines a worker tokenises at a time (its results wait in memory)

_worker: Tokenizer | None = None


def _init_worker(user_words: list[str], parent: int) -> None:
    global _worker
    die_with_parent(parent)
    _worker = Tokenizer(user_words)


def _work(lines: list[str]) -> list[Line]:
    assert _worker is not None
    return [_worker.line(x) for x in lines]


Entry = tuple[int, bytes, bytes]  # field length, int32 term numbers, int32 frequencies
LineEntry = tuple[int, bytes, bytes, str, str, bool]  # + head, tail, filled (see tokenize.Line)


class TokenCache:
    """Use as a context manager: holds the folder lock, saves on a clean exit."""

    def __init__(self, cache_dir: Path | None, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        py = f"py{sys.version_info[0]}{sys.version_info[1]}"  # marshal's format is per version
        self.dir = cache_dir / f"tokens-{tokenizer.key}-{py}" if cache_dir else None
        self.vocab = Vocabulary()
        self._saved_vocab = 0
        self._buckets: dict[str, dict[str, Entry]] = {}
        self._used: dict[str, set[str]] = {}
        self._dirty: set[str] = set()
        self._lock: IO[str] | None = None
        # drop entries this build did not use: only when it looked up every document (a
        # build reusing segments looks up the documents of the segments it indexes)
        self.prune = True
        self.hits = 0
        self.misses = 0
        self.line_misses = 0
        self._pool: ProcessPoolExecutor | None = None  # see _workers

    def __enter__(self) -> TokenCache:
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.dir / "lock", "a+")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            try:
                terms = marshal.loads((self.dir / "vocab.marshal").read_bytes())
            except (OSError, ValueError, EOFError, TypeError):
                terms = []
            if not isinstance(terms, list):
                terms = []
            self.vocab = Vocabulary(terms)
            self._saved_vocab = len(terms)
            if not terms:  # entries refer to a vocabulary we no longer have
                for old in self.dir.glob("*.marshal"):
                    old.unlink()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._close_pool()
        try:
            if exc_type is None:
                self.save()
        finally:
            if self._lock is not None:
                fcntl.flock(self._lock, fcntl.LOCK_UN)
                self._lock.close()
                self._lock = None

    @staticmethod
    def key(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _bucket(self, name: str) -> dict[str, Any]:
        b = self._buckets.get(name)
        if b is None:
            b = self._buckets[name] = self._read(name)
            self._used.setdefault(name, set())  # a released bucket's keys stay used
        return b

    def _read(self, name: str) -> dict[str, Any]:
        if self.dir is None:
            return {}
        try:
            return marshal.loads((self.dir / f"{name}.marshal").read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}

    def field_terms(self, texts: Sequence[str], jobs: int | None = None) -> list[FieldTerms]:
        """FieldTerms of each text: whole fields from the cache; the others assembled from
        cached lines, tokenising (in parallel when many) only lines never seen before."""
        out: list[FieldTerms | None] = [None] * len(texts)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            k = self.key(text)
            bucket = self._bucket(k[:2])
            self._used[k[:2]].add(k)
            hit = bucket.get(k)
            if hit is not None:
                ids = np.frombuffer(hit[1], dtype=np.int32)
                out[i] = FieldTerms(hit[0], ids, np.frombuffer(hit[2], dtype=np.int32))
                self.hits += 1
            else:
                missing.setdefault(k, []).append(i)
        if missing:
            keys = list(missing)
            self.misses += len(keys)
            fts = self._assemble([texts[missing[k][0]] for k in keys], jobs)
            for k, ft in zip(keys, fts, strict=True):
                self._buckets[k[:2]][k] = (ft.length, ft.ids.tobytes(), ft.tfs.tobytes())
                self._dirty.add(k[:2])
                for i in missing[k]:
                    out[i] = ft
        return out  # type: ignore[return-value]

    def _assemble(self, texts: list[str], jobs: int | None) -> list[FieldTerms]:
        split = [t.split("\n") for t in texts]
        entries: dict[str, LineEntry] = {}
        todo: dict[str, str] = {}
        for lines in split:
            for line in lines:
                k = self.key(line)
                if k in entries or k in todo:
                    continue
                hit = self._bucket("l" + k[:2]).get(k)  # line buckets are never pruned
                if hit is not None:
                    entries[k] = hit
                else:
                    todo[k] = line
        self.line_misses += len(todo)
        # each line's terms are encoded as it comes: a segment's new lines, as Python
        # strings, were gigabytes on a cold build of 5,000 bulletins
        for k, ln in zip(todo, self._tokenize(list(todo.values()), jobs), strict=True):
            ft = self.vocab.encode(ln.terms)
            entries[k] = (
                ft.length,
                ft.ids.tobytes(),
                ft.tfs.tobytes(),
                ln.head,
                ln.tail,
                ln.filled,
            )
            self._buckets["l" + k[:2]][k] = entries[k]
            self._dirty.add("l" + k[:2])
        ids = self.vocab.ids
        out = []
        for lines in split:
            es = [entries[self.key(x)] for x in lines]
            parts = [np.frombuffer(e[1], dtype=np.int32) for e in es]
            counts = [np.frombuffer(e[2], dtype=np.int32) for e in es]
            for minus, plus in seams([Line([], e[3], e[4], e[5]) for e in es]):
                parts.append(np.array([ids[minus], self.vocab.id(plus)], dtype=np.int32))
                counts.append(np.array([-1, 1], dtype=np.int32))
            u, inv = np.unique(np.concatenate(parts), return_inverse=True)
            tf = np.bincount(inv, weights=np.concatenate(counts)).astype(np.int32)
            keep = tf > 0
            out.append(FieldTerms(sum(e[0] for e in es), u[keep], tf[keep]))
        return out

    def _tokenize(self, lines: list[str], jobs: int | None) -> Iterator[Line]:
        """The lines' tokens, in order, yielded as they are made (by ``jobs`` forked workers
        when there are many lines) so the caller never holds them all."""
        jobs = jobs or os.cpu_count() or 1
        done = 0
        pool = self._workers(jobs) if len(lines) >= PARALLEL_MIN else None
        if pool is not None:
            size = max(1, min(PARALLEL_CHUNK, len(lines) // (jobs * 8)))
            chunks = [lines[i : i + size] for i in range(0, len(lines), size)]
            try:
                for chunk in pool.map(_work, chunks):
                    yield from chunk
                    done += len(chunk)
            except (BrokenProcessPool, OSError):
                self._close_pool()  # the rest is done here
        for x in lines[done:]:
            yield self.tokenizer.line(x)

    def _workers(self, jobs: int) -> ProcessPoolExecutor | None:
        """The worker pool, started on first use and kept until the cache is closed: a
        worker forked later would count in its own resident size the token cache and
        vocabulary this process has read by then (gigabytes on a large archive). Forked
        (spawn would re-import the caller's main module), and only while no other thread
        runs, which is when forking is safe."""
        if self._pool is None and (
            jobs > 1 and "fork" in get_all_start_methods() and threading.active_count() == 1
        ):
            self._pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=get_context("fork"),
                initializer=_init_worker,
                initargs=(self.tokenizer.user_words, os.getpid()),
            )
        return self._pool

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def release(self) -> None:
        """Write the buckets that changed and drop them all from memory: a segment needs
        them only while its fields are looked up and tokenised, and on a large archive they
        are gigabytes (5,000 bulletins: ~0.75 GB of field entries, ~0.9 GB of line entries
        on a cold build), which the segment's indexing would add to. A bucket needed again
        is read back from its file; the keys used so far are kept for :meth:`save`."""
        if self.dir is None:  # nowhere to read them back from
            return
        for name, bucket in list(self._buckets.items()):
            if name in self._dirty:
                _atomic_write(self.dir / f"{name}.marshal", _dump(bucket))
                self._dirty.discard(name)
            del self._buckets[name]
            if name.startswith("l"):
                del self._used[name]

    def save(self) -> None:
        """Write the vocabulary if it grew, then the buckets that changed; with ``prune``,
        field buckets lose the entries this build did not use (a released bucket is read
        back for that)."""
        if self.dir is None:
            return
        if len(self.vocab) != self._saved_vocab:
            _atomic_write(self.dir / "vocab.marshal", marshal.dumps(self.vocab.terms))
            self._saved_vocab = len(self.vocab)
        names = self._buckets.keys() | self._used.keys()
        if self.prune:  # a bucket this build never touched holds no entry it used
            names |= {p.stem for p in self.dir.glob("[0-9a-f][0-9a-f].marshal")}
        for name in sorted(names):
            bucket = self._buckets.get(name)
            if name.startswith("l"):  # line entries: kept (they serve re-split articles)
                if name in self._dirty and bucket is not None:
                    _atomic_write(self.dir / f"{name}.marshal", _dump(bucket))
                continue
            if bucket is None:  # released: on disk as it is, unless entries are to go
                if not self.prune:
                    continue
                bucket = self._read(name)
            used = self._used.get(name, set())
            if name not in self._dirty and (not self.prune or len(bucket) == len(used)):
                continue
            kept = {k: bucket[k] for k in sorted(used if self.prune else bucket) if k in bucket}
            _atomic_write(self.dir / f"{name}.marshal", marshal.dumps(kept))
        self._dirty.clear()


def _dump(bucket: dict[str, Any]) -> bytes:
    return marshal.dumps(dict(sorted(bucket.items())))


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
