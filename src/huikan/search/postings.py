"""The postings-string code of a shard: numbers and impact levels as base64url characters.

A shard (:mod:`huikan.search.shard`) lists each term's postings per field as one string: the
documents' gaps as variable-length base64url numbers, then each posting's impact level in two
digits — or, after a *palette* of the term's distinct levels, in one. Here are the code's
pieces, one number or string at a time (:func:`encode_postings`, :func:`decode_postings`, as
``static/search-rank.js`` reads it) and into a preallocated buffer (:func:`put_numbers`,
:func:`put_levels`), which :func:`huikan.search.shard.term_texts` uses to write a whole
segment's postings at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# A postings string that lists its distinct levels first starts with this mark (not a base64url
# digit), then their count in one digit.
PALETTE_MARK = "."
PALETTE_MAX = 63
# A split term's documents string that is a bitmap (to_bitmap) starts with this mark.
BITMAP_MARK = "~"

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url
ALPHABET_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)  # digit value → its byte
DIGIT_VALUE = np.zeros(256, dtype=np.int64)  # a digit's byte → its value
DIGIT_VALUE[ALPHABET_BYTES] = np.arange(64)


def number_digits(x: np.ndarray) -> np.ndarray:
    """Characters of each number in :func:`put_numbers`' code (base-32 digits)."""
    digits = np.ones(len(x), dtype=np.uint8)
    for k in range(1, 13):
        more = x >= (1 << (5 * k))
        if not more.any():
            break
        digits += more
    return digits


def put_numbers(out: np.ndarray, x: np.ndarray, digits: np.ndarray, last: np.ndarray) -> None:
    """Write non-negative integers as variable-length base64url into ``out`` (bytes), number
    j's last character at ``last[j]``: base-32 digits, most significant first, each digit but
    a number's last offset by 32 — so gaps under 32, most of them, take one character."""
    out[last] = ALPHABET_BYTES[x & 31]
    for k in range(1, int(digits.max()) if len(x) else 0):
        has = np.flatnonzero(digits > k)
        out[last[has] - k] = ALPHABET_BYTES[((x[has] >> (5 * k)) & 31) + 32]


def encode_numbers(x: np.ndarray) -> tuple[str, np.ndarray]:
    """Numbers one after the other in :func:`put_numbers`' code → the text and each
    number's end in it."""
    x = np.asarray(x, dtype=np.int64)
    digits = number_digits(x)
    ends = np.cumsum(digits, dtype=np.int64)
    out = np.empty(int(ends[-1]) if len(x) else 0, dtype=np.uint8)
    put_numbers(out, x, digits, ends - 1)
    return out.tobytes().decode("ascii"), ends


def encode_levels(levels: np.ndarray) -> str:
    """Impact levels (< 4096) as two base64url digits each."""
    out = np.empty(2 * len(levels), dtype=np.uint8)
    put_levels(out, levels, 2 * np.arange(len(levels)))
    return out.tobytes().decode("ascii")


def put_levels(out: np.ndarray, levels: np.ndarray, at: np.ndarray) -> None:
    """Write impact levels as two digits each at ``at`` in ``out`` (bytes): in place, so a
    segment's millions of postings are written into one buffer, not joined from strings."""
    out[at] = ALPHABET_BYTES[levels >> 6]
    out[at + 1] = ALPHABET_BYTES[levels & 63]


def encode_postings(gaps: np.ndarray, levels: np.ndarray) -> str:
    """One (term, field)'s postings string, as :func:`~huikan.search.shard.term_texts` writes
    it (for tests and single terms; ``term_texts`` does every term of a segment at once)."""
    gaps = np.asarray(gaps, dtype=np.int64)
    levels = np.asarray(levels, dtype=np.int64)
    if not len(gaps):
        return ""
    palette = np.unique(levels)
    text, _ = encode_numbers(gaps)
    if uses_palette(len(palette), len(levels)):
        index = np.searchsorted(palette, levels)
        marks = ALPHABET_BYTES[index].tobytes().decode("ascii")
        head = PALETTE_MARK + ALPHABET[len(palette)] + encode_levels(palette)
        return head + text + marks
    return text + encode_levels(levels)


def uses_palette(distinct: Any, postings: Any) -> Any:  # numbers, or numpy arrays of them
    """Whether a postings string lists its distinct levels first (then one character a
    posting) rather than two characters a posting: when that is shorter and P fits a digit."""
    return (distinct <= PALETTE_MAX) & (2 + 2 * distinct < postings)


