"""Small string helpers for Chinese text shared by the readers and the splitter."""

from __future__ import annotations

import re
from functools import lru_cache

from huikan import textnorm

_TERMINAL = "。！？!?…；;”」』\"'）)】"
_LATIN = re.compile(r"[A-Za-z0-9%]")
# Paired emphasis and code marks only: "**粗体**", "__粗体__", "`代码`". A lone "__" or "*"
# (an identifier, a footnote star) is text and stays.
_MD_PAIRED = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|`([^`\n]+)`")
_PUNCT = re.compile(
    r"[\s\"'“”‘’「」『』《》〈〉<>（）()【】\[\]{}：:，,。.、；;！!？?\-—–…·•・*#_~`|/\\]+"
)

# How a news item's first sentence begins: the line after a title.
NEWS_LEAD = re.compile(
    r"^(?:近日|日前|近期|目前|今年|去年|本报讯|记者|据|\d{1,2}\s*月\s*\d{1,2}\s*日|"
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月)"
)


def width(s: str) -> float:
    """Display width in CJK character cells: ASCII (letters, digits, spaces) counts half.

    Computed with C-level string operations because it runs on every block, and a mangled
    bulletin can put megabytes on one line.
    """
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def ends_sentence(s: str) -> bool:
    """True when ``s`` ends like a finished sentence or a closing quote/bracket."""
    s = s.rstrip()
    return bool(s) and s[-1] in _TERMINAL


def ends_with_stop(s: str) -> bool:
    """True when ``s`` ends with a full stop (。！？；…), possibly inside closing quotes. Unlike
    :func:`ends_sentence`, a closing quote or bracket alone does not count: titles end with
    them ("…研讨会”")."""
    s = s.rstrip().rstrip("”」』\"'）)】")
    return bool(s) and s[-1] in "。！？!?；;…"


def join_cjk(a: str, b: str) -> str:
    """Join two wrapped line fragments: no space in Chinese, one space between Latin words."""
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return a + b
    if _LATIN.match(a[-1]) and _LATIN.match(b[0]):
        return f"{a} {b}"
    return a + b


def strip_md(s: str) -> str:
    """Remove inline Markdown emphasis marks (the text field carries no Markdown)."""
    if "*" not in s and "_" not in s and "`" not in s:
        return s
    return _MD_PAIRED.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), s)


@lru_cache(maxsize=16384)
def nfkc(s: str) -> str:
    """NFKC, cached: the TOC, credit and split rules normalise the same lines again and
    again (a sixth of a text bulletin's ingest time went to unicodedata.normalize)."""
    return textnorm.nfkc(s)


@lru_cache(maxsize=16384)
def squash(s: str) -> str:
    """Key for comparing titles: NFKC, Markdown marks, punctuation and spaces removed.

    Cached: the TOC and split rules ask for the key of the same block texts again and again
    (every later block, for every TOC line)."""
    return _PUNCT.sub("", nfkc(strip_md(s))).lower()


def within_one_edit(a: str, b: str) -> bool:
    """Is the edit distance (Levenshtein) between ``a`` and ``b`` at most one? Linear time:
    equal lengths allow one substitution, lengths one apart one insertion, found at the first
    difference; the TOC reprint test asks this thousands of times per bulletin."""
    la, lb = len(a), len(b)
    if la == lb:
        if a == b:
            return True
        diff = 0
        for x, y in zip(a, b, strict=True):
            if x != y:
                diff += 1
                if diff > 1:
                    return False
        return True
    if la > lb:
        a, b, la, lb = b, a, lb, la
    if lb - la != 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def collapse_spaces(s: str) -> str:
    """Drop spaces between CJK characters ("国内 动态" → "国内动态"), keep them between Latin."""
    s = re.sub(r"\s+", " ", s.strip())
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", s)


# A Chinese headline is a noun phrase or a whole clause: it never ends on a word that needs
# what follows it — an adverb that modifies the next verb (进一步, 更加), a conjunction (以及,
# 并且) or a preposition (对于, 随着). A "title" ending so is the first half of a sentence whose
# second half opens the "body": typically a bold run-in lead ("**…进一步**推动了…") that a
# text dump put on a line of its own (the splitter takes no such title, the self-check
# names one a TOC listed). Only words of two or more characters: single characters
# (和, 及, 向, 对 …) end ordinary words too (缓和, 普及, 导向, 应对).
UNFINISHED = (
    "进一步", "更加", "逐步", "正在", "已经", "仍然", "不断地", "以及", "并且", "而且",
    "或者", "但是", "因为", "因此", "所以", "如果", "虽然", "不仅", "对于", "关于", "为了",
    "按照", "根据", "随着", "由于", "以便", "从而", "进而",
)  # fmt: skip


# A line that stops on a dash or a colon leads into what follows it ("算力网络加速构建——",
# "主要做法："): a section heading's lead-in or a title's first half, never a whole title.
# Of 964 generated layouts split right, no article title ends on one; of 29 split badly, 6
# took such section headings for titles (bench/ingest_layouts.py, session 45).
_LEAD_IN = re.compile(r"[—―:：﹕]+$")


def unfinished_word(text: str) -> str | None:
    """The word of :data:`UNFINISHED`, or the dash or colon (:data:`_LEAD_IN`), that ``text``
    stops on, if any."""
    lead = _LEAD_IN.search(strip_md(text).rstrip())
    if lead:
        return lead.group()
    t = squash(text)
    return next((w for w in UNFINISHED if t.endswith(w)), None)


CLOSING = "”’」』》〉）)】〕"  # closing quotes and brackets: they end the text before them
