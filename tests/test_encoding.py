"""Encoding detection: bulletins arrive as UTF-8 (±BOM), GB18030/GBK and UTF-16."""

from __future__ import annotations

import codecs

import pytest

from huikan.ingest.encoding import decode_bytes
from huikan.model import IngestError

TEXT = "科技参考·产业科技动态\n第 8 期（总第 39 期）\n集成电路产量同比增长 16.5%，HBM 需求旺盛。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16"),
    ],
)
def test_detects_encoding(data, encoding):
    text, enc = decode_bytes(data, "x.txt")
    assert text == TEXT
    assert enc == encoding


def test_binary_junk_is_refused_with_the_file_name():
    junk = bytes(range(256)) * 40
    with pytest.raises(IngestError) as e:
        decode_bytes(junk, "报告.txt")
    assert e.value.code == "encoding"
    assert "报告.txt" in str(e.value)


def test_empty_file_is_refused():
    with pytest.raises(IngestError) as e:
        decode_bytes(b"  \n\n", "empty.txt")
    assert e.value.code == "empty"
