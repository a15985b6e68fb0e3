"""Glyphs of one PDF page as light tuples, straight from pdfminer's interpreter.

pdfplumber spends more time turning pdfminer's ``LTChar`` objects into dicts than pdfminer
spends interpreting the page, and it hides the text render mode (fake bold). A tiny pdfminer
device that records only what the layout code needs is about twice as fast and gives both.
Nothing here keeps a reference to pdfminer objects beyond the page being read.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.utils import mult_matrix

# A glyph: (x0, x1, baseline measured from the page top, size, text, font id, fake bold).
Char = tuple[float, float, float, float, str, int, bool]

_SUBSET = re.compile(r"^[A-Z]{6}\+")
# Weight words in font names, heaviest first; "Medium" is decided relative to the body face.
_WEIGHTS = (
    (re.compile(r"(ultra|extra)[-_ ]?(bold|black)|heavy|black|w[89]\b|粗", re.I), 800),
    (
        re.compile(
            r"bold|\bbd\b|,b\b|-b\b|_b\b|w7\b|demi|semi[-_ ]?b|黑|hei(?!ght)|xiaobiao|小标宋", re.I
        ),
        700,
    ),
    (re.compile(r"medium|w[56]\b|\bmd\b", re.I), 500),
    (re.compile(r"light|thin|w[1-3]\b|\blt\b", re.I), 300),
)
_FORCE_BOLD = 1 << 18  # FontDescriptor /Flags bit 19


_CJK_SANS = re.compile(
    r"hei|黑|gothic|yahei|雅黑|sans.*(cjk|sc|cn|gb|tc|jp)|sourcehansans|思源黑", re.I
)
_SERIF = re.compile(r"song|宋|ming|serif|kai|楷|fangsong|仿宋|fs_gb|times|roman", re.I)


@dataclass(slots=True)
class FontInfo:
    """What the layout needs to know about a font: a readable name and a weight class."""

    name: str
    weight: int  # CSS-like: 300 light, 400 regular, 500 medium, 700 bold, 800 heavy
    sans: bool = False  # a CJK sans (黑体-style) face: the usual heading face on a serif body
    serif: bool = False  # 宋/明/楷/仿宋 or a Latin serif: the usual body faces


def _readable_name(raw: object) -> str:
    """Font name without the subset prefix; GBK-encoded names (宋体, 黑体) decoded."""
    name = raw if isinstance(raw, str) else str(raw or "")
    name = _SUBSET.sub("", name)
    if any(ord(c) > 127 for c in name):
        # PDF names are bytes; pdfminer hands them over as latin-1 text
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("latin-1").decode("gbk")
    return name


def font_info(font: PDFFont) -> FontInfo:
    """Classify a font's weight from its name and descriptor (FontWeight, ForceBold)."""
    name = _readable_name(getattr(font, "basefont", None) or font.fontname)
    weight = 400
    for pattern, value in _WEIGHTS:
        if pattern.search(name):
            weight = value
            break
    desc = font.descriptor or {}
    try:
        declared = float(desc.get("FontWeight", 0) or 0)
    except (TypeError, ValueError):
        declared = 0
    if declared >= 600:
        weight = max(weight, int(declared))
    if getattr(font, "flags", 0) & _FORCE_BOLD:
        weight = max(weight, 700)
    sans = bool(_CJK_SANS.search(name)) and "serif" not in name.lower()
    return FontInfo(name=name, weight=weight, sans=sans, serif=bool(_SERIF.search(name)))


