"""Repair what OCR typically confuses in Chinese text, with general rules only.

The recogniser reads punctuation by shape, so a full-width comma in a Chinese sentence may
come back as an ASCII comma, a zero between digits as the letter O, and a dash as the
ideograph 一 (they are the same stroke). Each rule looks only at the neighbouring characters:
  - ASCII , : ; ! ? ( ) next to a CJK character become their full-width forms;
  - O, o and 〇 between digits (or after a digit before a digit-like context) become 0;
    0, O, o between CJK numerals (二〇二四) become 〇;
  - 一, - and — between two ASCII digits are a range dash "-" (1-3月);
    two or more dash-like strokes in a row (一一, —一, --) are the Chinese dash "——";
  - 一 beside a number with no Chinese on its other side is a dash (— 1 — page numbers);
  - [ and ] touching Chinese are the lenticular brackets 【】 of column labels;
  - the radical 丶 (never a word of running text) is the enumeration comma 、, which it
    resembles: on the five cid-nonembedded dev scans, 84 of their enumeration commas came
    back as 丶 and no 丶 was printed;
  - a single full stop "." between two ideographs is the full-width comma "，", whose tail
    the recogniser lost (a Latin full stop, a decimal point or a URL has no ideograph on
    both sides; on the same scans, 21 commas came back so and no 。);
  - spaces between two CJK characters are dropped (CJK text has no word spaces);
  - a closing parenthesis that closes nothing after an open 《 is its 》 (《方案）印发);
  - a closing double quote read as an opening one is put back where the line opens more
    than it closes and two opening marks enclose a short term (“一带一路“);
  - quotes pair up within the line (:func:`_pair_quotes`): a pair inside another pair is
    single quotes (Chinese nests ‘’ inside “”), and so, mostly, is a pair whose two marks
    disagree (‘顶梁柱”, “国产心’): the recogniser reads a single quote as a double far more
    often than the reverse (on the 25 scanned bulletins of bench/ocr.py, 35 single quotes
    came back double and one double quote single).
"""

from __future__ import annotations

import re

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_HAN_NUM = "一二三四五六七八九十百千〇零"
_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"})

_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_PUNCT_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[,:;!?()]")
_PUNCT_BEFORE_CJK = re.compile(rf"[,:;!?()](?=[{_CJK}])")
_O_IN_DIGITS = re.compile(r"(?<=\d)[Oo〇](?=[\dOo〇])|(?<=[\dOo〇])[Oo〇](?=\d)")
_ZERO_IN_HAN = re.compile(rf"(?<=[{_HAN_NUM}])[0Oo](?=[{_HAN_NUM}])")
_RANGE = re.compile(r"(?<=\d)\s*[一—－]\s*(?=\d)")
_DOUBLE_DASH = re.compile(r"[一—－\-]{2,}")
# 一 beside a number with no Chinese on its other side is a dash: "— 1 —" page numbers
_DASH_BY_NUMBER = re.compile(rf"(?<![{_CJK}])一(?=\s*\d)|(?<=\d)(\s*)一(?![{_CJK}])")
_OPEN_BRACKET = re.compile(rf"\[(?=[{_CJK}])")
_CLOSE_BRACKET = re.compile(rf"(?<=[{_CJK}])\]")
_DOT_RADICAL = str.maketrans({"丶": "、", "⼂": "、"})
_IDEOGRAPH = r"\u3400-\u4dbf\u4e00-\u9fff"
_STOP_IN_HAN = re.compile(rf"(?<=[{_IDEOGRAPH}])\.(?=[{_IDEOGRAPH}])")


def normalize_line(text: str) -> str:
    """One OCR line with the confusions above repaired."""
    text = _SPACE_IN_CJK.sub("", text).translate(_DOT_RADICAL)
    text = _STOP_IN_HAN.sub("，", text)
    text = _O_IN_DIGITS.sub("0", text)
    text = _ZERO_IN_HAN.sub("〇", text)
    text = _RANGE.sub("-", text)
    text = _DOUBLE_DASH.sub(_dashes, text)
    text = _DASH_BY_NUMBER.sub(lambda m: (m.group(1) or "") + "—", text)
    text = _OPEN_BRACKET.sub("【", text)
    text = _CLOSE_BRACKET.sub("】", text)
    text = _PUNCT_AFTER_CJK.sub(lambda m: m.group().translate(_FULL), text)
    text = _PUNCT_BEFORE_CJK.sub(lambda m: m.group().translate(_FULL), text)
    return _pair_quotes(_close_titles(text))


