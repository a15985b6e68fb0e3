"""Pretokenised object-stream and CMap parsing must build what pdfminer's parsers build."""

from __future__ import annotations

from io import BytesIO

import pdfminer.pdffont
import pytest
from pdfminer.cmapdb import CMapParser, FileUnicodeMap
from pdfminer.pdfparser import PDFStreamParser
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import PSEOF, PSBaseParser, PSKeyword, PSLiteral

from huikan.ingest.pdf_objects import (
    FastCMapParser,
    FastResourceManager,
    FastStreamParser,
    _fast_cmaps,
    tokens,
)

TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar <0003> <0020> <0011> <4E2D> <0012> <d835dc00> endbfchar
2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<6587> <5B57>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""

OBJECTS = (
    b"12 0 13 40 <</Type/Font/Subtype/Type0/BaseFont/ABCDEF+Noto#20Serif/Encoding/Identity-H"
    b"/DescendantFonts[14 0 R]/ToUnicode 15 0 R>> [0[1000 500.5 -3]3 4 250] (a\\)b) true"
)


def _norm(obj: object) -> object:
    if isinstance(obj, (PSKeyword, PSLiteral)):
        return (type(obj).__name__, obj.name)
    if isinstance(obj, PDFObjRef):
        return ("ref", obj.objid)
    if isinstance(obj, list):
        return [_norm(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _norm(v) for k, v in obj.items()}
    return obj


def _pdfminer_tokens(data: bytes) -> list:
    parser = PSBaseParser(BytesIO(data))
    out = []
    while True:
        try:
            out.append(parser.nexttoken())
        except PSEOF:
            return out


@pytest.mark.parametrize("data", [TO_UNICODE, OBJECTS, b"<414>> /a#2 1.2.3 -. [{]}) %c\n"])
def test_tokens_match_pdfminer(data):
    assert [(p, _norm(t)) for p, t in tokens(data)] == [
        (p, _norm(t)) for p, t in _pdfminer_tokens(data)
    ]


def _objects(cls: type[PDFStreamParser], data: bytes) -> list:
    parser = cls(data)
    parser.set_document(None)
    out = []
    try:
        while True:
            out.append(_norm(parser.nextobject()[1]))
    except PSEOF:
        return out


def test_object_stream_objects_match_pdfminer():
    fast = _objects(FastStreamParser, OBJECTS)
    assert fast == _objects(PDFStreamParser, OBJECTS)
    assert fast[4]["DescendantFonts"] == [("ref", 14)]
    assert fast[4]["BaseFont"] == ("PSLiteral", "ABCDEF+Noto Serif")


def _typed(obj: object) -> object:
    """``_norm`` that also tells 3 from 3.0."""
    if isinstance(obj, list):
        return [_typed(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _typed(v) for k, v in obj.items()}
    return (type(obj).__name__, _norm(obj))


@pytest.mark.parametrize(
    "data",
    [
        OBJECTS,
        b"<</W [0 [500 600.5 .5 -3 5. 007] 3 [1 2] 9 9 250] /MediaBox [0 0 595.3 842]>> [1 2 3]",
        b"<</A [1 2 3 ]>> <</B [ ]>> [[4 5] [6 +7] [8 - 9] [1.2.3] [2 0 R] [3 true]] [9",
        b"<</C [1 2] >> ] [1 2] <</D [3 4]>> [5 6]",  # a stray ']': no fast arrays at all
        b"{ [1 2] } [<< [3 4] >>] << /E [5 6 >> ] 7 >>",  # mismatched brackets
        b"<</F [" + b"1" * 2000 + b" x]>>",
    ],
)
def test_nested_number_arrays_match_pdfminer(data):
    outcomes = []
    for cls in (FastStreamParser, PDFStreamParser):
        try:
            outcomes.append(_typed(_objects(cls, data)))
        except Exception as err:  # pdfminer's own error, from the same place
            outcomes.append((type(err), str(err)))
    assert outcomes[0] == outcomes[1]


def test_to_unicode_cmap_matches_pdfminer():
    maps = []
    for cls in (CMapParser, FastCMapParser):
        cmap = FileUnicodeMap()
        cls(cmap, BytesIO(TO_UNICODE)).run()
        maps.append(cmap.cid2unichr)
    assert maps[0] == maps[1]
    assert maps[1][0x11] == "中" and maps[1][0x21] == "B" and maps[1][0x31] == "字"


_BODY = b"begincmap 2 beginbfchar <0003> <0020> <0004> <00a0> endbfchar "
CMAP_VARIANTS = [
    TO_UNICODE,  # plain: read by the section fast path
    _BODY + b"1 beginbfrange <0010> <0012> <FFFFFFFE> endbfrange endcmap",  # overflow: raises
    _BODY + b"% a comment\n1 beginbfchar <05> <0041> endbfchar endcmap",
    _BODY + b"/R (has endbfchar in it) def 1 beginbfchar <05> <0041> endbfchar endcmap",
    _BODY + b"endcmap 1 beginbfchar <05> <0041> endbfchar",  # outside the map: ignored
    _BODY + b"1 beginbfchar <05> /space endbfchar 1 beginbfchar <06> <0042> endbfchar",
    _BODY + b"1 beginbfchar <0 5> <0041> endbfchar 1beginbfchar <07> <43> endbfchar",
    _BODY + b"1 beginbfrange <01> <0003> <0041> <0a> <0b> [<0061>] <20> <21> <> endbfrange",
    _BODY + b"1 beginbfrange <0005> <0003> <0041> <0100> <0101> [] endbfrange endcmap",
    b"2 beginbfchar <0003> <0020> <0003> <00a0> <41> endbfchar endcmap",  # odd count, no begin
    b"1 beginbfchar <0003> <0020> endbfchar /CMapName /X def /WMode 1 def usecmap",
    _BODY + b"1 beginbfchar <0003> <0020> endbfcharx endbfchar",
]


@pytest.mark.parametrize("data", CMAP_VARIANTS)
def test_to_unicode_variants_match_pdfminer(data):
    outcome = []
    for cls in (CMapParser, FastCMapParser):
        cmap = FileUnicodeMap()
        try:
            cls(cmap, BytesIO(data)).run()
        except Exception as err:
            outcome.append(type(err))
        outcome.append((list(cmap.cid2unichr.items()), cmap.attrs))
    assert outcome[: len(outcome) // 2] == outcome[len(outcome) // 2 :]


def test_cmap_parser_name_is_restored_even_when_a_font_fails():
    saved = pdfminer.pdffont.CMapParser
    with pytest.raises(RuntimeError), _fast_cmaps():
        assert pdfminer.pdffont.CMapParser is FastCMapParser
        raise RuntimeError
    assert pdfminer.pdffont.CMapParser is saved
    rsrc = FastResourceManager()
    spec = {"Subtype": PSLiteral("Type1"), "BaseFont": PSLiteral("Helvetica")}
    assert rsrc.get_font(None, spec).fontname == "Helvetica"
    assert pdfminer.pdffont.CMapParser is saved


def _a85_outcome(decode, data: bytes) -> tuple:
    try:
        return ("ok", decode(data))
    except Exception as err:  # the error must be the library's too
        return ("error", type(err), str(err))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"z",
        b"zz!!",
        b"!",
        b"uuuuu",
        b"s8W-!",
        b's8W-"',
        b'<~87cURD]i,"Ebo80~>',
        b'87cU RD]i,\n"Ebo8\r\n0~',
        b"ab z",  # 'z' inside a group
        b"ab\x0ccd",  # form feed is not ignored
        b"abc{}",  # not a digit
        b'87cURD]i,"Ebo80~>  ',
    ],
)
def test_ascii85_matches_pdfminer(data):
    from pdfminer.ascii85 import ascii85decode as library

    from huikan.ingest.pdf_objects import ascii85decode

    assert _a85_outcome(ascii85decode, data) == _a85_outcome(library, data)


def test_ascii85_round_trips_and_is_patched_only_while_reading():
    import base64
    import random

    import pdfminer.pdftypes

    from huikan.ingest.pdf_objects import ascii85decode, faster_pdfminer

    rng = random.Random(9)
    for _ in range(300):
        raw = bytes(rng.choice([0, 0, 0, 0, 32, rng.randrange(256)]) for _ in range(40))
        enc = base64.a85encode(raw, wrapcol=rng.choice([0, 7, 75]), adobe=rng.random() < 0.5)
        assert ascii85decode(enc) == raw
    saved = pdfminer.pdftypes.ascii85decode
    with faster_pdfminer():
        assert pdfminer.pdftypes.ascii85decode is ascii85decode
    assert pdfminer.pdftypes.ascii85decode is saved
