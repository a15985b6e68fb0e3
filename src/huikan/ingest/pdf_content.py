"""A faster content-stream reader for pdfminer's page interpreter.

pdfminer tokenises content streams one character class at a time through a state machine
(``PSBaseParser``) and assembles operands through a generic stack parser; on bulletin PDFs
that takes more than half of the time of reading a page. :class:`FastInterpreter` reads
the same streams with one regular expression per token and hands exactly the same operands
to pdfminer's own operator methods (``do_Tj``, ``do_cm``, ``do_Do`` …), so fonts, the
graphics state, form XObjects and the glyph device (:mod:`.pdf_chars`) are untouched. The
token rules (numbers, names with ``#xx``, strings with pdfminer's escape handling, hex
strings, inline images) follow ``pdfminer.psparser`` so that both read a page identically;
``tests/test_pdf_content.py`` checks that on awkward streams.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pdfminer.pdfinterp import LITERALS_ASCII85_DECODE, PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psparser import KWD, LIT, PSLiteral, PSSyntaxError, literal_name

# One alternative per token kind; group numbers are used in FastInterpreter.execute.
_TOKEN = re.compile(
    rb"[\s\x00]+"  # whitespace (pdfminer skips NUL too)
    rb"|%[^\r\n]*"  # comment
    rb"|([-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)"  # 1 number
    rb"|/([^/%\[\]()<>{}\s]*)"  # 2 name (may hold #xx escapes)
    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*)"  # 3 keyword (operator, true, false)
    rb"|(\()"  # 4 literal string
    rb"|(<<|>>)"  # 5 dictionary brackets
    rb"|<([0-9A-Fa-f\s]*)"  # 6 hex string; its '>' is read as a lone '>'
    rb"|(>)"  # 7 a lone '>' (end of a hex string): no token
    rb"|(.)",  # 8 any other byte is a one-character keyword: [ ] { } ' " *
    re.S,
)
# A TJ array of hex strings and plain numbers, closed and followed by the TJ operator: the
# bulk of a Chromium or WeasyPrint page, read in one match (anything else takes the token
# loop). Its numbers are a subset of token 1 that always converts, split the same way;
# possessive, so a long run of digits that fails to match cannot backtrack.
_TJ_ARRAY = re.compile(
    rb"((?:[\s\x00]*+(?>(?><[0-9A-Fa-f]*+>)|-?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)))*+)"
    rb"[\s\x00]*+\][\s\x00]*+TJ(?![^#/%\[\]()<>{}\s])"
)
_TJ_ITEM = re.compile(rb"<([0-9A-Fa-f]*)>|(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))")
_STRING_STOP = re.compile(rb"[()\\]")
_NAME_HEX = re.compile(rb"#([0-9a-fA-F]{1,2})?")
_HEX_PAIR = re.compile(rb"[0-9a-fA-F]{2}|.", re.S)
_SPACE = re.compile(rb"\s")
_ESCAPES = {ord(k): v for k, v in zip("btnfr()\\", (8, 9, 10, 12, 13, 40, 41, 92), strict=True)}
_OCTAL = frozenset(b"01234567")
_WHITE = frozenset(b" \t\n\r\x0b\x0c")


def _name(raw: bytes) -> PSLiteral:
    """A name token as pdfminer makes it: ``#xx`` decoded, UTF-8 text when it decodes."""
    if b"#" in raw:
        raw = _NAME_HEX.sub(lambda m: bytes((int(m[1], 16),)) if m[1] else b"", raw)
    try:
        return LIT(str(raw, "utf-8"))
    except UnicodeDecodeError:
        return LIT(raw)


def _number(raw: bytes) -> int | float | None:
    try:
        return float(raw) if b"." in raw else int(raw)
    except ValueError:  # a lone sign or dot: pdfminer drops it
        return None


def _hex(raw: bytes) -> bytes:
    """Hex string body; an odd last digit becomes its own byte, as in pdfminer."""
    try:
        return bytes.fromhex(raw.decode("ascii"))  # the usual case: even, maybe spaced
    except ValueError:
        pass
    return _HEX_PAIR.sub(lambda m: bytes((int(m[0], 16),)), _SPACE.sub(b"", raw))


def _tj_items(body: bytes) -> list[bytes | int | float]:
    """The elements of a TJ array matched by ``_TJ_ARRAY``, as the token loop makes them."""
    return [
        (float(num) if b"." in num else int(num)) if num else _hex(hexa)
        for hexa, num in _TJ_ITEM.findall(body)
    ]