def decode_postings(text: str) -> list[tuple[int, int]]:
    """One field's postings string → [(Δdoc, impact level)] (as ``shardTerm`` in
    static/search-rank.js): after the palette, if any (the mark, its size P in one digit, P
    two-digit levels), gap numbers until the characters left are one (palette) or two (none)
    per number read."""
    value = {c: i for i, c in enumerate(ALPHABET)}
    size = value[text[1]] if text.startswith(PALETTE_MARK) else 0
    palette = [value[text[2 + 2 * j]] * 64 + value[text[3 + 2 * j]] for j in range(size)]
    width = 1 if size else 2
    gaps: list[int] = []
    i = 2 + 2 * size if size else 0
    while i + width * len(gaps) < len(text):
        n = 0
        while value[text[i]] >= 32:
            n = n * 32 + value[text[i]] - 32
            i += 1
        gaps.append(n * 32 + value[text[i]])
        i += 1
    if i + width * len(gaps) != len(text):
        raise ValueError("postings string cut short")
    if size:
        levels = [palette[value[c]] for c in text[i:]]
    else:
        pairs = range(i, len(text), 2)
        levels = [value[text[j]] * 64 + value[text[j + 1]] for j in pairs]
    return list(zip(gaps, levels, strict=True))


def split_levels(text: str) -> tuple[str, str]:
    """A postings string cut in two: the gaps, and the levels with the palette, if any
    (:func:`join_levels` puts them back together). A big term's levels are most of its bytes
    (~75 % gzip, 能源 at 80,000 articles) and a query that only filters by the term does not
    read them, so :func:`huikan.search.shard.pack_shards` moves them to a file of their own.

    The number of postings n is where the gaps end: the count of numbers' last digits (value
    < 32) in the text before the last ``width`` × n characters equals n — one n does, since
    that count can only fall as n grows."""
    head = palette_head(text)
    width = 1 if head else 2
    body = digit_values(text[head:])
    last = np.concatenate([[0], np.cumsum(body < 32)])  # numbers ended before each char
    n = np.arange(len(body) // (width + 1) + 1)
    found = np.flatnonzero(last[len(body) - width * n] == n)
    if len(found) != 1:
        raise ValueError("postings string cut short")
    cut = head + len(body) - width * int(found[0])
    return text[head:cut], text[:head] + text[cut:]


def palette_head(text: str) -> int:
    """Characters of the palette a postings (or levels) string starts with: 0 for none."""
    return 2 + 2 * ALPHABET.index(text[1]) if text.startswith(PALETTE_MARK) else 0


def digit_values(text: str) -> np.ndarray:
    """Each base64url digit's value."""
    return DIGIT_VALUE[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]


def decode_numbers(text: str) -> np.ndarray:
    """The numbers of :func:`encode_numbers`' text (a gaps string), at numpy speed."""
    v = digit_values(text)
    ends = np.flatnonzero(v < 32)
    if len(v) and (not len(ends) or ends[-1] != len(v) - 1):
        raise ValueError("numbers cut short")
    if not len(ends):
        return np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[0], ends[:-1] + 1])
    group = np.repeat(np.arange(len(ends)), ends - starts + 1)
    place = ends[group] - np.arange(len(v))  # digits after this one in its number
    digit = np.where(v < 32, v, v - 32)
    return np.add.reduceat(digit << (5 * place), starts)


def to_bitmap(gaps: str) -> str:
    """A split term's documents (:func:`split_levels`' gaps) as a bitmap when that is
    shorter: :data:`BITMAP_MARK`, the first document as a number, then six documents a
    digit from it (most significant bit first). A term in more than about one document in
    seven: gzip makes ~1.4 bits of a gap but ~0.9 of a bitmap's bit at one in three (生产,
    新质 at 80,000 articles: 9.5 → 7.9 kB)."""
    docs = np.cumsum(decode_numbers(gaps))
    if not len(docs):
        return gaps
    first = int(docs[0])
    bits = np.zeros(-(-(int(docs[-1]) - first + 1) // 6) * 6, dtype=np.uint8)
    bits[docs - first] = 1
    digits = bits.reshape(-1, 6) @ np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)
    head, _ = encode_numbers([first])
    text = BITMAP_MARK + head + ALPHABET_BYTES[digits].tobytes().decode("ascii")
    return text if len(text) < len(gaps) else gaps


def from_bitmap(text: str) -> str:
    """The gaps string of :func:`to_bitmap`'s text (a gaps string is returned as it is)."""
    if not text.startswith(BITMAP_MARK):
        return text
    v = digit_values(text[1:])
    end = int(np.argmax(v < 32)) + 1  # the first document's number ends at its last digit
    first = int(decode_numbers(text[1 : 1 + end])[0])
    bits = np.unpackbits(v[end:].astype(np.uint8)[:, None], axis=1)[:, 2:].ravel()
    docs = np.flatnonzero(bits) + first
    return encode_numbers(np.diff(docs, prepend=0))[0]


def join_levels(gaps: str, levels: str) -> str:
    """The postings string :func:`split_levels` cut into ``gaps`` (or :func:`to_bitmap`'s
    bitmap of them) and ``levels``."""
    head = palette_head(levels)
    return levels[:head] + from_bitmap(gaps) + levels[head:]
