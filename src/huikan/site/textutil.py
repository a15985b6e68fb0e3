"""Small text helpers for pages: dates as Chinese readers write them, sort keys."""

from __future__ import annotations

import re

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
UNDATED = "未注明日期"


def parse_date(date: str | None) -> tuple[int, int | None, int | None] | None:
    """``"2024-04"`` → ``(2024, 4, None)``; anything malformed → ``None``."""
    m = _DATE.match((date or "").strip())
    if not m:
        return None
    y, mo, d = m.groups()
    return int(y), int(mo) if mo else None, int(d) if d else None


def format_date(date: str | None) -> str:
    """``"2024-04"`` → ``"2024年4月"``, ``"2024-12-31"`` → ``"2024年12月31日"``; ``""`` if none."""
    p = parse_date(date)
    if not p:
        return ""
    y, mo, d = p
    s = f"{y}年"
    if mo:
        s += f"{mo}月"
        if d:
            s += f"{d}日"
    return s


def date_key(date: str | None) -> str:
    """A string that sorts dates chronologically (undated sorts before every date)."""
    p = parse_date(date)
    if not p:
        return ""
    y, mo, d = p
    return f"{y:04d}-{mo or 0:02d}-{d or 0:02d}"


def iso_datetime(date: str | None) -> str | None:
    """An RFC 3339 timestamp for feeds: the start of the (possibly partial) date, in UTC+8."""
    p = parse_date(date)
    if not p:
        return None
    y, mo, d = p
    return f"{y:04d}-{mo or 1:02d}-{d or 1:02d}T00:00:00+08:00"


def w3c_date(date: str | None) -> str | None:
    """``YYYY[-MM[-DD]]`` as the sitemap's W3C datetime (which allows all three precisions)."""
    p = parse_date(date)
    if not p:
        return None
    y, mo, d = p
    s = f"{y:04d}"
    if mo:
        s += f"-{mo:02d}"
        if d:
            s += f"-{d:02d}"
    return s
