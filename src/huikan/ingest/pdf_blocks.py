"""Physical lines → paragraph-like :class:`~huikan.model.Block` objects with typographic cues.

A new block starts at a first-line indent, after a line that ended clearly short of the
column's right edge, after a vertical gap larger than the normal leading, or where the
size/weight changes. Paragraphs continue across column and page breaks when the last line
was full, the next one is not indented and the style is the same. Headings wrapped over
several lines in one style stay one block; table-of-contents lines are always blocks of
their own, normalised to ``title……page``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter

from huikan.ingest.pdf_gutter import Geometry
from huikan.ingest.pdf_layout import is_wide
from huikan.ingest.pdf_lines import Line
from huikan.model import Block

_LEADER_CHARS = ".·•‥．。_\\-－"
_LEADERS = re.compile(
    rf"^(?P<title>.*?)\s*(?:(?:[{_LEADER_CHARS}]\s*){{3,}}|(?:[…⋯]\s*){{2,}})\s*(?P<num>\d{{1,4}})$"
)
# " . 3": a long TOC title leaves room for one or two spaced dots only (not "容量7.1")
_SHORT_LEADER = re.compile(
    rf"^(?P<title>.*?\S)\s+(?:[{_LEADER_CHARS}…⋯]\s+){{1,2}}(?P<num>\d{{1,3}})$"
)
_NUMBERED = re.compile(r"^\d{1,2}\s*[/／|｜]\s*\S")
_DIGITS = re.compile(r"^\d{1,4}$")
_ENDS_WITH_PAGE = re.compile(r"[\s.·…⋯．]\d{1,3}$")

_TERMINAL = set("。！？!?；;：:…”’」』）)")
# Numbered headings: 一、 （一） 1. 1、 (1) ① 第一
_ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)"
    r"|[①-⑳]|第[一二三四五六七八九十\d]+[章节部分篇条])"
)
HEADING_SIZE = 1.12  # a line this much larger than body text is set as a heading


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# CJK Radicals Supplement code points that fonts map instead of the ordinary character
# (Chromium and office exports write 风 as ⻛ U+2EDB); NFKC does not fold these.
_RADICALS = str.maketrans(
    "⺁⺊⺜⺝⺟⺠⺩⺯⺻⻁⻄⻅⻆⻉⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻱⻳",
    "厂卜日月母民王糸聿虎西见角贝车長长门雨青韦页风飞食首马骨鬼鱼鸟卤麦黄黾齐齿龙龜龟",
)


# Kangxi radicals, CJK compatibility ideographs and Latin ligatures: folded one by one by NFKC.
_FOLD = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\ufb00-\ufb06]")


def _cjk_fix(text: str) -> str:
    """Radical code points, CJK compatibility ideographs and Latin ligatures → normal text.

    Fonts often map 一 to the Kangxi radical ⼀ (U+2F00) and similar; NFKC on just those
    ranges repairs them without touching full-width CJK punctuation.
    """
    text = text.translate(_RADICALS)
    if not _FOLD.search(text):  # the usual line: nothing to fold, no per-character loop
        return text
    return _FOLD.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)


def classify_toc(lines: list[Line], geo: Geometry) -> None:
    """Mark table-of-contents lines (``line.toc``) and rewrite their text.

    Leader dots followed by a number at the right edge always make an entry; a number
    separated only by white space, or a "01 / title" line, needs a second such line on the
    page (a table row ending in a number is not a TOC, 1/3 is a fraction). Bold or larger
    lines with a page number are TOC group labels ("专家观点 3").
    """
    gap_cands: dict[int, list[tuple[Line, str, str]]] = {}
    numbered: dict[int, list[Line]] = {}
    for line in lines:
        text = line.text.strip()
        at_right = line.x1 >= line.frame[1] - 2.5 * line.size
        m = _LEADERS.match(text)
        if m and (at_right or len(re.findall(r"[.·•‥．。…⋯]", text[m.end("title") :])) >= 4):
            title = m.group("title").strip()
            line.toc = "entry" if title else "leaders"
            line.text = f"{title}……{m.group('num')}"
            continue
        if _NUMBERED.match(text):
            numbered.setdefault(line.page, []).append(line)
            continue
        if line.tabs and at_right and _DIGITS.match(line.last_run.strip()):
            title = text[: line.tabs[-1]].strip()
            if title and not _DIGITS.match(title):
                gap_cands.setdefault(line.page, []).append((line, title, line.last_run.strip()))
                continue
        m = _SHORT_LEADER.match(text)
        if m and at_right:
            gap_cands.setdefault(line.page, []).append((line, m.group("title"), m.group("num")))

    for group in numbered.values():
        if len(group) >= 2:  # "01 / title" lines come in lists; one is a fraction like 1/3
            for line in group:
                line.toc = "numbered"

    def heading(line: Line) -> bool:
        return line.nbold * 2 > line.nchars or line.size >= 1.04 * geo.body_size

    for page, cands in gap_cands.items():
        if len(cands) < 2 and not any(x.toc == "entry" for x in lines if x.page == page):
            continue
        plain_entries = any(not heading(c) for c, _, _ in cands) or any(
            x.toc == "entry" and not heading(x) for x in lines if x.page == page
        )
        for line, title, num in cands:
            if heading(line) and plain_entries:
                line.toc = "group"
                line.text = f"{title} {num}"
            else:
                line.toc = "entry"
                line.text = f"{title}……{num}"


# What cannot be broken at the start of a line: opening brackets/quotes, then a Latin word or
# number or one character, then closing punctuation (line-start rules keep these together).
_UNIT = re.compile(
    r"^[“‘《（(「『〈【\[]*(?:[A-Za-z0-9][A-Za-z0-9%.,:;\-+/℃°&'’_=]*|.)[。，、；：？！”’」』）》〉】.,;:!?)\]]*"
)


def _unit_width(text: str, size: float) -> float:
    """Rough width of what cannot be broken at the start of ``text``."""
    m = _UNIT.match(text)
    if not m:
        return 0.0
    return sum((1.0 if is_wide(ch) else 0.55) for ch in m.group()) * size


class _Joiner:
    """Decides, line by line, whether a line continues the current block."""

    def __init__(self, geo: Geometry, lines: list[Line]) -> None:
        self.geo = geo
        self.white = _local_white(lines, geo)

    def full(self, line: Line, nxt: Line | None = None) -> bool:
        """The line reaches the column's right edge: its paragraph goes on.

        Lines also stop short where the next line's first unit did not fit: a long Latin
        word or number, or a CJK character that drags closing punctuation along (、。”).
        """
        short = line.frame[1] - line.x1
        if short <= 1.6 * line.size:
            return True
        if nxt is not None and short <= _unit_width(nxt.text.lstrip(), nxt.size) + line.size:
            return True
        return short <= 3.5 * line.size and line.text.rstrip()[-1:] not in _TERMINAL

    def flush_right(self, line: Line) -> bool:
        return line.frame[1] - line.x1 <= 0.5 * line.size

    def _right_aligned(self, prev: Line, line: Line) -> bool:
        """A right-aligned paragraph (author notes) wrapped: the line above used the width.

        Either the line above does not start at the left edge (so the text is set flush
        right), or this line starts further in than any paragraph indent.
        """
        left = prev.x0 - prev.frame[0]
        return left <= 1.6 * prev.size and (
            left > 0.3 * prev.size or line.x0 - line.frame[0] > 3 * line.size
        )

    def indented(self, line: Line) -> bool:
        return line.x0 - line.frame[0] >= 0.75 * line.size

    def centered(self, line: Line) -> bool:
        left = line.x0 - line.frame[0]
        right = line.frame[1] - line.x1
        return min(left, right) > 2.5 * line.size and abs(left - right) <= self.center_tol(line)

    @staticmethod
    def center_tol(line: Line) -> float:
        return max(1.0 * line.size, 0.03 * (line.frame[1] - line.frame[0]))

    def bold(self, line: Line) -> bool:
        return line.nbold * 2 > line.nchars

    def heading(self, line: Line) -> bool:
        return line.size >= HEADING_SIZE * self.geo.body_size or self.bold(line)

    def below(self, prev: Line, line: Line) -> bool:
        """``line`` sits under ``prev`` on the same page, in an overlapping column."""
        return (
            prev.page == line.page
            and line.top >= prev.bottom - 0.3 * min(prev.size, line.size)
            and min(prev.frame[1], line.frame[1]) > max(prev.frame[0], line.frame[0])
        )

    def extra_gap(self, prev: Line, line: Line) -> float:
        """White space between two stacked lines beyond normal leading, in points.

        Normal leading is the document's, or the page's own when that is looser (one
        article set at 1.5 line spacing must not fall apart into one block per line).
        """
        size = max(prev.size, line.size)
        ratio = max(self.geo.white / self.geo.body_size, self.white.get(line.page, 0.0))
        return (line.top - prev.bottom) - ratio * size

    def continues(self, block: list[Line], line: Line) -> bool:
        prev = block[-1]
        if line.toc == "leaders":  # "……6" on the line under its wrapped title
            return prev.toc == "" and self.below(prev, line)
        if prev.toc or line.toc in ("group", "numbered"):
            return False
        same_size = max(prev.size, line.size) <= 1.1 * min(prev.size, line.size)
        if line.toc == "entry":  # a TOC title wrapped onto a second line
            return (
                self.below(prev, line)
                and self.extra_gap(prev, line) <= 0.45 * line.size
                and same_size
                and self.full(prev, line)
                and line.x0 <= prev.x0 + 0.5 * line.size  # aligned under the title's start
                and not _ENDS_WITH_PAGE.search(prev.text)
                and not (self.bold(prev) and not self.bold(line))  # not a group label
            )
        if self.below(prev, line):
            if self.extra_gap(prev, line) > 0.45 * max(prev.size, line.size):
                return False
            if not same_size:
                return False
            if self.bold(prev) != self.bold(line):  # a bold lead sentence, or a heading
                if _ENDS_WITH_PAGE.search(prev.text):
                    return False  # "标题 6" over a bold "产业分析": a TOC entry, then a group
                if self.bold(line) and prev.text.rstrip()[-1:] in _TERMINAL:
                    # a plain paragraph that ended ("…秘书处供稿）", "…。") under a bold
                    # line: a heading starts, however close to the measure the line ended
                    return False
                if (
                    prev.nbold >= 0.95 * prev.nchars
                    and line.nbold == 0
                    and prev.text.rstrip()[-1:] not in "，,、：:；;"
                ):
                    # A whole bold line over plain text: a bold lead sentence that wraps carries
                    # its bold onto the next line, or ends with punctuation; a title fills its
                    # line (a long one, set at body size) and stops.
                    return False
                return self.full(prev, line) and not self.indented(line) and not self.centered(prev)
            if (
                self.flush_right(prev)
                and self.flush_right(line)
                and self._right_aligned(prev, line)
            ):
                return True
            if self.indented(line) and not self.centered(line):
                return False
            if self.heading(prev) or self.heading(line):
                return self._heading_wraps(block, line)
            return self.full(prev, line)
        # a column or page break: continue a paragraph that obviously runs on
        if line.first_on_page and line.page != prev.page + 1:
            return False
        return (
            self.full(prev, line)
            and not self.indented(line)
            and same_size
            and self.bold(prev) == self.bold(line)
            and not self.heading(line)
            and line.toc == ""
        )

    def _heading_wraps(self, block: list[Line], line: Line) -> bool:
        """Two stacked lines in one heading style: a wrapped title, or separate headings?"""
        prev = block[-1]
        if _ENUMERATED.match(line.text.strip()):  # 二、… then （一）…: two headings
            return False
        frame_w = prev.frame[1] - prev.frame[0]
        if prev.width >= 0.6 * frame_w:  # the line above was long: the title wrapped
            return True
        short = len(prev.text.strip()) <= 4 and len(line.text.strip()) <= 4
        return short and len(block) < 3  # a stacked label such as 专家 / 观点


def _join_text(lines: list[Line]) -> str:
    out = ""
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if out:
            a, b = out[-1], text[0]
            if a == "-" and len(out) > 1 and out[-2].isalpha() and b.islower():
                out = out[:-1]  # a hyphenated Latin word
            elif (_is_latin(a) and _is_latin(b)) or (
                not is_wide(a) and not is_wide(b) and a in ",.;:!?)" and b.isalnum()
            ):
                out += " "
        out += text
    return re.sub(r"[ \t]{2,}", " ", out)


def _weighted_median(pairs: list[tuple[float, int]]) -> float:
    pairs = sorted(pairs)
    total = sum(n for _, n in pairs)
    if not total:
        return 0.0
    acc = 0
    for value, n in pairs:
        acc += n
        if acc * 2 >= total:
            return value
    return pairs[-1][0]


def _local_white(lines: list[Line], geo: Geometry) -> dict[int, float]:
    """Per page: the most common white gap between stacked lines, as a share of the size."""
    steps: dict[int, Counter[float]] = {}
    for prev, line in itertools.pairwise(lines):
        if prev.page != line.page or abs(prev.size - line.size) > 0.1 * line.size:
            continue
        white = (line.top - prev.bottom) / line.size
        if 0 <= white <= 2 and line.x0 < prev.x1 and prev.x0 < line.x1:
            steps.setdefault(line.page, Counter())[round(white * 20) / 20] += 1
    out = {}
    for page, counter in steps.items():
        (white, count), *_ = counter.most_common(1)
        if count >= 3:
            out[page] = white
    return out


def _boxes(group: list[Line]) -> list[tuple[int, float, float, float, float]]:
    """One rectangle per page and column (leaf) the block's lines sit in."""
    out: dict[tuple[int, int], list[float]] = {}
    for line in group:
        r = out.setdefault((line.page, line.leaf), [line.x0, line.top, line.x1, line.bottom])
        r[0], r[1] = min(r[0], line.x0), min(r[1], line.top)
        r[2], r[3] = max(r[2], line.x1), max(r[3], line.bottom)
    return [(page, *(round(v, 1) for v in r)) for (page, _), r in out.items()]


