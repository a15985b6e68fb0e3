"""The regular-expression content-stream reader must hand pdfminer's operator methods exactly
what pdfminer's own parser would: same operands, same operators, in the same order."""

from __future__ import annotations

import pytest
from pdfminer.pdfdevice import PDFDevice
from pdfminer.pdfinterp import PDFContentParser, PDFResourceManager
from pdfminer.pdftypes import PDFStream
from pdfminer.psparser import PSEOF, PSKeyword, PSLiteral

from huikan.ingest.pdf import read_pdf
from huikan.ingest.pdf_content import FastInterpreter, _hex, _name, inline_data, read_string
from pdfwriter import LEFT, Page, Run, paragraph, text_of, write


def _norm(obj: object) -> object:
    if isinstance(obj, PSKeyword):
        return ("kw", obj.name)
    if isinstance(obj, PSLiteral):
        return ("lit", obj.name)
    if isinstance(obj, PDFStream):
        return ("stream", _norm(obj.attrs), obj.rawdata)
    if isinstance(obj, list):
        return [_norm(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _norm(v) for k, v in obj.items()}
    return obj


def _stream(data: bytes, objid: int) -> PDFStream:
    s = PDFStream({}, data)
    s.objid = objid
    return s


def _pdfminer_ops(chunks: list[bytes]) -> list[tuple[object, list]]:
    """(operator, operands) as pdfminer's PDFContentParser yields them."""
    parser = PDFContentParser([_stream(c, i + 1) for i, c in enumerate(chunks)])
    out, stack = [], []
    while True:
        try:
            _, obj = parser.nextobject()
        except PSEOF:
            break
        if isinstance(obj, PSKeyword):
            out.append((obj.name, [_norm(x) for x in stack]))
            stack = []
        else:
            stack.append(obj)
    return out


class _Recorder(FastInterpreter):
    def _call(self, op: bytes) -> None:
        self.seen.append((op, [_norm(x) for x in self.argstack]))
        self.argstack = []


def _fast_ops(chunks: list[bytes]) -> list[tuple[object, list]]:
    rsrc = PDFResourceManager()
    interp = _Recorder(rsrc, PDFDevice(rsrc))
    interp.seen = []
    interp.init_state((1, 0, 0, 1, 0, 0))
    interp.execute([_stream(c, i + 1) for i, c in enumerate(chunks)])
    return interp.seen


AWKWARD = [
    b"BT /F1 12 Tf 1 0 0 1 72 700 Tm (Hello) Tj ET",
    b"BT [(A) -120 (B\\(c\\)) 33.5 <4142 43> (nested (paren) ok)] TJ ET",
    b"(oct \\101\\1012\\7 end) Tj (esc \\n\\t\\\\ \\q drop) Tj (line\\\ncont) Tj",
    b"<414> Tj <41 4> Tj < > Tj <<>> pop",
    b"/Name#20with#41hex /a#2 /#e4#b8#ad /P <</MCID 3 /T (x)>> BDC EMC",
    b"-.5 +3 .25 - . 1.2.3 0 Tc % a comment Tj\n4 Tw 12 TL T* (q) ' 1 2 (w) \"",
    b"q 1 0 0 1 0 0 cm BI /W 2 /H 1 /BPC 8 /CS /G ID \x01\x02 EI Q 3 Tr",
    b'BI /W 1 /H 1 /F /A85 ID 87cURD]i,"Ebo80~> EI true false null [1 [2 [3]] ] x',
    b"(\\0015\\\r\nx\\\ry\\) z) Tj (a(b\\)c)d) Tj () Tj (\\",
    b"] } >> stray ) [ (unclosed array",
    # TJ arrays the one-match fast path reads, and near misses it leaves to the token loop
    b"BT [<0102>-266<>-273.05<0574>6] TJ [<00>5.<01> .5 -.5 1.5.5 007] TJ ET",
    b"[<00 01> 3] TJ [1 2] 0 d [<0a>] TJx [(a) <00>] TJ [<00>--5] TJ [+5]TJ [<00>]%c\nTJ",
    b"[ ]TJ[\x00<01>\x00]\x00TJ [<00>>] TJ [<0a><0b>]TJ 5 [<01>] TJ [<0>]TJ[5..5]TJ",
    b"[" + b"1" * 3000 + b" x] TJ [<" + b"0" * 3001 + b"> 2]TJ",
]


@pytest.mark.parametrize("data", AWKWARD)
def test_operators_and_operands_match_pdfminer(data):
    assert _fast_ops([data]) == _pdfminer_ops([data])


def test_streams_are_joined_between_tokens_like_pdfminer():
    chunks = [b"BT /F1 12 Tf (ab) Tj", b"ET q", b"1 0 0 1 5 5 cm Q"]
    assert _fast_ops(chunks) == _pdfminer_ops(chunks)
    assert [op for op, _ in _fast_ops(chunks)] == [b"BT", b"Tf", b"Tj", b"ET", b"q", b"cm", b"Q"]


def test_token_helpers():
    assert read_string(b"a(b)c\\)d) rest", 0) == (b"a(b)c)d", 9)
    assert read_string(b"\\0530\\x)", 0) == (b"+0", 8)
    assert _hex(b"e4 b8ad") == "中".encode()
    assert _hex(b"41 4") == b"A\x04"  # an odd digit is a byte of its own, as in pdfminer
    assert _name(b"A#20B").name == "A B"
    assert _name(b"#c4#e3").name == b"\xc4\xe3"  # not UTF-8: kept as bytes
    assert inline_data(b" \x00EIx\nEI\nQ", 1, b"EI") == (b"\x00EIx", 9)  # one EOL dropped
    assert inline_data(b" no end", 1, b"EI")[1] == -1


def test_fake_bold_and_text_read_through_the_fast_reader(tmp_path):
    runs, y = paragraph(100, text_of(60))
    runs.append(Run(LEFT, y + 20, "加粗的小标题", 10.0, "song", render=2))
    doc = read_pdf(write(tmp_path, [Page(runs)]))
    assert [(b.text, b.bold) for b in doc.blocks] == [(text_of(60), False), ("加粗的小标题", True)]


def _glyphs(content: bytes) -> list[tuple]:
    """Glyph tuples of one content stream shown with Helvetica (AFM widths: A, B 667, C 722,
    space 278) on a 1000-unit-high page, through the fast reader and the glyph device."""
    from huikan.ingest.pdf_chars import CharSink

    rsrc = PDFResourceManager()
    sink = CharSink(rsrc)
    sink.reset(1000.0)
    interp = FastInterpreter(rsrc, sink)
    spec = {"Type": PSLiteral("Font"), "Subtype": PSLiteral("Type1")}
    spec["BaseFont"] = PSLiteral("Helvetica")
    interp.init_resources({"Font": {"F1": spec}})
    interp.init_state((1, 0, 0, 1, 0, 0))
    interp.execute([_stream(content, 1)])
    return [(round(c[0], 3), round(c[1], 3), c[2], c[3], c[4]) for c in sink.chars]


def test_kerning_char_spacing_and_horizontal_scaling():
    # Tz 50 halves advances, Tc 2 adds 2 × 0.5 between glyphs, -500 in TJ moves 500/1000 em
    # × 10 × 0.5 right: the upright fast loop must place glyphs as the PDF model says.
    got = _glyphs(b"BT /F1 10 Tf 2 Tc 50 Tz 100 700 Td [(AB) -500 (C)] TJ ET")
    assert got == [
        (100.0, 103.335, 300.0, 10.0, "A"),
        (104.335, 107.67, 300.0, 10.0, "B"),
        (111.17, 114.78, 300.0, 10.0, "C"),
    ]


def test_word_spacing_takes_the_general_loop_and_adds_after_spaces():
    got = _glyphs(b"BT /F1 10 Tf 3 Tw 100 700 Td (A B) Tj 0 -20 Td [<41> 1000 <42>] TJ ET")
    assert [g[:2] for g in got] == [
        (100.0, 106.67),
        (106.67, 109.45),
        (112.45, 119.12),  # after the space glyph: its width and the 3-unit word space
        (100.0, 106.67),
        (96.67, 103.34),  # a positive TJ number moves the next glyph left
    ]
    assert [g[2] for g in got] == [300.0] * 3 + [320.0] * 2