def _unescapes() -> dict[bytes, bytes]:
    table = {bytes((k,)): bytes((v,)) for k, v in _ESCAPES.items()}
    table[b"\r\n"] = b""
    for width in (1, 2, 3):
        for code in range(8**width):
            table[format(code, f"0{width}o").encode()] = bytes((code & 0xFF,))
    return table


_UNESCAPE = _unescapes()  # what follows a backslash → its bytes; anything else is dropped
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)
_FLAT_STRING = re.compile(rb"(?:[^()\\]|\\.)*", re.S)  # up to the first unescaped paren


def read_string(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string whose body starts at ``data[i]`` (after its '('), and where
    reading goes on; see :func:`_read_string`. The usual string, without nested parentheses,
    is found and unescaped by two regular expressions."""
    j = _FLAT_STRING.match(data, i).end()
    if data[j : j + 1] != b")":
        return _read_string(data, i)
    body = data[i:j]
    if b"\\" in body:
        body = _ESCAPE.sub(lambda m: _UNESCAPE.get(m[1], b""), body)
    return body, j + 1


def _read_string(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string whose body starts at ``data[i]`` (after its '('), and where
    reading goes on. Balanced parentheses nest; a backslash before anything but an escape
    letter, a parenthesis, a backslash or octal digits is dropped with that character."""
    out = bytearray()
    depth = 1
    n = len(data)
    while True:
        m = _STRING_STOP.search(data, i)
        if m is None:  # unterminated: the rest of the stream
            out += data[i:]
            return bytes(out), n
        j = m.start()
        out += data[i:j]
        c = data[j]
        i = j + 1
        if c == 40:  # (
            depth += 1
            out.append(c)
        elif c == 41:  # )
            depth -= 1
            if not depth:
                return bytes(out), i
            out.append(c)
        elif i < n:  # backslash
            c = data[i]
            if c in _OCTAL:
                k = i
                while k < n and k - i < 3 and data[k] in _OCTAL:
                    k += 1
                out.append(int(data[i:k], 8) & 0xFF)
                i = k
            elif c in _ESCAPES:
                out.append(_ESCAPES[c])
                i += 1
            elif c == 13 and data[i + 1 : i + 2] == b"\n":
                i += 2
            else:
                i += 1


def inline_data(data: bytes, i: int, eos: bytes) -> tuple[bytes, int]:
    """Inline image data from ``data[i]`` up to ``eos`` followed by whitespace (pdfminer's
    ``get_inline_data``): the data without ``eos`` and one line end, and where reading
    goes on; (b"", -1) if the stream ends first."""
    n = len(data)
    k = 0
    start = i
    while True:
        if k == 0:
            j = data.find(eos[:1], i)
            if j < 0:
                return b"", -1
            i, k = j + 1, 1
            continue
        if i >= n:
            return b"", -1
        c = data[i]
        i += 1
        if k < len(eos) and c == eos[k]:
            k += 1
        elif k >= len(eos) and c in _WHITE:
            break
        else:
            k = 0
    body = data[start : i - len(eos) - 1]
    return re.sub(rb"(\x0d\x0a|[\x0d\x0a])$", b"", body), i


class FastInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with a regular-expression tokeniser (see module doc)."""

    def _dispatch(self) -> dict[bytes, tuple[Callable[..., None], int] | None]:
        table = self.__dict__.get("_ops")
        if table is None:
            table = self._ops = {}
        return table

    def _operator(self, op: bytes) -> tuple[Callable[..., None], int] | None:
        table = self._dispatch()
        if op not in table:
            name = op.decode("latin-1").replace("*", "_a").replace('"', "_w").replace("'", "_q")
            func = getattr(self, "do_" + name, None)
            table[op] = None if func is None else (func, func.__code__.co_argcount - 1)
        return table[op]

    def execute(self, streams: Sequence[object]) -> None:
        """Run the content streams: same cycle guard as pdfminer, then one token loop."""
        parts: list[bytes] = []
        self.stream_ids.clear()
        error: Exception | None = None
        for obj in streams:
            stream = stream_value(obj)
            if stream.objid is None or stream.objid in self.parent_stream_ids:
                continue
            self.stream_ids.add(stream.objid)
            try:
                parts.append(stream.get_data())
            except Exception as err:  # run what came before, then fail like pdfminer
                error = err
                break
        self._run(b"\n".join(parts))
        if error is not None:
            raise error

    def _run(self, data: bytes) -> None:
        context: list[tuple[str, list]] = []  # open arrays, dictionaries, procs, inline dicts
        cur: list = self.argstack  # where the next operand goes
        pos = 0
        n = len(data)
        match = _TOKEN.match
        while pos < n:
            m = match(data, pos)
            pos = m.end()
            kind = m.lastindex
            if kind is None:  # whitespace, comment
                continue
            if kind == 1:
                value = _number(m[1])
                if value is not None:
                    cur.append(value)
            elif kind == 3:
                word = m[3]
                if word == b"true" or word == b"false":
                    cur.append(word == b"true")
                elif context or word == b"BI":
                    cur, pos = self._in_context(data, pos, m.start(), word, context, cur)
                else:
                    self._call(word)
                    cur = self.argstack
            elif kind == 4:
                text, pos = read_string(data, pos)
                cur.append(text)
            elif kind == 2:
                cur.append(_name(m[2]))
            elif kind == 6:
                cur.append(_hex(m[6]))
            elif kind == 7:
                continue
            else:
                token = m[kind]
                if token == b"[" and not context and (tj := _TJ_ARRAY.match(data, pos)):
                    cur.append(_tj_items(tj[1]))
                    pos = tj.end()
                    self._call(b"TJ")
                    cur = self.argstack
                elif token in (b"[", b"{", b"<<"):
                    context.append((token.decode(), cur))
                    cur = []
                elif token in (b"]", b"}", b">>"):
                    opener = {b"]": "[", b"}": "{", b">>": "<<"}[token]
                    if context and context[-1][0] == opener:
                        _, parent = context.pop()
                        parent.append(_close(opener, cur))
                        cur = parent
                elif context:
                    cur.append(KWD(token))
                else:
                    self._call(token)
                    cur = self.argstack

    def _in_context(
        self, data: bytes, pos: int, start: int, word: bytes, context: list, cur: list
    ) -> tuple[list, int]:
        """An operator inside an open array/dictionary or inline image dictionary: ``BI``
        and ``ID`` delimit inline images, anything else is kept as an element."""
        if word == b"BI":
            context.append(("BI", cur))
            return [], pos
        if word != b"ID":
            cur.append(KWD(word))
            return cur, pos
        if context[-1][0] != "BI":
            return cur, pos
        _, parent = context.pop()
        if len(cur) % 2:
            return parent, pos
        d = {literal_name(k): resolve1(v) for k, v in zip(cur[::2], cur[1::2], strict=True)}
        filters = d.get("F")
        if isinstance(filters, PSLiteral):
            filters = [filters]
        eos = b"~>" if filters and filters[0] in LITERALS_ASCII85_DECODE else b"EI"
        body, pos = inline_data(data, start + len(b"ID "), eos)
        if pos < 0:
            return parent, len(data)
        if eos != b"EI":
            body += eos
        parent.append(PDFStream(d, body))
        if eos == b"EI":
            if context:
                parent.append(KWD(b"EI"))
            else:
                self._call(b"EI")
                parent = self.argstack
        return parent, pos

    def do_TJ(self, seq) -> None:
        """pdfminer's ``do_TJ`` without copying the graphics state for every string: the
        glyph device (:class:`~huikan.ingest.pdf_chars.CharSink`) never keeps or reads it."""
        if self.textstate.font is None:
            super().do_TJ(seq)  # pdfminer's own no-font handling
            return
        self.device.render_string(self.textstate, seq, self.graphicstate.ncs, self.graphicstate)

    def _call(self, op: bytes) -> None:
        """Run an operator with as many operands as its method takes (pdfminer's rule:
        too few on the stack and the operator is skipped)."""
        found = self._operator(op)
        if found is None:
            return
        func, nargs = found
        if nargs:
            args = self.pop(nargs)
            if len(args) == nargs:
                func(*args)
        else:
            func()


def _close(opener: str, items: list) -> object:
    if opener != "<<":
        return items
    if len(items) % 2:
        raise PSSyntaxError(f"Invalid dictionary construct: {items!r}")
    pairs = zip(items[::2], items[1::2], strict=True)
    return {literal_name(k): v for k, v in pairs if v is not None}
