"""A tiny PDF writer for tests: exact glyph placement with non-embedded Adobe-GB1 CID fonts.

Every glyph of STSong-Light with UniGB-UCS2-H is one em wide, so tests can place text
precisely (columns, indents, full and short lines, running heads), encrypt with RC4, add
image-only pages or fonts whose text maps to private-use characters.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

# --- a tiny PDF writer --------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


@dataclass
class Run:
    """A text run placed with its baseline at ``y`` points from the top of the page."""

    x: float
    y: float
    text: str
    size: float = 10.0
    font: str = "song"  # song | bold | latin | pua | nomap
    render: int = 0  # text render mode (2 = fill+stroke, the office suites' fake bold)


@dataclass
class Page:
    runs: list[Run] = field(default_factory=list)
    image: bool = False


FONTS = {
    "song": "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry {Adobe} /Ordering {GB1} /Supplement 2 >> /DW 1000 >>] >>",
    "bold": "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light,Bold /Encoding /UniGB-UCS2-H "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light,Bold "
    "/CIDSystemInfo << /Registry {Adobe} /Ordering {GB1} /Supplement 2 >> /DW 1000 >>] >>",
    "vert": "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-V "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry {Adobe} /Ordering {GB1} /Supplement 2 >> /DW 1000 >>] >>",
    # Not one of the standard 14 names, so that pdfminer uses these /Widths, not Helvetica's.
    "latin": "<< /Type /Font /Subtype /Type1 /BaseFont /TestSans /Encoding /WinAnsiEncoding "
    "/FirstChar 32 /LastChar 126 /Widths [" + " ".join(["600"] * 95) + "] >>",
    "nomap": "<< /Type /Font /Subtype /Type0 /BaseFont /XYZABC+Mystery /Encoding /Identity-H "
    "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZABC+Mystery "
    "/CIDSystemInfo << /Registry {Adobe} /Ordering {Identity} /Supplement 0 >> /DW 1000 >>] >>",
}
WIDTH = {"song": 1.0, "bold": 1.0, "vert": 1.0, "latin": 0.6, "pua": 0.6, "nomap": 1.0}


def width(text: str, size: float = 10.0, font: str = "song") -> float:
    return len(text) * size * WIDTH[font]


class PdfWriter:
    """Just enough PDF: pages of positioned text, an image XObject, outline, info, RC4."""

    def __init__(self, width: float = 595.0, height: float = 842.0) -> None:
        self.w, self.h = width, height
        self.objects: list[bytes | None] = []

    def _reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def _set(self, num: int, body: bytes) -> None:
        self.objects[num - 1] = body

    def _stream(self, num: int, data: bytes, extra: str = "") -> None:
        data = self._crypt(num, data)
        self._set(
            num, f"<< {extra} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        )

    def _crypt(self, num: int, data: bytes) -> bytes:
        if not self.key:
            return data
        k = hashlib.md5(self.key + struct.pack("<i", num)[:3] + b"\0\0").digest()[:10]
        return _rc4(k, data)

    def _string(self, num: int, text: str) -> str:
        """A string object (strings inside objects are encrypted too)."""
        data = text.encode("latin-1") if text.isascii() else b"\xfe\xff" + text.encode("utf-16-be")
        return "<" + self._crypt(num, data).hex() + ">"

    def _content(self, page: Page) -> bytes:
        ops = []
        if page.image:
            ops.append("q 400 0 0 600 90 120 cm /Im1 Do Q")
        for r in page.runs:
            if r.font in ("song", "bold", "vert"):
                data = r.text.encode("utf-16-be").hex()
            elif r.font == "nomap":
                data = "".join(f"{0x0400 + ord(c) % 200:04x}" for c in r.text)
            else:
                data = r.text.encode("latin-1").hex()
            ops.append(
                f"BT /{r.font} {r.size:g} Tf {r.render} Tr {r.x:.2f} {self.h - r.y:.2f} Td <{data}> Tj ET"
            )
        return "\n".join(ops).encode()

    def build(
        self,
        pages: list[Page],
        *,
        title: str | None = None,
        outline: list[str] = (),
        user_password: str | None = None,
    ) -> bytes:
        """Serialise; with ``user_password`` (may be "") the file is RC4-40 encrypted."""
        self.objects = []
        self.key = b""
        file_id = hashlib.md5(repr((pages, title)).encode()).digest()
        encrypt = ""
        if user_password is not None:
            owner = _padded("owner-secret")
            okey = hashlib.md5(owner).digest()[:5]
            o = _rc4(okey, _padded(user_password))
            p = -44
            self.key = hashlib.md5(
                _padded(user_password) + o + struct.pack("<i", p) + file_id
            ).digest()[:5]
            u = _rc4(self.key, _PAD)
            enc = self._reserve()
            self._set(
                enc,
                f"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{o.hex()}> /U <{u.hex()}> /P {p} >>".encode(),
            )
            encrypt = f"/Encrypt {enc} 0 R"
        catalog = self._reserve()
        pages_obj = self._reserve()
        font_ids = {}
        for name, spec in FONTS.items():
            num = font_ids[name] = self._reserve()
            words = {w: self._string(num, w) for w in ("Adobe", "GB1", "Identity")}
            self._set(num, spec.format(**words).encode())
        pua = self._reserve()
        font_ids["pua"] = pua
        cmap = self._reserve()
        self._stream(
            cmap,
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /PUA def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <E020> "
            b"endbfrange endcmap CMapName currentdict /CMap defineresource pop end end",
        )
        self._set(pua, FONTS["latin"].replace("] >>", f"] /ToUnicode {cmap} 0 R >>").encode())
        image = self._reserve()
        self._stream(
            image,
            b"\x80",
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 "
            "/ColorSpace /DeviceGray /BitsPerComponent 8",
        )
        fonts = " ".join(f"/{n} {i} 0 R" for n, i in font_ids.items())
        kids = []
        for page in pages:
            pid, cid = self._reserve(), self._reserve()
            self._stream(cid, self._content(page))
            self._set(
                pid,
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {self.w:g} {self.h:g}] "
                f"/Resources << /Font << {fonts} >> /XObject << /Im1 {image} 0 R >> >> "
                f"/Contents {cid} 0 R >>".encode(),
            )
            kids.append(pid)
        self._set(
            pages_obj,
            f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode(),
        )
        extra = ""
        if outline:
            root = self._reserve()
            items = [self._reserve() for _ in outline]
            for i, (num, text) in enumerate(zip(items, outline, strict=True)):
                links = f"/Parent {root} 0 R"
                if i:
                    links += f" /Prev {items[i - 1]} 0 R"
                if i + 1 < len(items):
                    links += f" /Next {items[i + 1]} 0 R"
                dest = kids[min(i, len(kids) - 1)] if kids else 0
                self._set(
                    num,
                    f"<< /Title {self._string(num, text)} {links} /Dest [{dest} 0 R /XYZ 0 0 0] >>".encode(),
                )
            self._set(
                root,
                f"<< /Type /Outlines /First {items[0]} 0 R /Last {items[-1]} 0 R /Count {len(items)} >>".encode(),
            )
            extra = f"/Outlines {root} 0 R"
        self._set(catalog, f"<< /Type /Catalog /Pages {pages_obj} 0 R {extra} >>".encode())
        info = ""
        if title is not None:
            num = self._reserve()
            self._set(num, f"<< /Title {self._string(num, title)} >>".encode())
            info = f"/Info {num} 0 R"
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for num, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += (
            f"trailer\n<< /Size {len(self.objects) + 1} /Root {catalog} 0 R {info} {encrypt} "
            f"/ID [<{file_id.hex()}> <{file_id.hex()}>] >>\nstartxref\n{xref}\n%%EOF\n"
        ).encode()
        return bytes(out)


def write(tmp_path: Path, pages: list[Page], name: str = "t.pdf", **kw) -> Path:
    path = tmp_path / name
    path.write_bytes(PdfWriter().build(pages, **kw))
    return path


# --- page composition helpers ------------------------------------------------------------

BODY = 10.0
PITCH = 16.0
LEFT, RIGHT = 60.0, 540.0  # text area: 48 glyphs of 10 pt
TEXT = (
    "产业科技动态聚焦数字经济集成电路医药健康与安全应急四大集群跟踪国内外产业技术发展现状与趋势"
    "学习先进地区经验做法为各级政府部门提供决策参考服务地方经济高质量发展推动创新链产业链深度融合"
)


def text_of(n: int, start: int = 0) -> str:
    """``n`` distinct-looking CJK characters (a rotation of TEXT)."""
    s = TEXT * (n // len(TEXT) + 2)
    return s[start % len(TEXT) : start % len(TEXT) + n]


def paragraph(y: float, body: str, *, left=LEFT, right=RIGHT, indent=2, size=BODY, font="song"):
    """Lay ``body`` out as a justified-width paragraph; returns (runs, next baseline)."""
    per_line = int((right - left) // size)
    runs = []
    first = True
    while body:
        room = per_line - (indent if first else 0)
        chunk, body = body[:room], body[room:]
        x = left + (indent * size if first else 0)
        runs.append(Run(x, y, chunk, size, font))
        y += PITCH * size / BODY
        first = False
    return runs, y
