"""Bylines and sources: who wrote an article and where it was first published.

Bulletins credit articles in a handful of conventional ways: a byline line under the title
("工程机械与智能装备产业研究团队 马鑫勇"), a closing line ("来源：经济参考报",
"（通讯员：安全应急产业研究团队 彭要）", "（XX秘书处供稿）", "（作者单位：…）") and an opening
phrase naming the outlet ("据全球半导体观察 4 月 7 日消息，…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from huikan.ingest.textutil import nfkc, width

_OPEN = r"[（(]"
_CLOSE = r"[）)]"
# A credit line must be short: these patterns are only tried on closing lines/paragraph tails.
_SOURCE_LINE = re.compile(
    rf"^{_OPEN}?\s*(?:信息|文章|稿件)?来源\s*[:：]\s*(?P<v>[^（）()]{{1,40}}?)\s*{_CLOSE}?\s*$"
)
_CORRESPONDENT = re.compile(
    rf"{_OPEN}\s*(?:通讯员|记者|撰稿|撰文|作者)\s*[:：]\s*(?P<v>[^（）()]{{2,60}}?)\s*{_CLOSE}\s*$"
)
_CONTRIBUTED = re.compile(rf"{_OPEN}\s*(?P<v>[^（）()。]{{2,40}}?)\s*供稿\s*{_CLOSE}\s*$")
_DIGESTED = re.compile(
    rf"{_OPEN}\s*(?P<by>[^（）()。]{{2,40}}?)\s*(?:摘述|摘编|整理|编译)[。，,]?\s*"
    rf"(?:信息)?来源\s*[:：]\s*(?P<src>[^（）()]{{1,40}}?)\s*{_CLOSE}\s*$"
)
_AUTHOR_NOTE = re.compile(
    rf"^{_OPEN}\s*作者\s*(?:单位|简介|分别系|系|为|是)?\s*[:：]?\s*(?P<v>.{{2,300}}?)\s*{_CLOSE}\s*$"
)
_BYLINE_WORDS = re.compile(
    r"(研究团队|课题组|研究组|编辑部|记者|通讯员|特约|撰稿|撰文|编译|执笔|整理|作者|本报|本刊)"
)
_BYLINE_SHAPE = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9 ·、与和]{2,30}(团队|中心|研究院|研究所|课题组)"
    r"(\s+[\u4e00-\u9fff·]{2,4}(、[\u4e00-\u9fff·]{2,4})*)?$"
)
_AUTHOR_PREFIX = re.compile(
    r"^(?:作者|文|撰文|记者|撰稿|编译|整理|执笔)\s*[:：/／|]\s*(?P<v>\S.{0,40})$"
)
_INLINE_SOURCE = re.compile(
    r"^(?:根据|据)\s*(?P<v>[^，。、；：,.\s\d“”\"《》]{2,16}?)\s*"
    r"(?:(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日\s*)?(?:最新)?(?:消息|报道|讯|发布|披露|援引|内容所述|文章|刊文)"
)
_NOT_OUTLETS = (
    "统计",
    "介绍",
    "了解",
    "悉",
    "测算",
    "估计",
    "预测",
    "分析",
    "数据",
    "报告",
    "调查",
)


@dataclass
class Credit:
    byline: str | None = None
    source: str | None = None


def _tidy(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ，,。；;")


def closing_credit(line: str) -> Credit | None:
    """Read a credit from an article's last line (or the tail of its last paragraph)."""
    if len(line) > 400:  # a credit is short; only a long paragraph's tail can hold one
        line = line.rstrip()[-300:]
        if not line.endswith(("）", ")")):
            return None
    s = nfkc(line).strip()
    s = s.replace("(", "（").replace(")", "）")
    if width(s) > 160 and not s.endswith("）"):
        return None
    m = _DIGESTED.search(s)
    if m:
        return Credit(byline=_tidy(m.group("by")), source=_tidy(m.group("src")))
    m = _SOURCE_LINE.match(s)
    if m:
        return Credit(source=_tidy(m.group("v")))
    m = _CORRESPONDENT.search(s)
    if m:
        return Credit(byline=_tidy(m.group("v")))
    m = _CONTRIBUTED.search(s)
    if m:
        return Credit(source=_tidy(m.group("v")))
    m = _AUTHOR_NOTE.match(s)
    if m:
        v = re.split(r"[；;]\s*本文(?:系|为|是)", m.group("v"))[0]
        return Credit(byline=_tidy(v))
    return None


def is_closing_line(line: str) -> bool:
    """A whole line that is only a credit (it ends an article rather than continuing it)."""
    if len(line) > 300:
        return False
    s = nfkc(line).strip()
    if width(s) > 200:
        return False
    if _SOURCE_LINE.match(s) or _AUTHOR_NOTE.match(s.replace("(", "（").replace(")", "）")):
        return True
    return bool(re.match(r"^[（(]", s) and closing_credit(s))


def byline_line(line: str) -> str | None:
    """A byline printed under the title ("新材料产业研究团队 万思"), or None."""
    if len(line) > 80:
        return None
    s = re.sub(r"\s+", " ", nfkc(line)).strip()
    if width(s) > 40 or re.search(r"[。！？；]", s):
        return None
    m = _AUTHOR_PREFIX.match(s)
    if m:
        return _tidy(m.group("v"))
    if _BYLINE_SHAPE.match(s):
        return s
    if _BYLINE_WORDS.search(s) and not re.search(r"[，,]", s) and width(s) <= 30:
        return s
    return None


def inline_source(first_paragraph: str) -> str | None:
    """The outlet named by an opening "据X报道/消息/讯" phrase, or None."""
    m = _INLINE_SOURCE.match(nfkc(first_paragraph[:80]).strip())
    if not m:
        return None
    v = m.group("v").strip()
    if any(v.startswith(w) or v == w for w in _NOT_OUTLETS):
        return None
    return v