_OPENS, _CLOSES = "“‘", "”’"
_SENTENCE_END = "。！？"


def _close_titles(text: str) -> str:
    """《实施方案）印发: a closing title mark 》 read as a closing parenthesis. A ）or ) that
    closes no parenthesis of the line, after a 《 the line leaves open, closes the 《."""
    if "《" not in text:
        return text
    chars = list(text)
    stack: list[str] = []
    for i, ch in enumerate(chars):
        if ch in "《（(":
            stack.append(ch)
        elif ch == "》":
            if "《" in stack:
                while stack.pop() != "《":
                    pass
        elif ch in "）)":
            if stack and stack[-1] in "（(":
                stack.pop()
            elif stack and stack[-1] == "《":
                chars[i] = "》"
                stack.pop()
    return "".join(chars)


TERM = 12  # characters of a quoted term between two opening marks, at most


def _quote_pairs(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """The line's quote marks paired, each closing mark closing the last mark opened:
    (opening index, closing index) pairs, and the opening marks left unclosed."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in _OPENS:
            stack.append(i)
        elif ch in _CLOSES and stack:
            pairs.append((stack.pop(), i))
    return pairs, stack


def _lost_closers(text: str) -> str:
    """“一带一路“科技交流大会: a closing double quote read as an opening one. Of two opening
    double quotes that no closing mark of the line closes, the second closes the first
    where only a short term stands between them, unstopped (Chinese nests ‘’, not “”, inside
    a quote; an opening mark a later closing mark closes is left alone: 他说：“今年“十四五”规划,
    and “建筑业“BIM+’, an inner quote's mark read double)."""
    stack = [i for i in _quote_pairs(text)[1] if text[i] == "“"]
    chars = list(text)
    k = 0
    while k + 1 < len(stack):
        a, b = stack[k], stack[k + 1]
        between = text[a + 1 : b]
        if 0 < len(between) <= TERM and not re.search(r"[。！？；“”‘’]", between):
            chars[b] = "”"
            k += 2
        else:
            k += 1
    return "".join(chars)


def _pair_quotes(text: str) -> str:
    """The line's curly quotes nested and paired as the module docstring says, where the
    line itself shows the pairs: each closing mark closes the last mark opened. A pair
    inside a pair that closes in the line is single quotes; a pair whose marks disagree is
    single quotes too, unless a closing mark with no partner follows at once (“…’” is an
    inner quote whose opening mark was lost) or the closing mark is a double one after the
    end of a sentence (…。” closes a quoted sentence). Marks with no partner in the line
    (the quote began on an earlier line, or goes on to the next) are left as read."""
    if not any(q in text for q in _OPENS):
        return text
    text = _lost_closers(text)
    chars = list(text)
    pairs = _quote_pairs(text)[0]
    closed = dict(pairs)
    closers = set(closed.values())
    for o, c in pairs:
        outer = any(j < o and closed[j] > c for j in closed)
        lost = c + 1 < len(chars) and chars[c + 1] in _CLOSES and c + 1 not in closers
        if outer or (
            _OPENS.index(chars[o]) != _CLOSES.index(chars[c])
            and not lost
            and not (chars[c] == "”" and c > 0 and chars[c - 1] in _SENTENCE_END)
        ):
            chars[o], chars[c] = "‘", "’"
    return "".join(chars)


def _dashes(m: re.Match[str]) -> str:
    """A run of dash-like strokes: the Chinese dash unless it is a word (一一对应)."""
    run = m.group()
    if set(run) == {"一"}:
        # 一一 is also a word (一一对应, 逐一); only at the start of a line is it a dash
        return "——" if m.start() == 0 else run
    return "——"