class CharSink(PDFTextDevice):
    """A pdfminer device that records upright glyphs of the current page as :data:`Char`.

    It also counts images (to tell scanned pages from empty ones) and glyphs set at an
    angle (which are skipped: rotated stamps and watermarks are not reading text).
    """

    def __init__(self, rsrcmgr) -> None:  # pdfminer's PDFResourceManager
        super().__init__(rsrcmgr)
        self.fonts: list[FontInfo] = []  # one per style; a Char's font id indexes this
        self._styles: dict[tuple[str, int, bool, bool], int] = {}
        self._by_obj: dict[int, tuple[int, dict[int, tuple[str, float]]]] = {}
        self._font_objs: list[PDFFont] = []  # keeps id() keys valid while the document is open
        self.reset(0.0)

    def reset(self, page_height: float) -> None:
        """Start a new page whose (rotated) height is ``page_height``."""
        self.page_height = page_height
        self.chars: list[Char] = []
        self.images = 0
        self.rotated = 0

    def render_image(self, name, stream) -> None:
        self.images += 1

    def _font(self, font: PDFFont) -> tuple[int, dict[int, tuple[str, float]]]:
        """Style id and glyph cache of a font object.

        Fonts of one face and weight share a style id: Chromium and some office suites
        write a separate (Type 3 or subset) font object for every few glyphs.
        """
        known = self._by_obj.get(id(font))
        if known is None:
            info = font_info(font)
            key = (info.name.split("+")[-1].lower(), info.weight, info.sans, info.serif)
            style = self._styles.get(key)
            if style is None:
                style = self._styles[key] = len(self.fonts)
                self.fonts.append(info)
            known = self._by_obj[id(font)] = (style, {})
            self._font_objs.append(font)
        return known

    def render_string(self, textstate, seq, ncs, graphicstate) -> None:
        font = textstate.font
        if font is None or self.ctm is None:
            return
        a, b, c, d, e, f = mult_matrix(textstate.matrix, self.ctm)
        fontsize = textstate.fontsize
        scaling = textstate.scaling * 0.01
        charspace = textstate.charspace * scaling
        wordspace = 0.0 if font.is_multibyte() else textstate.wordspace * scaling
        fid, glyphs = self._font(font)
        # Render modes 1/2 (stroke, fill+stroke) are how office suites fake a bold face.
        fake_bold = textstate.render in (1, 2, 5, 6)
        vertical = font.is_vertical()
        upright = a > 0 and d > 0 and abs(b) <= 1e-3 * a and abs(c) <= 1e-3 * d and not vertical
        style = (a, e, fontsize * d, self.page_height - (d * textstate.linematrix[1] + f))
        face = (font, glyphs, fid, fake_bold, fontsize, scaling, charspace)
        if upright and not wordspace:
            textstate.linematrix = self._upright(seq, face, style, textstate.linematrix)
            return
        x, y = textstate.linematrix
        dxscale = 0.001 * fontsize * scaling
        needcharspace = False
        run: list[str] = []
        for obj in seq:
            if isinstance(obj, (int, float)):
                if vertical:
                    y -= obj * dxscale
                else:
                    x -= obj * dxscale
                needcharspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for cid in font.decode(obj):
                if needcharspace:
                    if vertical:
                        y += charspace
                    else:
                        x += charspace
                text, width = glyphs.get(cid) or self._glyph(font, glyphs, cid)
                adv = width * fontsize * scaling
                if upright:
                    x0 = a * x + e
                    self.chars.append((x0, x0 + a * adv, style[3], style[2], text, fid, fake_bold))
                    x += adv
                elif vertical:
                    run.append(text)
                    y -= abs(adv) or fontsize  # vertical fonts advance downwards
                else:
                    self.rotated += 1
                    x += adv
                if cid == 32 and wordspace:
                    if vertical:
                        y += wordspace
                    else:
                        x += wordspace
                needcharspace = True
        if run:
            self._vertical_run(a, d, e, f, textstate.linematrix, fontsize, run, fid, fake_bold)
        textstate.linematrix = (x, y)

    def _upright(self, seq, face, style, start) -> tuple[float, float]:
        """The usual case of :meth:`render_string`, upright horizontal text without word
        spacing, in a loop without the branches for the others; the same arithmetic in the
        same order, so the glyphs are bit-for-bit those of the general loop."""
        font, glyphs, fid, fake_bold, fontsize, scaling, charspace = face
        a, e, size, base = style
        x, y = start
        dxscale = 0.001 * fontsize * scaling
        append = self.chars.append
        get = glyphs.get
        needcharspace = False
        for obj in seq:
            if isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    else:
                        needcharspace = True
                    glyph = get(cid) or self._glyph(font, glyphs, cid)
                    adv = glyph[1] * fontsize * scaling
                    x0 = a * x + e
                    append((x0, x0 + a * adv, base, size, glyph[0], fid, fake_bold))
                    x += adv
            elif isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
        return x, y

    @staticmethod
    def _glyph(font: PDFFont, glyphs: dict[int, tuple[str, float]], cid: int) -> tuple[str, float]:
        """Text and width of a glyph the first time its font shows it (then cached)."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = "\ufffd"  # unmapped glyph; counted as garbage later
        except Exception:  # broken CMaps raise anything
            text = "\ufffd"
        try:
            width = font.char_width(cid)
        except Exception:
            width = 0.0
        glyph = glyphs[cid] = (text, width)
        return glyph

    def _vertical_run(self, a, d, e, f, start, fontsize, run, fid, fake_bold) -> None:
        """Vertical CJK writing becomes one short line at the top of its run.

        In bulletins vertical writing only appears in column labels (专家观点 down the margin);
        reading it as one label is all the splitter needs.
        """
        if not (a > 0 and d > 0):
            self.rotated += len(run)
            return
        x, y = start
        x0 = a * x + e
        size = fontsize * d
        base = self.page_height - (d * y + f)
        text = "".join(run)
        self.chars.append((x0 - size / 2, x0 + size / 2, base, size, text, fid, fake_bold))
