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
import struct
from base64 import a85decode
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

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
from pdfminer.utils import nunpack

from huikan.ingest.pdf_content import _TOKEN, _hex, _name, _number, read_string

_DICT_BEGIN, _DICT_END = KWD(b"<<"), KWD(b">>")


_NUMBER = rb"-?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)"  # a subset of token 1 that converts
_NUMBER_ARRAY = re.compile(rb"((?:[\s\x00]*+(?>" + _NUMBER + rb"))*+)[\s\x00]*+\]")
_NUMBER_ITEM = re.compile(_NUMBER)
_OPENER = {b"]": b"[", b">>": b"<<", b"}": b"{"}


class _NumberArray(list):
    """A nested array of plain numbers read in one match (``/Widths``, ``/W``, boxes)."""


class _Unbalanced(Exception):
    """Brackets that do not pair up: the parser's own recovery must see every token."""


def tokens(data: bytes, number_arrays: bool = False) -> Iterator[tuple[int, PSBaseParserToken]]:
    """(position, token) pairs as ``PSBaseParser.nexttoken`` yields them for ``data``.

    With ``number_arrays``, an array of plain numbers inside another array or dictionary
    comes as one :class:`_NumberArray` (see :meth:`FastStreamParser.nexttoken`); brackets
    that do not pair up raise :class:`_Unbalanced`."""
    pos = 0
    n = len(data)
    match = _TOKEN.match
    opened: list[bytes] = []
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
            if number_arrays:
                _pair(opened, m[5])
            yield start, _DICT_BEGIN if m[5] == b"<<" else _DICT_END
        elif kind == 6:
            yield start, _hex(m[6])
        else:
            token = m[8]
            if number_arrays:
                if token == b"[" and opened and (arr := _NUMBER_ARRAY.match(data, pos)):
                    items = _NUMBER_ITEM.findall(arr[1])
                    yield start, _NumberArray(float(x) if b"." in x else int(x) for x in items)
                    pos = arr.end()
                    continue
                _pair(opened, token)
            yield start, KWD(token)


def _pair(opened: list[bytes], token: bytes) -> None:
    if token in (b"[", b"<<", b"{"):
        opened.append(token)
    elif token in _OPENER:
        if not opened or opened[-1] != _OPENER[token]:
            raise _Unbalanced
        opened.pop()


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
    """pdfminer's object-stream parser reading pretokenised input.

    Font widths (``/W``, ``/Widths``) are long arrays of numbers, each of which pdfminer's
    ``nextobject`` would push by itself. Such an array nested in another array or dictionary
    comes pretokenised as one list and is pushed here, which is what ``nextobject`` does
    with it (inside an open array or dictionary nothing is flushed in between)."""

    def nexttoken(self) -> tuple[int, PSBaseParserToken]:
        queue = self._queue
        if queue is None:
            data = self.fp.read()  # type: ignore[attr-defined]
            try:
                queue = self._queue = deque(tokens(data, number_arrays=True))
            except _Unbalanced:
                queue = self._queue = deque(tokens(data))
        while queue:
            pos, token = queue.popleft()
            if token.__class__ is not _NumberArray:
                return pos, token
            self.push((pos, list(token)))
        raise PSEOF("Unexpected EOF")


class FastCMapParser(_Pretokenised, CMapParser):
    """pdfminer's CMap parser reading pretokenised input.

    A ToUnicode map is mostly ``beginbfchar``/``beginbfrange`` sections of hex strings, which
    pdfminer pushes one token at a time onto its stack only to pop them all at the section's
    end. When every such section is plain (see :func:`_plain_sections`), they are read by
    regular expressions and added in their order with the parser's own rules, and the parser
    runs over the rest of the map (names, ``def``, code space), which is all it would do there.
    """

    def run(self) -> None:
        data = self.fp.read()
        plan = _plain_sections(data)
        if plan is None:
            self._queue = deque(tokens(data))
            super().run()
            return
        rest, adds = plan
        self._queue = deque(tokens(rest))
        for cid, code in adds:
            self.cmap.add_cid2unichr(cid, code)
        super().run()


_WS = rb"[\s\x00]*+"
_HEXS = rb"<[0-9A-Fa-f]*+>"
_SECTION = re.compile(
    rb"(?<=[\s\x00])begin(bfchar|bfrange)(?![^#/%\[\]()<>{}\s])"
    rb"((?:" + _WS + rb"(?:" + _HEXS + rb"|\[(?:" + _WS + _HEXS + rb")*+" + _WS + rb"\]))*+)"
    rb"" + _WS + rb"end\1(?![^#/%\[\]()<>{}\s])"
)
_BFCHAR = re.compile(rb"(?:" + _WS + rb"<([0-9A-Fa-f]*+)>" + _WS + rb"<([0-9A-Fa-f]*+)>)*+" + _WS)
_BFRANGE = re.compile(
    rb"(?:"
    + _WS
    + rb"<[0-9A-Fa-f]*+>"
    + _WS
    + rb"<[0-9A-Fa-f]*+>"
    + _WS
    + rb"(?:<[0-9A-Fa-f]*+>|\[(?:"
    + _WS
    + _HEXS
    + rb")*+"
    + _WS
    + rb"\]))*+"
    + _WS
)
_HEX_ITEM = re.compile(rb"<([0-9A-Fa-f]*)>|(\[)|(\])")
_CMAP_KEYWORD = re.compile(rb"(?<=[\s\x00])(begincmap|endcmap)(?![^#/%\[\]()<>{}\s])")
_SIMPLE_STRING = re.compile(rb"\(([^()\\]*)\)")


