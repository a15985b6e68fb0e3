"""Turn article text into index terms, the same way ``static/search-tokenize.js`` does.

Terms of one field are three kinds, told apart by length so they never collide:

* character **grams** (length 1-2): after NFKC, lower-casing and deleting all whitespace, every
  maximal run of letters/digits/ideographs yields the bigram starting at each position and the
  last character alone. Any query string of two or more characters is then an AND of bigrams,
  and a single character a prefix query, so a query never misses an article because jieba cut
  the article differently from the query (or cut through the middle of it: 成电路, 无人机场);
* jieba **words** (length >= 3) from search mode (``cut_for_search``) over Chinese runs, with a
  per-site user dictionary (taxonomy names, aliases, keywords and ``search.user_dict``) so that
  domain terms stay whole. Jieba's two-character words are exactly bigrams, so they are kept
  implicitly; its one-character words (的, 在) are dropped;
* **Latin** words and numbers (length >= 3) kept whole and lower-cased (hbm, cowos, car-t, 16.5),
  plus the parts of hyphen/dot compounds (car, 2024 from 2024-2026).

Words rank articles that contain the query as a whole word above those that merely contain
its characters; grams give recall. The browser side only needs the grams rule (plain code) and
the index's vocabulary (in the shards) — it never has to imitate jieba.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from huikan.config import SiteConfig
from huikan.jiebautil import Cutter, search_cutter
from huikan.textnorm import nfkc

# Bump when the terms produced for a text change: it keys the token cache.
TOKENIZER_VERSION = "2"

_CJK_RANGES = (
    "\u3007"  # 〇 as in 二〇二四
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")
_WORD_CHAR = re.compile(r"[^\W_]")
# A word character: any letter or digit (Python's \w without "_"), ideographs included.
GRAM_RUN = re.compile(r"[^\W_]+")
_WS = re.compile(r"[\s\ufeff]+")  # Python's \s plus the BOM, which JavaScript's \s has
# Latin/number words: letters/digits that are not ideographs, joined by - . & + ' inside.
_ALNUM = rf"(?:(?![{_CJK_RANGES}])[^\W_])"
LATIN_WORD = re.compile(rf"{_ALNUM}+(?:[-.&+']{_ALNUM}+)*")
_LATIN_PART = re.compile(rf"{_ALNUM}+")

MIN_WORD = 3  # shorter words are grams already


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and lower case."""
    return nfkc(text).lower()


def squash(text: str) -> str:
    """Normalised text with every whitespace character deleted (how relevance is defined)."""
    return _WS.sub("", normalize(text))


def grams(text: str) -> list[str]:
    """Bigram at each position of every word-character run, plus each run's last character."""
    return _grams(squash(text))


def _grams(flat: str) -> list[str]:
    """:func:`grams` of text already squashed (NFKC is most of the cost: done once a line)."""
    out: list[str] = []
    for run in GRAM_RUN.findall(flat):
        out.extend(map(str.__add__, run[:-1], run[1:]))
        out.append(run[-1])
    return out


def latin_words(text: str) -> list[str]:
    """Latin words and numbers of three or more characters, and the long parts of compounds."""
    return _latin_words(normalize(text))


def _latin_words(norm: str) -> list[str]:
    """:func:`latin_words` of text already normalised."""
    out: list[str] = []
    for m in LATIN_WORD.finditer(norm):
        word = m.group()
        if len(word) >= MIN_WORD:
            out.append(word)
        parts = _LATIN_PART.findall(word)
        if len(parts) > 1:
            out.extend(p for p in parts if len(p) >= MIN_WORD)
    return out


def dictionary_words(config: SiteConfig) -> list[str]:
    """The user dictionary: taxonomy names, aliases, keywords and ``search.user_dict``.

    Only the Chinese runs of each entry matter (jieba only sees Chinese runs), and only runs
    long enough to become word terms.
    """
    words: set[str] = set()
    entries: list[str] = list(config.user_dict)
    for c in config.taxonomy.clusters:
        entries += [c.name, *c.aliases, *c.keywords]
    for entry in entries:
        for run in CJK_RUN.findall(squash(entry)):
            if len(run) >= 2:
                words.add(run)
    return sorted(words)


