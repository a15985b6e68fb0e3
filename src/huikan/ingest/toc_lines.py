"""One line of a table of contents: what kind it is (entry, leader, header, plain) and the
records a TOC is read into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from huikan.ingest.textutil import squash, strip_md, width
from huikan.model import Block

TOC_HEADERS = {"目录", "目次", "本期要目", "要目", "本期导读", "导读", "本期目录", "contents"}

# OCR reads the first leader dot as a comma now and then ("…提升，……11"); a title never
# ends in one, so a comma right before the leaders is taken with them.
_LEADER = re.compile(
    r"^(?P<title>.*?\S)?\s*[，,]?\s*(?:…{2,}|(?:[.．·…。・•_－-]\s*){3,})\s*(?P<page>\d{1,3})?\s*$"
)
# In a TOC, a line of a dot or two and a number is the leader end of the line above
# ("竞逐新赛道未来产业加速培育，" / ".10"), its leaders read as a comma and one dot.
_SHORT_LEADER_ONLY = re.compile(r"^[.．·…。・]{1,2}\s*(?P<page>\d{1,3})$")
_TAB = re.compile(r"^(?P<title>\S.*?)\t+\s*(?P<page>\d{1,3})\s*$")
_NUM_SLASH = re.compile(r"^(?:[-*+•]\s*)?(?P<page>\d{1,3})\s*[/|／]\s*(?P<title>\S.*)$")
_TRAILING_NUM = re.compile(
    r"^(?P<title>\S.*?\S)(?:\s+|(?<=[\u4e00-\u9fff”」》）]))(?P<page>\d{1,3})$"
)  # "标题 12", or "标题12" where a narrow TOC column leaves no room for leaders
_BULLET = re.compile(r"^[-*+•·]\s*(?P<title>\S.*)$")
_LEADER_CHARS = ".．·…。・•_－-"


def _may_end_in_leaders(text: str) -> bool:
    """Whether ``text`` ends as :data:`_LEADER` requires — "……", or three leader characters
    (white allowed between them), then at most white, three digits and white — checked from
    the end. The regex itself tries every length of title on a line that has no leaders (a
    paragraph: hundreds of characters), and every block of a bulletin is asked whether it
    could open a TOC: this test answers first for almost all of them (a necessary
    condition, so the regex still decides; a sentence's closing 。 is one leader character,
    not three)."""
    t = text.rstrip()
    k = len(t)
    while k > 0 and len(t) - k < 3 and t[k - 1].isdecimal():  # \d{1,3}: Unicode digits
        k -= 1
    t = t[:k].rstrip()
    if t.endswith("……"):
        return True
    leaders = 0
    for c in reversed(t):
        if c in _LEADER_CHARS:
            leaders += 1
            if leaders == 3:
                return True
        elif not c.isspace():
            return False
    return False


_BEFORE_PAGE = "”」》）"  # besides white and ideographs, what may stand right before a page number


def _may_end_in_page(text: str) -> bool:
    """Whether ``text`` ends as :data:`_TRAILING_NUM` requires: one to three digits at the
    end (before a final newline, as "$" allows), right after white, an ideograph or a
    closing mark — a necessary condition, checked before the regex (which tries every title
    length)."""
    t = text[:-1] if text.endswith("\n") else text
    for j in (1, 2, 3):
        if len(t) <= j or not t[-j].isdecimal():
            return False
        c = t[-j - 1]
        if c.isspace() or "\u4e00" <= c <= "\u9fff" or c in _BEFORE_PAGE:
            return True
    return False


@dataclass
class TocEntry:
    title: str
    page: int | None = None
    group: str | None = None  # the group heading it is listed under, as printed
    cluster: str | None = None  # the group resolved to a taxonomy cluster, if it is one
    column: str | None = None  # the group when it is not a cluster: a column (栏目)

    @property
    def key(self) -> str:
        return squash(self.title)


@dataclass
class Toc:
    entries: list[TocEntry] = field(default_factory=list)
    regions: list[tuple[int, int]] = field(default_factory=list)  # block index ranges [a, b)

    def covers(self, i: int) -> bool:
        return any(a <= i < b for a, b in self.regions)

    @property
    def end(self) -> int:
        return max((b for _, b in self.regions), default=0)


@dataclass
class _Item:
    kind: str  # "entry", "leader-only", "header", "plain"
    title: str = ""
    page: int | None = None
    leader: bool = False
    bold: bool = False  # the title part was marked bold (**理论** ……2)


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", strip_md(s)).strip(" -–—:：")


def is_toc_header(b: Block) -> bool:
    return squash(b.text) in TOC_HEADERS


def classify_line(b: Block, in_toc: bool) -> _Item:
    """What a block would be if it sat in a TOC."""
    text = b.text.strip()
    if is_toc_header(b):
        return _Item("header")
    m = _LEADER.match(text) if _may_end_in_leaders(text) else None
    if m and (m.group("page") or m.group("title")):
        # "·····8": the regex may take a first dot for a title; a title has a character
        # that is not a leader's
        if not (m.group("title") or "").strip(_LEADER_CHARS + " "):
            if not m.group("page"):
                return _Item("plain", _clean(text))
            return _Item("leader-only", page=int(m.group("page")))
        page = int(m.group("page")) if m.group("page") else None
        return _Item("entry", _clean(m.group("title")), page, True, _bold(m.group("title")))
    m = ("\t" in text and _TAB.match(text)) or _NUM_SLASH.match(text)
    if m:
        return _Item(
            "entry", _clean(m.group("title")), int(m.group("page")), True, _bold(m.group("title"))
        )
    if in_toc:
        m = _SHORT_LEADER_ONLY.match(text)
        if m:
            return _Item("leader-only", page=int(m.group("page")))
        if text[-1:] in "，," and width(text) <= 60:
            text = text[:-1]  # leaders read as a comma, their page number on a line below
        m = _TRAILING_NUM.match(text) if _may_end_in_page(text) else None
        if m:
            return _Item("entry", _clean(m.group("title")), int(m.group("page")))
        m = _BULLET.match(text)
        if m:
            return _Item("entry", _clean(m.group("title")))
    return _Item("plain", _clean(text))


def _bold(s: str) -> bool:
    s = s.strip()
    return s.startswith("**") and s.endswith("**") and len(s) > 4
