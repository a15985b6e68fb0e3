"""Characters the recogniser hesitated over, read again with the help of the dictionary.

The recogniser decides each character by its shape alone. Where two characters differ by a
stroke (士/土, 亟/函, 朐/胸, 迭/选), its first choice is often wrong while the printed one is
its runner-up (:func:`huikan.ingest.ocr.engine.runners`). Running Chinese text is made of
words, and the right reading is nearly always the one that makes a word with its
neighbours: 院士, not 院土; 亟待, not 函待; 迭代, not 选代.

Each uncertain character is scored as ``log(p) + WEIGHT × log(1 + f)``: ``p`` the
recogniser's probability of the candidate, ``f`` the frequency, in jieba's dictionary (the
same one the search tokenizer loads), of the most frequent word of two to four Han
characters that the candidate forms with its neighbours (0 when none). The candidate with
the highest score is kept. A character the recogniser was sure of (≥ 0.95) has no
candidates and is never changed; only Han characters are replaced, by Han characters.

CTC also drops characters: where the print is faint or squeezed the blank wins the column,
and 亟待 comes back as 待 with 亟 at 0.21 beside it (:func:`huikan.ingest.ocr.engine.gaps`).
Such a character is put back between two Han characters when it makes a word the same way,
its score weighed against the blank's ``1 - p`` and the word already running across the
place (so 全新 never becomes 全新新).

Two doubts have no dictionary to ask, only their neighbours: a middle dot after a Han
character with 。 among its candidates is a full stop (:func:`_stop`), and a doubted 1 or 0
among capitals is I or O, an I or O among digits 1 or 0 (:func:`_latin`: B1M → BIM).

This is the dictionary-constrained decoding OCR engines use, reduced to single characters:
it adds no word list of its own and knows nothing of any bulletin.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from huikan.ingest.ocr.engine import Doubt

WEIGHT = 0.5  # a word 100× as frequent outweighs a 10× lower recogniser probability
WORD_MIN, WORD_MAX = 2, 4  # word lengths looked up around a character


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@functools.cache
def _freq() -> dict[str, int]:
    """jieba's word frequencies (its prefixes have frequency 0), loaded once a process."""
    from huikan.jiebautil import base_frequencies

    return base_frequencies()


def _word_through(chars: list[str], first: int, last: int, freq: dict[str, int]) -> float:
    """log(1 + f) of the most frequent dictionary word of Han characters that covers
    ``chars[first]`` to ``chars[last]``: through one character (``first == last``), or across
    the place between two."""
    best = 0
    for n in range(WORD_MIN, WORD_MAX + 1):
        for start in range(max(0, last - n + 1), min(first, len(chars) - n) + 1):
            word = chars[start : start + n]
            if all(_han(c) for c in word):
                best = max(best, freq.get("".join(word), 0))
    return math.log1p(best)


def word_support(text: str, k: int) -> float:
    """log(1 + f) of the most frequent dictionary word through ``text[k]`` (0: none): how
    well a reading of that character fits its neighbours, for choosing between two readings
    of the same text (a title and its TOC line)."""
    return _word_through(list(text), k, k, _freq())


def correct(text: str, alts: Sequence[Doubt], gaps: Sequence[Doubt] = ()) -> str:
    """``text`` with each uncertain character (``alts``: its index and the recogniser's
    candidates, the character read among them) replaced by the candidate that best makes a
    word, and a dropped character put back where one makes a word (``gaps``), as the module
    docstring says. Replacements are made left to right, so a character is judged beside
    its neighbours as already corrected; then insertions, right to left."""
    if not alts and not gaps:
        return text
    freq = _freq()
    chars = list(text)
    _replace(chars, alts, freq)
    for k, cands in sorted(gaps, reverse=True):
        _insert(chars, k, cands, freq)
    return "".join(chars)


