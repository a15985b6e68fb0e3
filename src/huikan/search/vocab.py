"""The search vocabulary: term strings and their numbers, stable for as long as the token
cache keeps them.

A build that adds one bulletin to a large archive looks up a few thousand terms, yet the
term → number map of the whole vocabulary (1.16 million terms at 5,000 bulletins) took
~0.6 s to build from the saved list — most of the search process's fixed cost. So the token
cache saves, beside the list, the terms' 64-bit hashes in sorted order (:class:`TermHashes`);
a vocabulary loaded with them finds a term by binary search over the hashes (and a string
comparison, so a collision costs a second probe, never a wrong number), and builds the map
only once it has looked up more terms than that is worth (:data:`MAP_AFTER`) — a cold build
tokenising the archive gets its map at once, a +1 build never does.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Looked-up terms after which the whole map is built (hashing a term and a binary search cost
# ~3 µs; putting a term in the map ~0.4 µs: past a fifth of the vocabulary the map is cheaper)
MAP_AFTER = 200_000


def term_hash(term: str) -> int:
    """64 bits of the term's BLAKE2b: the same in every process (``hash()`` is salted)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


@dataclass
class TermHashes:
    """Sorted term hashes (``keys``, uint64) and the numbers of their terms (``ids``)."""

    keys: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(cls, terms: Sequence[str], start: int = 0) -> TermHashes:
        keys = np.fromiter(map(term_hash, terms), dtype=np.uint64, count=len(terms))
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], (order + start).astype(np.int64))

    def __len__(self) -> int:
        return len(self.keys)

    def merged(self, other: TermHashes) -> TermHashes:
        """Both sets of hashes, sorted (a new bulletin's terms into the archive's)."""
        if not len(other):
            return self
        at = np.searchsorted(self.keys, other.keys)
        return TermHashes(np.insert(self.keys, at, other.keys), np.insert(self.ids, at, other.ids))

    def find(self, terms: Sequence[str], strings: Sequence[str]) -> list[int | None]:
        """The number of each term (``strings``: the vocabulary's terms by number), or None."""
        if not terms or not len(self.keys):
            return [None] * len(terms)
        want = np.fromiter(map(term_hash, terms), dtype=np.uint64, count=len(terms))
        at = np.searchsorted(self.keys, want).tolist()
        keys, ids, end = self.keys, self.ids, len(self.keys)
        out: list[int | None] = []
        for term, h, i in zip(terms, want.tolist(), at, strict=True):
            found = None
            while i < end and int(keys[i]) == h:  # equal hashes: compare the strings
                n = int(ids[i])
                if strings[n] == term:
                    found = n
                    break
                i += 1
            out.append(found)
        return out

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.save(f, np.stack([self.keys, self.ids.astype(np.uint64)]))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, terms: Sequence[str]) -> TermHashes | None:
        """The saved hashes if they are those of ``terms`` (count, and the first and last
        term found under their numbers), else None."""
        try:
            both = np.load(path)
        except (OSError, ValueError, EOFError):
            return None
        if both.ndim != 2 or both.shape != (2, len(terms)) or both.dtype != np.uint64:
            return None
        hashes = cls(both[0], both[1].astype(np.int64))
        if terms and hashes.find([terms[0], terms[-1]], terms) != [0, len(terms) - 1]:
            return None
        return hashes


class Vocabulary:
    """Term strings and their numbers. Without ``hashes``, the term → number map is built at
    once; with them, on demand (see the module docstring)."""

    def __init__(self, terms: Sequence[str] = (), hashes: TermHashes | None = None):
        self.terms: list[str] = list(terms)
        self.hashes = hashes if hashes is not None and len(hashes) == len(self.terms) else None
        self._ids: dict[str, int] | None = None
        self._known: dict[str, int] = {}  # terms looked up by hash so far (map not built)
        self._looked_up = 0
        if self.hashes is None:
            self.ids  # noqa: B018 - no hashes: the map at once

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def ids(self) -> dict[str, int]:
        """The whole term → number map (built on first use when loaded with hashes)."""
        if self._ids is None:
            self._ids = dict(zip(self.terms, range(len(self.terms)), strict=True))
            self._known = {}
        return self._ids

    def numbers(self, terms: Sequence[str]) -> list[int]:
        """The number of each term, new ones numbered in order of first appearance (so the
        numbering is stable)."""
        if self._ids is None:
            known = self._known
            ask = [t for t in dict.fromkeys(terms) if t not in known]
            self._looked_up += len(ask)
            if self._looked_up <= MAP_AFTER:
                assert self.hashes is not None
                for term, n in zip(ask, self.hashes.find(ask, self.terms), strict=True):
                    if n is None:
                        n = len(self.terms)
                        self.terms.append(term)
                    known[term] = n
                return list(map(known.__getitem__, terms))
        ids = self.ids  # past MAP_AFTER terms looked up the map is cheaper
        new = [t for t in dict.fromkeys(terms) if t not in ids]
        if new:
            start = len(self.terms)
            self.terms += new
            ids.update(zip(new, range(start, start + len(new)), strict=True))
        return list(map(ids.__getitem__, terms))

    def id(self, term: str) -> int:
        return self.numbers([term])[0]

    def encode(self, terms: Sequence[str]) -> FieldTerms:
        """Count a field's terms (first-seen order) and number them, adding new ones."""
        tf = Counter(terms)
        return FieldTerms(
            len(terms),
            np.array(self.numbers(list(tf)), dtype=np.int32),
            np.fromiter(tf.values(), dtype=np.int32, count=len(tf)),
        )

    def saved_hashes(self) -> TermHashes:
        """Hashes of every term, for saving: the loaded ones with the terms added since (terms
        are only ever appended), or all of them made afresh."""
        if self.hashes is None:
            self.hashes = TermHashes.of(self.terms)
        elif len(self.hashes) < len(self.terms):
            done = len(self.hashes)
            self.hashes = self.hashes.merged(TermHashes.of(self.terms[done:], done))
        return self.hashes


@dataclass
class FieldTerms:
    """One field of one document: its length in terms, its distinct term numbers and their
    frequencies."""

    length: int
    ids: np.ndarray
    tfs: np.ndarray
