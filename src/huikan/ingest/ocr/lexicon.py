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
candidates and is never changed; only Han characters are replaced, by Han characters, one
for one, so the line keeps its length and its per-character boxes.

This is the dictionary-constrained decoding OCR engines use, reduced to substitutions: it
adds no word list of its own and knows nothing of any bulletin.
"""

from __future__ import annotations

import functools
import math

WEIGHT = 0.5  # a word 100× as frequent outweighs a 10× lower recogniser probability
WORD_MIN, WORD_MAX = 2, 4  # word lengths looked up around a character


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@functools.cache
def _freq() -> dict[str, int]:
    """jieba's word frequencies (its prefixes have frequency 0), loaded once a process."""
    from huikan.jiebautil import base_frequencies

    return base_frequencies()


def _support(chars: list[str], at: int, freq: dict[str, int]) -> float:
    """log(1 + f) of the most frequent dictionary word of Han characters through ``at``."""
    best = 0
    for n in range(WORD_MIN, WORD_MAX + 1):
        for start in range(max(0, at - n + 1), min(at, len(chars) - n) + 1):
            word = chars[start : start + n]
            if all(_han(c) for c in word):
                best = max(best, freq.get("".join(word), 0))
    return math.log1p(best)


def correct(text: str, alts: list[tuple[int, list[tuple[str, float]]]]) -> str:
    """``text`` with each uncertain character (``alts``: its index and the recogniser's
    candidates, the character read among them) replaced by the candidate that best makes a
    word, as the module docstring says. Corrections are made left to right, so a character
    is judged beside its neighbours as already corrected."""
    if not alts:
        return text
    freq = _freq()
    chars = list(text)
    for at, cands in alts:
        if at >= len(chars) or not _han(chars[at]):
            continue
        read = chars[at]
        scored = []
        for ch, p in cands:
            if not _han(ch) or p <= 0:
                continue
            chars[at] = ch
            scored.append((math.log(p) + WEIGHT * _support(chars, at, freq), ch == read, ch))
        chars[at] = read
        if scored:
            # ties keep the character read; among the rest, the first candidate listed
            chars[at] = max(scored, key=lambda s: (s[0], s[1]))[2]
    return "".join(chars)