class Tokenizer:
    """Index terms for one site configuration (its own jieba dictionary, never the global one)."""

    def __init__(self, user_words: Iterable[str] = ()):
        self.user_words = sorted(set(user_words))
        digest = hashlib.sha256("\n".join(self.user_words).encode()).hexdigest()[:16]
        self.key = f"v{TOKENIZER_VERSION}-{digest}"
        self._cut: Cutter | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_config(cls, config: SiteConfig) -> Tokenizer:
        return cls(dictionary_words(config))

    @property
    def cut(self) -> Cutter:
        """jieba's search-mode cut with the site's words (:func:`huikan.jiebautil.search_cutter`);
        loaded lazily: a build whose token cache is warm never pays jieba's start-up."""
        with self._lock:
            if self._cut is None:
                self._cut = search_cutter(self.user_words)
            return self._cut

    def words(self, text: str) -> list[str]:
        """jieba search-mode words of three or more characters, in text order."""
        return self._words(squash(text))

    def _words(self, flat: str) -> list[str]:
        out: list[str] = []
        cut = self.cut
        for run in CJK_RUN.findall(flat):
            if len(run) >= MIN_WORD:
                out.extend(w for w in cut(run) if len(w) >= MIN_WORD)
        return out

    def line(self, line: str) -> Line:
        """Terms of one line: its grams, jieba words and Latin words."""
        flat, words, seam = self.parts(line)
        return Line(_grams(flat) + words, *seam)

    def parts(self, line: str) -> tuple[str, list[str], tuple[str, str, bool]]:
        """One line as :meth:`line` reads it, before its grams are cut: the squashed line
        (its grams are :func:`_grams` of it, or :func:`gram_keys` for many lines at once),
        its jieba and Latin words, and its head, tail and whether it is filled (:class:`Line`)."""
        norm = normalize(line)
        flat = _WS.sub("", norm)
        seam = (
            flat[0] if flat and _WORD_CHAR.match(flat[0]) else "",
            flat[-1] if flat and _WORD_CHAR.match(flat[-1]) else "",
            bool(flat),
        )
        return flat, self._words(flat) + _latin_words(norm), seam

    def terms(self, text: str) -> list[str]:
        """All index terms of a field value, line by line (the unit the token cache keeps).

        Grams are exactly ``grams(text)`` of the whole value: where a line ends and the next
        begins with a word character the run goes on across the line break, so the first
        line's closing single character becomes the bigram across the seam (:func:`join`).
        jieba words are cut line by line.
        """
        lines = [self.line(x) for x in text.split("\n")]
        out: list[str] = []
        for ln in lines:
            out += ln.terms
        for minus, plus in seams(lines):
            out.remove(minus)
            out.append(plus)
        return out


_WORD_BMP: np.ndarray | None = None  # is each BMP code point a word character ([^\W_])


def _word_chars(codes: np.ndarray) -> np.ndarray:
    r"""Which code points are word characters as :data:`GRAM_RUN` means it: Python's ``\w``
    without "_", which is ``str.isalnum`` (a table for the BMP, the rest one by one)."""
    global _WORD_BMP
    if _WORD_BMP is None:
        _WORD_BMP = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
    out = _WORD_BMP[np.minimum(codes, 0xFFFF)]
    astral = np.flatnonzero(codes > 0xFFFF)
    if len(astral):
        out[astral] = [chr(c).isalnum() for c in codes[astral].tolist()]
    return out


GRAM_SHIFT = 21  # a code point fits in 21 bits


def gram_keys(flats: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The grams of many squashed lines at once, as numbers: (line of each gram, its key),
    in text order — what :func:`_grams` gives line by line as strings, without a string per
    gram (a cold build of 5,000 bulletins cuts ~150 million of them).

    In a run of word characters every character but the last starts a bigram and the last is
    a gram alone: one gram per word character, the character and (when a word character
    follows) the next one. Key: ``first << 21 | (next + 1, or 0)`` (:func:`gram_of`)."""
    text = "\n".join(flats) + "\n"  # "\n" ends each line: never in a squashed line, no word
    # a lone surrogate (a PDF's broken ToUnicode map can make one) is a code point like any
    # other, and no word character
    raw = text.encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(raw, dtype=np.uint32).astype(np.int64)
    word = _word_chars(codes)
    at = np.flatnonzero(word)  # never the last position (a "\n")
    follows = word[at + 1]
    keys = (codes[at] << GRAM_SHIFT) | np.where(follows, codes[at + 1] + 1, 0)
    lines = np.cumsum(codes == 10)[at]
    return lines, keys


def gram_of(key: int) -> str:
    """The gram a :func:`gram_keys` key stands for."""
    second = key & ((1 << GRAM_SHIFT) - 1)
    return chr(key >> GRAM_SHIFT) + (chr(second - 1) if second else "")


@dataclass
class Line:
    terms: list[str]
    head: str  # first character of the squashed line if it is a word character, else ""
    tail: str  # last character likewise
    filled: bool  # anything left after deleting whitespace


def seams(lines: list[Line]) -> list[tuple[str, str]]:
    """(single character to drop, bigram to add) where a gram run continues across lines."""
    out = []
    prev: Line | None = None
    for ln in lines:
        if not ln.filled:
            continue  # a blank line vanishes with the whitespace
        if prev is not None and prev.tail and ln.head:
            out.append((prev.tail, prev.tail + ln.head))
        prev = ln
    return out


LONG_RUN = 12  # longer query runs need only every other bigram (fewer shards to fetch)


def gram_positions(n: int) -> list[int]:
    """Where the required bigrams of a run of n characters start: all of them, or for long
    runs every other one plus the last, which still covers every character."""
    if n <= LONG_RUN:
        return list(range(n - 1))
    return sorted({*range(0, n - 1, 2), n - 2})


def query_grams(part: str) -> Iterator[tuple[str, bool]]:
    """Gram terms a query part must match: (term, is_prefix). Mirrors the JS query side."""
    seen: set[str] = set()
    for m in GRAM_RUN.finditer(squash(part)):
        run = m.group()
        if len(run) == 1:
            yield run, True
        else:
            for i in gram_positions(len(run)):
                g = run[i : i + 2]
                if g not in seen:
                    seen.add(g)
                    yield g, False


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))
