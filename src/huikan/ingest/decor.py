"""Decorations an office puts around titles and labels, read as cues and then removed.

Bulletins typed in a word processor mark their titles with a symbol ("◆ 标题", "■标题") and set
group or column labels in brackets ("【集成电路与 ICT 产业】", "〔国内动态〕"). Both are
typography, not text: the symbol says "this line is a title" as much as a bold face does, and
the brackets say "this is a label". :func:`read_decorations` strips them from the blocks (in
place, before splitting, so the TOC matcher, the titles and the labels all see clean text) and
records what was there in :attr:`Block.marker` and :attr:`Block.bracketed`.

A marker only becomes a title cue when the document uses it like one: several short,
unpunctuated blocks share it (see :func:`title_markers`). A bullet list inside an article uses
the same symbols for sentences, which never look like titles.
"""

from __future__ import annotations

import re
from collections import Counter

from huikan.ingest.textutil import ends_sentence, ends_with_stop, strip_md, width
from huikan.model import Block

# Symbols used as title or list markers. Kept to geometric/ornamental marks: digits, letters and
# CJK numerals are numbering (一、 1.), read by the splitter's numbered-heading rule instead.
MARKERS = "◆◇■□●○▲△▼▽★☆◎◉►▶▷❖✦✧⬛⬜♦•※➢➤"
_MARKER = re.compile(rf"^\s*(?:\*\*)?\s*([{MARKERS}])[\s\u3000]*")
_BRACKETS = {"【": "】", "〔": "〕", "［": "］", "[": "]", "〖": "〗", "〘": "〙"}
_LABEL = re.compile(
    r"^\s*(?:\*\*)?\s*([【〔［\[〖〘])\s*([^【】〔〕［］\[\]〖〗〘〙\n]{1,24}?)\s*([】〕］\]〗〙])"
    r"\s*(?:\*\*)?\s*(.*)$",
    re.S,
)


def read_decorations(blocks: list[Block]) -> None:
    """Strip leading title markers and bracketed labels from ``blocks``, recording them."""
    for b in blocks:
        m = _MARKER.match(b.text)
        if m and m.end() < len(b.text):
            b.marker = m.group(1)
            bold = b.text.lstrip().startswith("**")
            b.text = ("**" if bold else "") + b.text[m.end() :]
        m = _LABEL.match(b.text)
        if m and _BRACKETS.get(m.group(1)) == m.group(3) and not _is_citation(m.group(2)):
            inner, rest = m.group(2).strip(), m.group(4).strip()
            if not rest:
                # A whole-line label: "【数字经济产业】" → a label block "数字经济产业".
                b.text, b.bracketed = inner, True
            elif _label_prefix(inner, rest):
                # "【新材料】标题": the label is the column of the title that follows it. Split
                # into two blocks' worth of cues: keep the label as bracketed text before the
                # title, separated by a newline the splitter treats as a label line.
                b.label = inner
                b.text = rest


def _is_citation(inner: str) -> bool:
    """ "[1]", "【注】", "〔2024〕12号": references and document numbers, not labels."""
    return bool(re.fullmatch(r"[\d\s,，\-–]+|注|\d{4}", inner.strip()))


def _label_prefix(inner: str, rest: str) -> bool:
    """Is "【inner】rest" a label in front of a title (not a bracket inside a sentence)?"""
    return width(inner) <= 24 and not ends_with_stop(strip_md(rest)) and width(rest) <= 80


def title_markers(blocks: list[Block]) -> set[str]:
    """Markers this document puts in front of its titles: shared by two or more short blocks
    that do not end a sentence (a list item marker precedes sentences)."""
    counts: Counter[str] = Counter()
    sentences: Counter[str] = Counter()
    for b in blocks:
        if not b.marker:
            continue
        t = strip_md(b.text).strip()
        if width(t) <= 80 and not ends_sentence(t):
            counts[b.marker] += 1
        else:
            sentences[b.marker] += 1
    return {m for m, c in counts.items() if c >= 2 and c >= sentences[m]}
