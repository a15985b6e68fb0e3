"""Faster tokens for the other two places pdfminer parses PostScript-like syntax per byte.

After content streams (:mod:`.pdf_content`), most of pdfminer's remaining parse time on
bulletin PDFs goes to compressed object streams (WeasyPrint and Chromium write every font
and page dictionary into them) and to the ToUnicode CMaps of embedded subset fonts: both are
read by ``PSBaseParser``'s byte-by-byte state machine. Here those parsers get their whole
input tokenised up front by the regular expression of :mod:`.pdf_content` and otherwise stay
pdfminer's own (``PDFStreamParser.do_keyword`` makes the references, ``CMapParser`` fills
the map), so the objects and maps they build are the same.
"""

from __future__ import annotations

import re
from base64 import a85decode
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numpy as np
import pdfminer.pdffont
import pdfminer.pdftypes
from pdfminer.ascii85 import end_re, start_re
from pdfminer.cmapdb import CMapParser
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfparser import PDFStreamParser
from pdfminer.psparser import KWD, PSEOF, PSBaseParserToken

from huikan.ingest.pdf_content import _TOKEN, _hex, _name, _number, read_string

_DICT_BEGIN, _DICT_END = KWD(b"<<"), KWD(b">>")


def tokens(data: bytes) -> Iterator[tuple[int, PSBaseParserToken]]:
    """(position, token) pairs as ``PSBaseParser.nexttoken`` yields them for ``data``."""
    pos = 0
    n = len(data)
    match = _TOKEN.match
    while pos < n:
        m = match(data, pos)
        start, pos = pos, m.end()
        kind = m.lastindex
        if kind is None or kind == 7:  # whitespace, comment, the '>' closing a hex string
            continue
        if kind == 1:
            value = _number(m[1])
            if value is not None:
                yield start, value
        elif kind == 2:
            yield start, _name(m[2])
        elif kind == 3:
            word = m[3]
            yield start, (word == b"true") if word in (b"true", b"false") else KWD(word)
        elif kind == 4:
            text, pos = read_string(data, pos)
            yield start, text
        elif kind == 5:
            yield start, _DICT_BEGIN if m[5] == b"<<" else _DICT_END
        elif kind == 6:
            yield start, _hex(m[6])
        else:
            yield start, KWD(m[8])


class _Pretokenised:
    """``nexttoken`` from one pass over the rest of the input instead of per-byte states."""

    _queue: deque | None = None

    def nexttoken(self) -> tuple[int, PSBaseParserToken]:
        queue = self._queue
        if queue is None:
            queue = self._queue = deque(tokens(self.fp.read()))  # type: ignore[attr-defined]
        if not queue:
            raise PSEOF("Unexpected EOF")
        return queue.popleft()


class FastStreamParser(_Pretokenised, PDFStreamParser):
    """pdfminer's object-stream parser reading pretokenised input."""


class FastCMapParser(_Pretokenised, CMapParser):
    """pdfminer's CMap parser reading pretokenised input."""


class FastDocument(PDFDocument):
    """A PDFDocument whose compressed object streams are parsed with :class:`FastStreamParser`
    (the body of pdfminer's ``_get_objects``, with the faster parser)."""

    def _get_objects(self, stream) -> tuple[list[object], int]:
        n = stream.get("N", 0)
        parser = FastStreamParser(stream.get_data())
        parser.set_document(self)
        objs: list[object] = []
        try:
            while True:
                objs.append(parser.nextobject()[1])
        except PSEOF:
            pass
        return objs, n


@contextmanager
def _fast_cmaps() -> Iterator[None]:
    """pdfminer's font classes name ``CMapParser`` at module level; point that name at the
    faster parser while a font is built (ingest runs one document per process or thread of
    control, and the name is restored even when the font fails)."""
    saved = pdfminer.pdffont.CMapParser
    pdfminer.pdffont.CMapParser = FastCMapParser  # type: ignore[misc]
    try:
        yield
    finally:
        pdfminer.pdffont.CMapParser = saved  # type: ignore[misc]


_A85_DIGITS = re.compile(rb"[!-uz]*")


def ascii85decode(data: bytes) -> bytes:
    """pdfminer's ASCII85Decode filter (``<~``/``~>`` stripped, then ``base64.a85decode``),
    with the 5-to-4 arithmetic done by numpy: ReportLab writes every content stream and font
    program in ASCII85, and the library decodes it one character at a time in Python. Input
    the fast path does not cover (stray characters, a ``z`` inside a group, an overflowing
    group) goes to ``a85decode`` itself, so the result or error is always the library's."""
    body = end_re.sub(b"", start_re.sub(b"", data))
    clean = body.translate(None, b" \t\n\r\v")  # a85decode's ignorechars
    if not _A85_DIGITS.fullmatch(clean):
        return a85decode(body)
    parts = clean.split(b"z")  # 'z' is four zero bytes, only between groups
    if any(len(p) % 5 for p in parts[:-1]):
        return a85decode(body)
    out = [_a85_groups(p) for p in parts]
    if any(o is None for o in out):
        return a85decode(body)
    return b"\0\0\0\0".join(out)  # type: ignore[arg-type]


def _a85_groups(digits: bytes) -> bytes | None:
    """Whole 5-digit groups, the last one padded with 'u' and cut as a85decode does; None
    when a group overflows 32 bits."""
    short = len(digits) % 5
    if short:
        digits += b"u" * (5 - short)
    if not digits:
        return b""
    a = (np.frombuffer(digits, np.uint8).astype(np.uint64) - 33).reshape(-1, 5)
    v = (((a[:, 0] * 85 + a[:, 1]) * 85 + a[:, 2]) * 85 + a[:, 3]) * 85 + a[:, 4]
    if (v > 0xFFFFFFFF).any():
        return None
    out = v.astype(">u4").tobytes()
    return out[: len(out) - (5 - short)] if short else out


@contextmanager
def faster_pdfminer() -> Iterator[None]:
    """While a document is read, pdfminer's stream filters use :func:`ascii85decode` (same
    results as the library's); the name is restored afterwards, even on error."""
    saved = pdfminer.pdftypes.ascii85decode
    pdfminer.pdftypes.ascii85decode = ascii85decode  # type: ignore[assignment]
    try:
        yield
    finally:
        pdfminer.pdftypes.ascii85decode = saved  # type: ignore[assignment]


class FastResourceManager(PDFResourceManager):
    """Builds fonts (ToUnicode CMaps included) with :class:`FastCMapParser`."""

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        if objid and objid in self._cached_fonts:
            return self._cached_fonts[objid]
        with _fast_cmaps():
            return super().get_font(objid, spec)
