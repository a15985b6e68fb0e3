"""huikan.textnorm.nfkc gives exactly unicodedata.normalize("NFKC", …), on every kind of text."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from huikan.textnorm import nfkc

SEEDS = Path(__file__).parent / "corpus" / "seeds"


def ref(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def test_every_character_of_the_basic_plane_and_astral_samples():
    for cp in [*range(0x10000), *range(0x10000, 0x110000, 97), 0x1D400, 0x2F800, 0x1F100]:
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        assert nfkc(c) == ref(c), hex(cp)


def test_texts_that_compose_or_reorder_across_characters():
    """Where NFKC is not character by character: combining marks (composed, reordered,
    after a full-width letter), Hangul jamo, two starters that compose (Oriya, Tamil), a
    compatibility character whose NFKC composes with what follows."""
    cases = [
        "A\u030a",
        "e\u0301\u0323",
        "e\u0323\u0301",
        "Ｅ\u0301",
        "\u1100\u1161\u11a8",
        "\uac00\u11a8",
        "\u0b47\u0b3e",
        "\u0bc6\u0bbe",
        "\u2126\u0301",
        "ｶﾞ",
        "ﾊﾟﾝ",
        "\u1e9b\u0323",
        "集成电路，（ＡＩ）①\u0301",
    ]
    for s in cases:
        assert nfkc(s) == ref(s), s


def test_random_mixtures():
    pool = (
        [chr(c) for c in range(0x20, 0x7F)]
        + list(
            "集成电路产业，。、；：？！“”（）《》【】〇—…·①⑩㈱㍿ﬁＡＢｃ１２３　ｶﾞﾊﾟﾝ"
            "\u0301\u0323\u030a\u0308\u1100\u1161\u11a8\uac00\u0b47\u0b3e\u2126\uf900\ufa0a"
        )
        + [chr(0x1D400), chr(0x2F800), chr(0x1F100)]
    )
    rng = random.Random(11)
    for _ in range(5000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        assert nfkc(s) == ref(s), ascii(s)


def test_the_sample_bulletins():
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    assert texts
    for t in texts:
        assert nfkc(t) == ref(t)
        assert nfkc(t) != t  # they hold full-width punctuation: the replacing path ran
