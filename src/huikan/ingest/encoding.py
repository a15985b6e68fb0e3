"""Decode a text bulletin whose encoding nobody wrote down.

Editors receive text exported from Word or WPS on Chinese Windows machines: GB18030/GBK,
UTF-16 with a BOM, UTF-8 with or without BOM. We detect the encoding from the bytes (never
assume one) and refuse binary junk rather than publish mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import re

from huikan.model import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\ud800-\udfff]")


def _bad_ratio(text: str) -> float:
    """Share of characters no bulletin contains: control codes, private use, U+FFFD."""
    if not text:
        return 0.0
    return len(_BAD.findall(text)) / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-range characters leave NULs in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0) / (len(data) / 2)
    odd_nul = data[1::2].count(0) / (len(data) / 2)
    for enc, ratio in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if ratio > 0.2:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    return None


def decode_bytes(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """Return ``(text, encoding)``; raise IngestError when the bytes are not text.

    Order: BOM, strict UTF-8, UTF-16 without BOM, strict GB18030 (a superset of GBK/GB2312),
    then charset-normalizer's best guess. Every candidate must also look like text.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise IngestError(name, "文件是空的，没有任何文字。", code="empty")
    candidates: list[tuple[str, str]] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                candidates.append((data[len(bom) :].decode(enc), enc))
            break
    if not candidates:
        with contextlib.suppress(UnicodeDecodeError):
            candidates.append((data.decode("utf-8"), "utf-8"))
    if not candidates:
        u16 = _utf16_without_bom(data)
        if u16 is not None:
            candidates.append((u16, "utf-16"))
    if not candidates:
        with contextlib.suppress(UnicodeDecodeError):
            candidates.append((data.decode("gb18030"), "gb18030"))
    if not candidates:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            candidates.append((str(best), best.encoding))
    for text, enc in candidates:
        # NUL bytes are stripped later with a warning; they do not make a file binary.
        if _bad_ratio(text.replace("\x00", "")) < 0.01:
            return text, enc
    raise IngestError(
        name,
        "无法识别文字编码：内容不是 UTF-8、UTF-16 或 GB18030 文本（可能是二进制文件或已损坏）。",
        code="encoding",
    )