def build_blocks(lines: list[Line], geo: Geometry) -> list[Block]:
    """Join lines (in reading order, all pages) into blocks and fill in their cues."""
    joiner = _Joiner(geo, lines)
    groups: list[list[Line]] = []
    for line in lines:
        if groups and joiner.continues(groups[-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks = []
    prev_last: Line | None = None
    for group in groups:
        first = group[0]
        text = _cjk_fix(_join_text(group)).strip()
        if not text:
            prev_last = group[-1]
            continue
        size = _weighted_median([p for line in group for p in line.sizes])
        nchars = sum(line.nchars for line in group)
        nbold = sum(line.nbold for line in group)
        centered = all(
            abs((line.x0 - line.frame[0]) - (line.frame[1] - line.x1)) <= joiner.center_tol(line)
            for line in group
        ) and joiner.centered(group[-1])
        gap = 0.0
        if prev_last is not None and joiner.below(prev_last, first):
            gap = max(0.0, joiner.extra_gap(prev_last, first)) / geo.pitch
        blocks.append(
            Block(
                text=text,
                page=first.page,
                size=round(size / geo.body_size, 2),
                bold=nbold * 2 > nchars,
                centered=centered,
                lines=len(group),
                gap_before=round(gap, 1),
                indent=joiner.indented(first) and not centered,
                page_top=first.first_on_page,
                boxes=_boxes(group),
            )
        )
        prev_last = group[-1]
    return blocks
