"""What a token worker sends back: a batch of lines, tokenised and counted together.

The token cache (:mod:`huikan.search.cache`) hands the lines no build has seen to forked
workers, a few thousand at a time; each returns a :class:`LineBatch`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from huikan.lifeline import die_with_parent
from huikan.search.tokenize import Tokenizer, gram_keys, gram_of

_worker: Tokenizer | None = None


def init_worker(user_words: list[str], parent: int) -> None:
    """A token worker's start: die with the search process, make its tokenizer."""
    global _worker
    die_with_parent(parent)
    _worker = Tokenizer(user_words)


def tokenize_lines(lines: list[str]) -> LineBatch:
    """A token worker's job: one batch of lines."""
    assert _worker is not None
    return LineBatch.of(_worker, lines)


@dataclass
class LineBatch:
    """Lines tokenised together, as a worker sends them back: the batch's distinct terms
    once, and per line its number of terms and its distinct terms (their numbers in
    ``terms``) with their frequencies — flat arrays cut at ``offsets``.

    A cold build of 5,000 bulletins tokenises ~1.6 million lines of ~100 terms each. Sent
    back as a list of strings per line, then counted and numbered term by term here, that
    was ~250 CPU-seconds of pickling, counting and dictionary lookups on top of jieba. In a
    batch the grams (most terms: one per character) are numbers from the start
    (:func:`~huikan.search.tokenize.gram_keys`), counted per line with one ``np.unique``,
    each distinct term becomes a string once, the search process numbers it once and maps
    the batch with one numpy indexing. Term numbers only name terms inside the token cache
    (the index sorts terms by their text), so their order is free: grams by key, then words
    in order of first appearance."""

    terms: list[str]
    lengths: list[int]  # terms in each line (repeats counted)
    offsets: list[int]  # line i's distinct terms are ids[offsets[i]:offsets[i + 1]]
    ids: np.ndarray  # int32, numbers in ``terms``
    tfs: np.ndarray  # int32
    heads: list[str]  # see tokenize.Line
    tails: list[str]
    filled: list[bool]

    @classmethod
    def of(cls, tokenizer: Tokenizer, lines: Sequence[str]) -> LineBatch:
        flats: list[str] = []
        word_line: list[int] = []
        words: dict[str, int] = {}  # jieba and Latin words, numbered after the grams
        word_ids: list[int] = []
        b = cls([], [], [], np.empty(0, np.int32), np.empty(0, np.int32), [], [], [])
        for i, x in enumerate(lines):
            flat, other, (head, tail, filled) = tokenizer.parts(x)
            flats.append(flat)
            word_line += [i] * len(other)
            word_ids += [words.setdefault(w, len(words)) for w in other]
            b.heads.append(head)
            b.tails.append(tail)
            b.filled.append(filled)
        gram_line, keys = gram_keys(flats)
        distinct, gram_ids = np.unique(keys, return_inverse=True)
        b.terms = [*map(gram_of, distinct.tolist()), *words]
        n = max(1, len(b.terms))
        line_of = np.concatenate([gram_line, np.array(word_line, dtype=np.int64)])
        term_of = np.concatenate([gram_ids, np.array(word_ids, dtype=np.int64) + len(distinct)])
        pairs, counts = np.unique(line_of * n + term_of, return_counts=True)
        b.ids = (pairs % n).astype(np.int32)
        b.tfs = counts.astype(np.int32)
        b.offsets = np.searchsorted(pairs // n, np.arange(len(lines) + 1)).tolist()
        b.lengths = np.bincount(line_of, minlength=len(lines)).tolist()
        return b

    def __len__(self) -> int:
        return len(self.lengths)

    def counted(self, i: int) -> dict[str, int]:
        """Line ``i``'s distinct terms and their frequencies."""
        a, z = self.offsets[i], self.offsets[i + 1]
        return {self.terms[t]: int(n) for t, n in zip(self.ids[a:z], self.tfs[a:z], strict=True)}
