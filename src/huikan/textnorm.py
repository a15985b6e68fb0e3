"""NFKC that costs little on Chinese text: ``unicodedata.normalize`` only where it is needed.

Every stage normalises text with NFKC (full-width → half-width, ① → 1, compatibility
ideographs): the splitter's rules, the cluster vocabulary's matcher, the search tokenizer.
On a bulletin's text ``unicodedata.normalize("NFKC", …)`` takes ~0.25 µs a character as soon
as the text holds one full-width comma, and a bulletin is full of them: a py-spy profile of a
cold build put a tenth of all its CPU time in that one call. Most characters of such a text
(the ideographs, “”、。) are left as they are; only a few kinds change.

:func:`nfkc` gives exactly ``unicodedata.normalize("NFKC", text)``:

1. a text that is already NFKC (``unicodedata.is_normalized``, a quick check per character)
   is returned as it is;
2. otherwise each character that NFKC changes on its own is replaced by its NFKC (one
   regular-expression pass over a character class, the replacements cached), and
3. if what results is NFKC, that is the answer, else it is normalised after all.

Why step 3 is exact: NFKD(NFKC(c)) = NFKD(c) for every character, and NFKD of a text is the
canonical reordering of its characters' NFKDs, so replacing characters by their NFKC leaves
the text's NFKD and hence its NFKC unchanged. A text whose replacement is already NFKC (no
combining marks that compose, no Hangul jamo) is therefore its own NFKC; any other text is
normalised by ``unicodedata`` as before.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_changes: re.Pattern[str] | None = None


def _changing() -> re.Pattern[str]:
    """A character class of the Basic Multilingual Plane's characters that NFKC changes on
    their own (~3,000, found once per process in ~30 ms), and every astral character (rare in
    a bulletin; the cache makes them cheap). The class compiles to a bitmap: one as a list of
    ranges costs a scan of the list at every character."""
    global _changes
    if _changes is None:
        ranges: list[list[int]] = []
        for cp in range(0x10000):
            if 0xD800 <= cp < 0xE000:
                continue
            c = chr(cp)
            if unicodedata.normalize("NFKC", c) != c:
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
        parts = [re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges]
        _changes = re.compile("[" + "".join(parts) + "\U00010000-\U0010ffff]")
    return _changes


@cache
def _one(c: str) -> str:
    return unicodedata.normalize("NFKC", c)


def _sub(m: re.Match[str]) -> str:
    return _one(m[0])


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, computed only where the text needs it."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    out = _changing().sub(_sub, text)
    return out if unicodedata.is_normalized("NFKC", out) else unicodedata.normalize("NFKC", out)