def _plain_sections(data: bytes) -> tuple[bytes, list[tuple[int, bytes]]] | None:
    """The map without its bfchar/bfrange section bodies, and the (cid, UTF-16 bytes) pairs
    those sections add, in order; None unless that is certainly what pdfminer would do: no
    comments, only simple strings without 'bf' or 'cmap' in them, every section plain hex
    inside ``begincmap`` … ``endcmap``, and no range that overflows pdfminer's 32-bit
    arithmetic (its errors stay its own)."""
    if b"%" in data or b"usecmap" in data:
        return None
    strings = _SIMPLE_STRING.findall(data)
    if data.count(b"(") != len(strings) or any(b"bf" in t or b"cmap" in t for t in strings):
        return None
    sections = list(_SECTION.finditer(data))
    if data.count(b"beginbf") != len(sections):
        return None
    switches = [(m.start(), m[1] == b"begincmap") for m in _CMAP_KEYWORD.finditer(data)]
    if data.count(b"cmap") != len(switches):
        return None
    adds: list[tuple[int, bytes]] = []
    rest: list[bytes] = []
    pos = 0
    for m in sections:
        in_cmap = next((on for at, on in reversed(switches) if at < m.start()), True)
        body = m[2]
        rule = _BFCHAR if m[1] == b"bfchar" else _BFRANGE
        if not in_cmap or not rule.fullmatch(body):
            return None
        if not (_bfchar if m[1] == b"bfchar" else _bfrange)(body, adds):
            return None
        rest += [data[pos : m.start(2)], b" "]
        pos = m.end(2)
    rest.append(data[pos:])
    return b"".join(rest), adds


def _bfchar(body: bytes, adds: list[tuple[int, bytes]]) -> bool:
    """pdfminer's ``endbfchar``: each (source, destination) pair of hex strings."""
    items = [_hex(h) for h, _, _ in _HEX_ITEM.findall(body)]
    for src, dst in zip(items[::2], items[1::2], strict=True):
        adds.append((nunpack(src), dst))
    return True


def _bfrange(body: bytes, adds: list[tuple[int, bytes]]) -> bool:
    """pdfminer's ``endbfrange``: (first, last, destination or [destinations]) triples;
    False where pdfminer would raise (a destination counting past 32 bits)."""
    objs: list[bytes | list[bytes]] = []
    array: list[bytes] | None = None
    for h, opening, closing in _HEX_ITEM.findall(body):
        if opening:
            array = []
        elif closing:
            objs.append(array or [])
            array = None
        elif array is not None:
            array.append(_hex(h))
        else:
            objs.append(_hex(h))
    for first, last, code in zip(objs[::3], objs[1::3], objs[2::3], strict=True):
        if len(first) != len(last):  # pdfminer warns and skips
            continue
        start, end = nunpack(first), nunpack(last)
        if isinstance(code, list):
            adds.extend(zip(range(start, end + 1), code, strict=False))
            continue
        var = code[-4:]
        base = nunpack(var)
        if end >= start and base + end - start > 0xFFFFFFFF:
            return False
        prefix = code[:-4]
        for i in range(end - start + 1):
            adds.append((start + i, prefix + struct.pack(">L", base + i)[-len(var) :]))
    return True


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
def _swapped(owner: object, name: str, value: object) -> Iterator[None]:
    """``owner.name`` is ``value`` inside the block, restored afterwards even on error."""
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def _fast_cmaps() -> AbstractContextManager[None]:
    """pdfminer's font classes name ``CMapParser`` at module level; point that name at the
    faster parser while a font is built (ingest runs one document per process or thread of
    control, and the name is restored even when the font fails)."""
    return _swapped(pdfminer.pdffont, "CMapParser", FastCMapParser)


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


def faster_pdfminer() -> AbstractContextManager[None]:
    """While a document is read, pdfminer's stream filters use :func:`ascii85decode` (same
    results as the library's); the name is restored afterwards, even on error."""
    return _swapped(pdfminer.pdftypes, "ascii85decode", ascii85decode)


class FastResourceManager(PDFResourceManager):
    """Builds fonts (ToUnicode CMaps included) with :class:`FastCMapParser`."""

    def get_font(self, objid: object, spec: Mapping[str, object]) -> PDFFont:
        if objid and objid in self._cached_fonts:
            return self._cached_fonts[objid]
        with _fast_cmaps():
            return super().get_font(objid, spec)