def _insert(chars: list[str], k: int, cands: list[tuple[str, float]], freq: dict) -> None:
    """Put back the character CTC may have dropped before ``chars[k]``, when that makes a
    word: ``log(p) + WEIGHT × log(1 + f)`` of the best candidate against ``log(1 - p)`` (the
    blank it lost to) plus the word already running across the place. Only between two Han
    characters, and never a neighbour's own character: a neighbour's shape spilling into
    the blank columns is the commonest such "candidate" (智能 → 智能能)."""
    if not 0 < k < len(chars) or not (_han(chars[k - 1]) and _han(chars[k])):
        return
    blank = 1 - max(p for _, p in cands)
    keep = math.log(max(1e-3, blank)) + WEIGHT * _word_through(chars, k - 1, k, freq)
    best = None
    for ch, p in cands:
        if not _han(ch) or ch in (chars[k - 1], chars[k]) or p <= 0:
            continue
        chars.insert(k, ch)
        score = math.log(p) + WEIGHT * _word_through(chars, k, k, freq)
        del chars[k]
        if score > keep and (best is None or score > best[0]):
            best = (score, ch)
    if best:
        chars.insert(k, best[1])


def _replace(chars: list[str], alts: Sequence[Doubt], freq: dict) -> None:
    for at, cands in alts:
        if at >= len(chars):
            continue
        if chars[at] in _DOTS:
            _stop(chars, at, cands)
        elif chars[at].isascii() and chars[at].isalnum():
            _latin(chars, at, cands)
        if not _han(chars[at]):
            continue
        read = chars[at]
        scored = []
        for ch, p in cands:
            if not _han(ch) or p <= 0:
                continue
            chars[at] = ch
            score = math.log(p) + WEIGHT * _word_through(chars, at, at, freq)
            scored.append((score, ch == read, ch))
        chars[at] = read
        if scored:
            # ties keep the character read; among the rest, the first candidate listed
            chars[at] = max(scored, key=lambda s: (s[0], s[1]))[2]


_DOTS = "·•"
STOP_SHARE = 0.1  # a 。 this likely beside a doubted dot means the dot is a full stop
LATIN_BONUS = math.log(4)  # a candidate of its token's kind wins unless 4× less likely
_PAIRS = {"1": "I", "0": "O", "I": "1", "l": "1", "O": "0", "o": "0"}


def _stop(chars: list[str], at: int, cands: list[tuple[str, float]]) -> None:
    """A doubted middle dot after a Han character, with the full stop among its candidates,
    is a full stop. The interpunct joins a foreign name's parts or a title's, where the
    scanned dev bulletins' dots came back with no 。 among their candidates at all (< 0.02);
    their full stops read as dots had 。 at 0.23-0.44 beside the dot's 0.44-0.66."""
    p = dict(cands)
    if at > 0 and _han(chars[at - 1]) and p.get("。", 0) >= STOP_SHARE * p.get(chars[at], 1):
        chars[at] = "。"


def _latin(chars: list[str], at: int, cands: list[tuple[str, float]]) -> None:
    """A doubted 1 or 0 in a Latin token whose other characters (two or more) are all capital
    letters is read as I or O, and a doubted I, l, O or o among two or more digits as 1 or 0,
    when that candidate is no more than LATIN_BONUS less likely: B1M is BIM, EFL0PS is
    EFLOPS (one stroke, one ring in many faces). Only these pairs: CO2, LiPF6, H1N1, A1, 5G
    keep their digits whatever the recogniser's runners-up."""
    lo = hi = at
    while lo > 0 and chars[lo - 1].isascii() and chars[lo - 1].isalnum():
        lo -= 1
    while hi + 1 < len(chars) and chars[hi + 1].isascii() and chars[hi + 1].isalnum():
        hi += 1
    others = chars[lo:at] + chars[at + 1 : hi + 1]
    pair = _PAIRS.get(chars[at])
    if len(others) < 2 or pair is None:
        return
    kind = str.isupper if pair.isalpha() else str.isdigit
    if not all(kind(c) for c in others):
        return
    p = dict(cands)
    if pair in p and math.log(p[pair]) + LATIN_BONUS > math.log(p.get(chars[at], 1)):
        chars[at] = pair
