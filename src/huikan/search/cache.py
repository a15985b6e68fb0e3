"""Per-field token cache: jieba is slow, and every build re-indexes every article.

An entry, keyed by a hash of the field text, holds the field's length and its distinct term
numbers and frequencies as raw int32 arrays; term numbers refer to a vocabulary file kept
beside the entries (append-only), so a warm build turns 8,000 articles into index input
without touching a single term string. The cache folder is named after the tokenizer key
(tokenizer version + user dictionary), so changing either starts a fresh cache instead of
serving stale terms. Entries live in 4,096 bucket files (and 4,096 of lines,
:mod:`huikan.search.buckets`: ``marshal`` chunks, appended as a build adds entries); a build
that pruned rewrites the buckets that held entries it no longer uses, so the cache does not
grow without bound. A few new entries (a new issue's ~100 fields and ~300 lines) go to a
small delta file instead (``delta-<n>.marshal``, :mod:`huikan.search.delta`, read with the
buckets): they touched most of the buckets, and rewriting them was ~675 MB of writes for one
bulletin at 5,000.
The deltas are merged into the buckets when they pass :data:`DELTA_MAX` entries or
:data:`DELTA_FILES` files, or when a build prunes. A lock file serialises builds sharing the
folder (the vocabulary must not fork).
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

from huikan.search.batch import LineBatch, init_worker, tokenize_lines
from huikan.search.buckets import (
    KeyIndex,
    append_bucket,
    atomic_write,
    is_whole,
    read_bucket,
    write_bucket,
)
from huikan.search.delta import Deltas
from huikan.search.tokenize import Line, Tokenizer, seams
from huikan.search.vocab import FieldTerms, TermHashes, Vocabulary
from huikan.trash import delete_later

PARALLEL_MIN = 2000  # uncached lines worth starting worker processes for
PARALLEL_CHUNK = 4000  # lines a worker tokenises at a time (its results wait in memory)
# Entries are bucketed by the first hex digits of their key: 16**3 = 4,096 buckets of fields
# and as many of lines. A new issue's ~100 fields and ~300 lines touch most buckets, which
# are read whole: with 256 each bucket was 1/256 of the cache (~700 MB read for one bulletin
# at 5,000), with 4,096 it is 1/4,096.
BUCKET_CHARS = 3
DELTA_MAX = 50_000  # new entries kept in delta files before they are merged into buckets
DELTA_FILES = 64  # delta files kept before they are merged (each build adds at most a few)
HASHES = "vocab-hashes.npy"  # the vocabulary's sorted term hashes (huikan.search.vocab.TermHashes)
FIELD_KEYS = "field-keys.npy"  # which keys the buckets may hold (huikan.search.buckets.KeyIndex)
LINE_KEYS = "line-keys.npy"

Entry = tuple[int, bytes, bytes]  # field length, int32 term numbers, int32 frequencies
LineEntry = tuple[int, bytes, bytes, str, str, bool]  # + head, tail, filled (see tokenize.Line)


class TokenCache:
    """Use as a context manager: holds the folder lock, saves on a clean exit."""

    def __init__(self, cache_dir: Path | None, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        py = f"py{sys.version_info[0]}{sys.version_info[1]}"  # marshal's format is per version
        layout = f"b{BUCKET_CHARS}c"  # another bucket layout is another cache (c: chunks)
        self.dir = cache_dir / f"tokens-{tokenizer.key}-{py}-{layout}" if cache_dir else None
        self.vocab = Vocabulary()
        self._saved_vocab = 0
        self._buckets: dict[str, dict[str, Entry]] = {}
        self._used: dict[str, set[str]] = {}
        # bucket → entries added since the last flush (also in the bucket, if it is read)
        self._new: dict[str, dict[str, Any]] = {}
        self._field_keys = KeyIndex(np.empty(0, np.uint64))  # a new cache holds no keys
        self._line_keys = KeyIndex(np.empty(0, np.uint64))
        self._deltas = Deltas()  # the delta files' entries
        self._torn: set[str] = set()  # buckets whose file is torn: rewritten, never appended to
        self._whole: set[str] = set()  # buckets whose file this build found whole (or made)
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
            hashes = TermHashes.load(self.dir / HASHES, terms) if terms else None
            self.vocab = Vocabulary(terms, hashes)
            self._saved_vocab = len(terms)
            if not terms:  # entries refer to a vocabulary we no longer have
                for old in self.dir.glob("*.marshal"):
                    old.unlink()
            else:
                self._field_keys = KeyIndex.load(self.dir / FIELD_KEYS)
                self._line_keys = KeyIndex.load(self.dir / LINE_KEYS)
            self._deltas.load(self.dir)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._close_pool()
        try:
            if exc_type is None:
                self.save()
                if self.dir is not None:
                    self._drop_other_caches()
        finally:
            if self._lock is not None:
                fcntl.flock(self._lock, fcntl.LOCK_UN)
                self._lock.close()
                self._lock = None

    def _drop_other_caches(self) -> None:
        """Delete, in the background, the token caches beside this one that no build is
        using: made for another tokenizer key (an edited user dictionary), Python version or
        bucket layout, they would never be read again (at 5,000 bulletins: 1.4 GB each)."""
        assert self.dir is not None
        for other in sorted(self.dir.parent.glob("tokens-*")):
            if other == self.dir or not other.is_dir():
                continue
            try:
                with open(other / "lock", "a+") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # in use: left alone
                    trash = other.with_name(f".trash-{other.name}-{os.getpid()}")
                    os.rename(other, trash)
            except OSError:
                continue
            delete_later(trash)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def _bucket(self, name: str) -> dict[str, Any]:
        b = self._buckets.get(name)
        if b is None:
            b = self._buckets[name] = self._read(name)
        return b

    def _get(self, name: str, k: str, may: bool) -> Any:
        """The entry of key ``k`` in bucket ``name``, or None; ``may``: the key index says a
        bucket file may hold it (else only this build's unwritten entries are looked at)."""
        new = self._new.get(name)
        if new is not None and k in new:
            return new[k]
        return self._bucket(name).get(k) if may else None

    def _add(self, name: str, k: str, entry: Any) -> None:
        self._new.setdefault(name, {})[k] = entry
        bucket = self._buckets.get(name)
        if bucket is not None:
            bucket[k] = entry

    def _read(self, name: str) -> dict[str, Any]:
        if self.dir is None:
            return {}
        bucket, whole = read_bucket(self.dir / f"{name}.marshal")
        (self._whole if whole else self._torn).add(name)
        bucket.update(self._deltas.entries.get(name, {}))
        return bucket

    def field_terms(self, texts: Sequence[str], jobs: int | None = None) -> list[FieldTerms]:
        """FieldTerms of each text: whole fields from the cache; the others assembled from
        cached lines, tokenising (in parallel when many) only lines never seen before."""
        out: list[FieldTerms | None] = [None] * len(texts)
        missing: dict[str, list[int]] = {}
        keys = [self.key(text) for text in texts]
        may = self._field_keys.may_have(keys).tolist()
        for i, k in enumerate(keys):
            name = k[:BUCKET_CHARS]
            self._used.setdefault(name, set()).add(k)
            hit = self._get(name, k, may[i])
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
            self._field_keys.add(keys)
            for k, ft in zip(keys, fts, strict=True):
                self._add(k[:BUCKET_CHARS], k, (ft.length, ft.ids.tobytes(), ft.tfs.tobytes()))
                for i in missing[k]:
                    out[i] = ft
        return out  # type: ignore[return-value]

    def _assemble(self, texts: list[str], jobs: int | None) -> list[FieldTerms]:
        split = [t.split("\n") for t in texts]
        line_keys = [[self.key(x) for x in lines] for lines in split]
        entries: dict[str, LineEntry] = {}
        todo: dict[str, str] = {}
        flat = list(dict.fromkeys(k for ks in line_keys for k in ks))
        may = dict(zip(flat, self._line_keys.may_have(flat).tolist(), strict=True))
        for lines, ks in zip(split, line_keys, strict=True):
            for line, k in zip(lines, ks, strict=True):
                if k in entries or k in todo:
                    continue
                hit = self._get("l" + k[:BUCKET_CHARS], k, may[k])  # lines are never pruned
                if hit is not None:
                    entries[k] = hit
                else:
                    todo[k] = line
        self.line_misses += len(todo)
        self._line_keys.add(list(todo))
        # each batch of lines is encoded as it comes: a segment's new lines, as Python
        # strings, were gigabytes on a cold build of 5,000 bulletins
        keys = iter(todo)
        for batch in self._tokenize(list(todo.values()), jobs):
            numbers = np.array(self.vocab.numbers(batch.terms), dtype=np.int32)[batch.ids]
            at = batch.offsets
            for j, k in zip(range(len(batch)), keys, strict=False):  # keys: the rest
                entries[k] = (
                    batch.lengths[j],
                    numbers[at[j] : at[j + 1]].tobytes(),
                    batch.tfs[at[j] : at[j + 1]].tobytes(),
                    batch.heads[j],
                    batch.tails[j],
                    batch.filled[j],
                )
                self._add("l" + k[:BUCKET_CHARS], k, entries[k])
        out = []
        for ks in line_keys:
            es = [entries[k] for k in ks]
            parts = [np.frombuffer(e[1], dtype=np.int32) for e in es]
            counts = [np.frombuffer(e[2], dtype=np.int32) for e in es]
            for minus, plus in seams([Line([], e[3], e[4], e[5]) for e in es]):
                parts.append(np.array(self.vocab.numbers([minus, plus]), dtype=np.int32))
                counts.append(np.array([-1, 1], dtype=np.int32))
            u, inv = np.unique(np.concatenate(parts), return_inverse=True)
            tf = np.bincount(inv, weights=np.concatenate(counts)).astype(np.int32)
            keep = tf > 0
            out.append(FieldTerms(sum(e[0] for e in es), u[keep], tf[keep]))
        return out

    def _tokenize(self, lines: list[str], jobs: int | None) -> Iterator[LineBatch]:
        """The lines' tokens, in order, in batches yielded as they are made (by ``jobs``
        forked workers when there are many lines) so the caller never holds them all."""
        jobs = jobs or os.cpu_count() or 1
        done = 0
        pool = self._workers(jobs) if len(lines) >= PARALLEL_MIN else None
        if pool is not None:
            size = max(1, min(PARALLEL_CHUNK, len(lines) // (jobs * 8)))
            chunks = [lines[i : i + size] for i in range(0, len(lines), size)]
            try:
                for batch in pool.map(tokenize_lines, chunks):
                    yield batch
                    done += len(batch)
            except (BrokenProcessPool, OSError):
                self._close_pool()  # the rest is done here
        for i in range(done, len(lines), PARALLEL_CHUNK):
            yield LineBatch.of(self.tokenizer, lines[i : i + PARALLEL_CHUNK])

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
                initializer=init_worker,
                initargs=(self.tokenizer.user_words, os.getpid()),
            )
        return self._pool

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def release(self) -> None:
        """Write what changed and drop every bucket from memory: a segment needs them only
        while its fields are looked up and tokenised, and on a large archive they are
        gigabytes (5,000 bulletins: ~0.75 GB of field entries, ~0.9 GB of line entries on a
        cold build), which the segment's indexing would add to. A bucket needed again is
        read back from its file; the keys used so far are kept for :meth:`save`."""
        if self.dir is None:  # nowhere to read them back from
            return
        self._flush()
        self._buckets.clear()

    def _flush(self) -> None:
        """Write the entries added since the last flush: few, in one new delta file; many
        (a cold build), appended to the buckets they went into (a torn bucket is rewritten
        whole instead)."""
        assert self.dir is not None
        pending = sum(map(len, self._new.values()))
        if not pending:
            return
        if self._deltas.count + pending <= DELTA_MAX:
            self._deltas.write(self.dir, self._new)
        else:
            for name, new in sorted(self._new.items()):
                path = self.dir / f"{name}.marshal"
                if name not in self._whole and name not in self._torn and not is_whole(path):
                    self._torn.add(name)  # torn by a killed build, and not read since
                if name in self._torn:
                    self._rewrite(name, self._buckets.get(name) or {**self._read(name), **new})
                else:
                    append_bucket(path, new)
                    self._whole.add(name)
        self._new.clear()

    def save(self) -> None:
        """Write the vocabulary if it grew, then the new entries (:meth:`_flush`); with
        ``prune``, field buckets lose the entries this build did not use (a released
        bucket is read back for that) and the deltas are merged."""
        if self.dir is None:
            return
        if len(self.vocab) != self._saved_vocab:
            atomic_write(self.dir / "vocab.marshal", marshal.dumps(self.vocab.terms))
            self._saved_vocab = len(self.vocab)
        hashes = self.vocab.hashes
        if hashes is None or len(hashes) != len(self.vocab):  # after the terms: checked on load
            self.vocab.saved_hashes().save(self.dir / HASHES)
        self._flush()
        if self.prune:
            self._prune()
        elif self._deltas.count > DELTA_MAX or len(self._deltas.files) > DELTA_FILES:
            self._merge_deltas()
        self._field_keys.save(self.dir / FIELD_KEYS)  # after the entries: checked on use
        self._line_keys.save(self.dir / LINE_KEYS)

    def _prune(self) -> None:
        """Every field bucket keeps only the entries this build used (the field key index
        becomes exactly those); every bucket with delta entries is written with them (line
        entries are all kept: they serve re-split articles); then the delta files go."""
        assert self.dir is not None
        delta = self._deltas.entries
        names = self._buckets.keys() | self._used.keys() | delta.keys() | self._torn
        names |= {p.stem for p in self.dir.glob("[0-9a-f]" * BUCKET_CHARS + ".marshal")}
        kept: list[str] = []
        for name in sorted(names):
            if name.startswith("l"):
                if name in delta or name in self._torn:
                    self._rewrite(name, self._loaded(name))
                continue
            bucket = self._loaded(name)
            used = self._used.get(name, set())
            if name not in delta and name not in self._torn and len(bucket) == len(used):
                kept += bucket
                continue
            entries = {k: bucket[k] for k in used if k in bucket}
            self._rewrite(name, entries)
            kept += entries
        self._field_keys.replace(kept)
        if not self._line_keys.known:  # its file was lost: made again from the buckets
            lines = self.dir.glob("l" + "[0-9a-f]" * BUCKET_CHARS + ".marshal")
            self._line_keys.replace([k for p in lines for k in self._loaded(p.stem)])
        self._deltas.drop()

    def _merge_deltas(self) -> None:
        """Write every bucket that has delta entries with them, then drop the delta files."""
        assert self.dir is not None
        for name in sorted(self._deltas.entries):
            self._rewrite(name, self._loaded(name))
        self._deltas.drop()

    def _rewrite(self, name: str, entries: dict[str, Any]) -> None:
        """Replace a bucket's file with ``entries``, as one chunk (a torn file is whole again)."""
        assert self.dir is not None
        write_bucket(self.dir / f"{name}.marshal", entries)
        self._torn.discard(name)
        self._whole.add(name)

    def _loaded(self, name: str) -> dict[str, Any]:
        """A bucket as in memory, or read back (with its delta entries) if released."""
        bucket = self._buckets.get(name)
        return bucket if bucket is not None else self._read(name)
