"""jieba for huikan: one dictionary load per process, and a compiled twin for bulk cutting.

Loading jieba's dictionary takes most of a second; every tokenizer needs its own added words,
so each copies the word-frequency table of one base tokenizer (about 10 ms) instead of
loading it again.

Search indexing cuts every sentence of the archive with ``cut_for_search``; in pure Python
that is ~100,000 characters a second, most of a full build's time on a large archive.
`rjieba <https://pypi.org/project/rjieba/>`_ binds jieba-rs, a port of the same algorithm
(same dictionary, same DAG route, same HMM for unknown words) about 15× faster.
:func:`search_cutter` uses it when it is installed (it is a dependency) and jieba itself
otherwise; ``HUIKAN_JIEBA=python`` forces jieba. The two must cut alike — the index must
not depend on which is installed — and ``tests/test_jiebautil.py`` holds them to it on the
real bulletins (bench: 346,517 distinct sentences of a 500-bulletin archive, no difference).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when first needed: a build with nothing to index never loads it
    import jieba

_lock = threading.Lock()
_base: jieba.Tokenizer | None = None

Cutter = Callable[[str], list[str]]


def _base_tokenizer() -> jieba.Tokenizer:
    import jieba

    global _base
    with _lock:
        if _base is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _base = tok
        return _base


def base_frequencies() -> dict[str, int]:
    """jieba's dictionary as word → frequency (prefixes of words listed with 0), shared and
    read-only: the OCR re-reading asks which reading of a character makes a word."""
    return _base_tokenizer().FREQ


def new_tokenizer(words: Iterable[str] = (), freq: int | None = None) -> jieba.Tokenizer:
    """A jieba tokenizer of its own (never the global one) with ``words`` added."""
    import jieba

    base = _base_tokenizer()
    tok = jieba.Tokenizer()
    tok.FREQ = dict(base.FREQ)
    tok.total = base.total
    tok.initialized = True
    for w in words:
        tok.add_word(w, freq=freq)
    return tok


def engine() -> str:
    """Which engine :func:`search_cutter` will use in this process, "rjieba" or "jieba"."""
    if os.environ.get("HUIKAN_JIEBA") == "python":
        return "jieba"
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def search_cutter(words: Iterable[str] = (), which: str | None = None) -> Cutter:
    """``cut_for_search`` (HMM on) of a dictionary with ``words`` added, as a function of a
    text returning its words; ``which`` picks the engine (default :func:`engine`)."""
    if (which or engine()) == "rjieba":
        import rjieba

        fast = rjieba.Jieba()
        for w in words:
            fast.add_word(w, None, None)  # frequency as jieba suggests it (add_word(w))
        return lambda text: fast.cut_for_search(text, True)
    slow = new_tokenizer(words)
    return lambda text: list(slow.cut_for_search(text))
