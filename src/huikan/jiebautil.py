"""One jieba dictionary load per process, shared by classification and search.

Loading jieba's dictionary takes most of a second; classification and the search tokenizer
each need a tokenizer of their own (with their own added words), which used to mean two
loads on every rebuild. Both now copy the word-frequency table of one base tokenizer
(about 10 ms) instead of loading it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import jieba

_lock = threading.Lock()
_base: jieba.Tokenizer | None = None


def _base_tokenizer() -> jieba.Tokenizer:
    global _base
    with _lock:
        if _base is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            _base = tok
        return _base


def new_tokenizer(words: Iterable[str] = (), freq: int | None = None) -> jieba.Tokenizer:
    """A jieba tokenizer of its own (never the global one) with ``words`` added."""
    base = _base_tokenizer()
    tok = jieba.Tokenizer()
    tok.FREQ = dict(base.FREQ)
    tok.total = base.total
    tok.initialized = True
    for w in words:
        tok.add_word(w, freq=freq)
    return tok
