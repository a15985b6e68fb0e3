"""The trend chart: articles per month (per year for long ranges) as bars.

The search page draws it in the browser (``trendBins`` and ``trendGeometry`` in
``static/search-trend.js``) for the matching articles; cluster pages get the same chart
rendered by the template from :func:`trend_chart` — the same rules and the same pixels, so
``tests/test_search_js.py`` compares the two.
"""

from __future__ import annotations

from typing import Any

SPAN_MONTHS = 36  # a longer range is drawn per year
STEP = {"month": 20, "year": 44}  # slot width per bar
PAD = 3  # space on each side of a bar in its slot
TOP = 16  # room above the tallest bar for its count
PLOT = 60  # height of the tallest bar
LABEL = 18  # room below for the axis labels
# narrowest chart: the first axis label ("2024年4月") fits even under one bar (it was cut
# to "202" when a query's articles all fell in one month)
MIN_WIDTH = 72


def month_key(date: str | None) -> str:
    """ "2024-04" for a date in April 2024, "2024" when only the year is known, else ""."""
    date = date or ""
    return date[:7] if len(date) >= 7 else date[:4]


def period_label(key: str) -> str:
    """ "2024-04" → 2024年4月, "2024" → 2024年, "" → 日期不详."""
    if not key:
        return "日期不详"
    return f"{key[:4]}年{int(key[5:7])}月" if len(key) >= 7 else f"{key}年"


def _num(s: str, default: int) -> int:
    return int(s) if s.isdigit() else default


def trend_bins(keys: list[str]) -> dict[str, Any]:
    """{"unit": "month" | "year", "bins": [{"key", "count"}]}: a bin for every month from the
    first to the last (or every year, when they span more than SPAN_MONTHS months or some
    article has only a year), empty ones included; undated articles in a last bin, key ""."""
    dated = sorted(k for k in keys if k)
    undated = len(keys) - len(dated)
    bins: list[dict[str, Any]] = []
    unit = "month"
    if dated:
        first, last = dated[0], dated[-1]
        span = (int(last[:4]) - int(first[:4])) * 12 + _num(last[5:7], 1) - _num(first[5:7], 1)
        unit = "year" if span >= SPAN_MONTHS or any(len(k) < 7 for k in dated) else "month"
        counts: dict[str, int] = {}
        for k in dated:
            key = k[:4] if unit == "year" else k
            counts[key] = counts.get(key, 0) + 1
        y, mo = int(first[:4]), (0 if unit == "year" else int(first[5:7]))
        end = last[:4] if unit == "year" else last
        while True:
            key = str(y) if unit == "year" else f"{y}-{mo:02d}"
            bins.append({"key": key, "count": counts.get(key, 0)})
            if key >= end:
                break
            if unit == "year":
                y += 1
            else:
                mo += 1
                if mo > 12:
                    mo, y = 1, y + 1
    if undated:
        bins.append({"key": "", "count": undated})
    return {"unit": unit, "bins": bins}


def trend_geometry(t: dict[str, Any]) -> dict[str, Any]:
    """Pixels of the chart for :func:`trend_bins`' answer (``trendGeometry`` in the browser)."""
    step = STEP[t["unit"]]
    bins = t["bins"]
    most = max([b["count"] for b in bins] + [1])
    base = TOP + PLOT
    bars = []
    for i, b in enumerate(bins):
        n = b["count"]
        h = max(2, (PLOT * n * 2 + most) // (2 * most)) if n else 0
        bars.append(
            {
                "key": b["key"],
                "period": b["key"] or "-",
                "count": n,
                "label": period_label(b["key"]),
                "x": i * step,
                "slot": step,
                "pad": PAD,
                "w": step - 2 * PAD,
                "h": h,
                "y": base - h,
                "cx": i * step + step / 2,
            }
        )
    ticks = []
    last = -(10**9)
    every = max(1, -(-len(bins) // 12)) if t["unit"] == "year" else 1
    for i, b in enumerate(bins):
        key = b["key"]
        text = ""
        if not key:
            text = "不详"
        elif t["unit"] == "year":
            text = key if i % every == 0 else ""
        elif i == 0:
            text = f"{key[:4]}年" if key[5:7] == "01" else period_label(key)
        elif key[5:7] == "01" and i - last >= 4:
            text = f"{key[:4]}年"
        if text:
            ticks.append({"x": i * step + 1, "text": text})
            last = i
    return {
        "width": max(max(1, len(bins)) * step, MIN_WIDTH),
        "height": base + LABEL,
        "base": base,
        "bars": bars,
        "ticks": ticks,
    }


def trend_chart(dates: list[str | None]) -> dict[str, Any] | None:
    """Bins and geometry for the articles' dates (None when there are none)."""
    keys = [month_key(d) for d in dates]
    if not keys:
        return None
    t = trend_bins(keys)
    return {**t, **trend_geometry(t)}
