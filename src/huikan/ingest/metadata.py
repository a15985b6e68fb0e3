"""Masthead metadata: bulletin title, publisher, issue number and date.

Only what is printed is reported; a sidecar supplies the rest. Never guess a date from the
content: an archive page that says "2024年4月" must be able to trust it.
"""

from __future__ import annotations

import re

from huikan.ingest.textutil import collapse_spaces, nfkc, squash, strip_md, width
from huikan.model import Block, BulletinMeta

_CN_NUM = "〇零一二三四五六七八九十百"
_NUMBER = re.compile(
    rf"(?:(?P<year>\d{{4}})\s*年\s*)?第\s*(?P<n>[\d{_CN_NUM}]{{1,4}})\s*期"
    rf"(?:\s*[（(]\s*总\s*第\s*(?P<total>[\d{_CN_NUM}]{{1,5}})\s*期\s*[）)])?"
)
_TOTAL_ONLY = re.compile(rf"总\s*第\s*(?P<total>[\d{_CN_NUM}]{{1,5}})\s*期")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?"
    r"|(?P<y2>(?:19|20)\d{2})\s*[.\-/]\s*(?P<m2>\d{1,2})(?:\s*[.\-/]\s*(?P<d2>\d{1,2}))?(?!\d)"
)
_ORG = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}?"
    r"(?:科学技术局|科技局|局|研究所|情报所|委员会|协会|学会|联合会|研究中心|中心|研究院|联盟|办公室|"
    r"厅|委|集团|有限公司|大学|学院|出版社|编辑部|秘书处)"
)
_NOISE = re.compile(r"^(内部资料|注意保存|内部刊物|仅供参考|免费交流|准印证|内部资料注意保存)")


def _fmt_number(m: re.Match[str]) -> str:
    s = collapse_spaces(nfkc(m.group(0)))
    s = re.sub(r"\s+", "", s)
    return s.replace("(", "（").replace(")", "）")


def find_number(text: str) -> str | None:
    m = _NUMBER.search(text) or _TOTAL_ONLY.search(text)
    return _fmt_number(m) if m else None


def find_date(text: str) -> str | None:
    """The first plausible printed date in ``text`` as YYYY-MM or YYYY-MM-DD."""
    for m in _DATE.finditer(nfkc(text)):
        y = m.group("y") or m.group("y2")
        mo = m.group("m") or m.group("m2")
        d = m.group("d") or m.group("d2")
        if not (1 <= int(mo) <= 12):
            continue
        if d and 1 <= int(d) <= 31:
            return f"{y}-{int(mo):02d}-{int(d):02d}"
        return f"{y}-{int(mo):02d}"
    return None


def find_publisher(text: str) -> str | None:
    s = nfkc(text)
    s = re.sub(r"\s*(主办|主管|编印|编|印发|出版|承办)\s*$", "", s.strip())
    for part in re.split(r"\s{1,}|\n", s):
        m = _ORG.fullmatch(part.strip())
        if m:
            return m.group(0)
    return None


def parse_masthead(blocks: list[Block], meta_title: str | None = None) -> BulletinMeta:
    """Read title, publisher, number and date from the blocks before the first article.

    A run of blocks only counts as a masthead when it prints an issue number or a date;
    otherwise the first heading is an article title, not the bulletin's name.
    """
    meta = BulletinMeta()
    if not blocks:
        return meta
    used: set[int] = set()
    for i, b in enumerate(blocks):
        text = nfkc(b.text)
        if meta.number is None and (n := find_number(text)):
            meta.number = n
            used.add(i)
        # A date in a long line is a date the prose mentions, unless the line is the issue
        # line itself ("… 2024 年第 12 期 … 主办 2024 年 12 月 31 日", run together).
        if meta.date is None and (d := find_date(text)) and (width(b.text) <= 40 or i in used):
            meta.date = d
            used.add(i)
    if meta.number is None and meta.date is None:
        return meta
    for i, b in enumerate(blocks):
        # On the issue or date line, the publisher is what is left around the number and date.
        if i in used and (p := find_publisher(_DATE.sub(" ", _NUMBER.sub(" ", nfkc(b.text))))):
            meta.publisher = meta.publisher or p
        elif i not in used and meta.publisher is None and (p := find_publisher(b.text)):
            meta.publisher = p
            used.add(i)
    meta.title = _title(blocks, used, meta_title)
    return meta


def _title(blocks: list[Block], used: set[int], meta_title: str | None) -> str | None:
    """The masthead title: the most prominent name line, plus a sub-title line under it."""
    cands = []
    for i, b in enumerate(blocks):
        t = collapse_spaces(strip_md(b.text))
        if i in used or not t or _NOISE.match(squash(t)) or width(t) > 30:
            continue
        if re.fullmatch(r"[A-Za-z0-9 .,&'-]+", t):  # an English rendering of the name
            continue
        cands.append((i, t, b))
    if not cands:
        return meta_title
    # Prominence: a heading or large type beats plain text; earlier beats later.
    i0, t0, _ = max(
        cands, key=lambda c: (7 - c[2].heading if c[2].heading else 0, c[2].size, -c[0])
    )
    title = t0
    nxt = [c for c in cands if c[0] == i0 + 1]
    if nxt and ("·" in nxt[0][1] or nxt[0][2].size > 1.2) and width(nxt[0][1]) <= 24:
        title = f"{t0}·{nxt[0][1]}"
    # The document-info title often has the full printed name ("科技参考·产业科技动态"):
    # use it when every part of it is printed in the masthead.
    if (
        meta_title
        and squash(meta_title).startswith(squash(t0))
        and squash(meta_title) in "".join(squash(c[1]) for c in cands)
    ):
        title = meta_title
    return title
