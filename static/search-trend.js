/* huikan search trend chart and dates: the months of the matching articles binned into the
 * bars of the chart above the results (by month, by year on long spans), its geometry, and
 * dates written the Chinese way (2024年4月). huikan/search/trend.py draws the same chart for
 * the cluster pages; tests/test_search_js.py holds the two to the same bins and geometry.
 *
 * Pure functions, no DOM: window.huikanSearchTrend on the page, require() in the node tests.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.huikanSearchTrend = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* "2024-04" for a date in April 2024, "2024" when only the year is known, else "". */
  function monthKey(date) {
    date = date || "";
    return date.length >= 7 ? date.slice(0, 7) : date.slice(0, 4);
  }

  /* Bars of the trend chart for the month keys of some articles (as trend.py): one per month
   * from the first to the last, or one per year when they span more than 36 months or some
   * article has only a year; articles without a date in a last bar of their own (key "").
   * → {unit: "month" | "year", bins: [{key, count}]} */
  function trendBins(keys) {
    var dated = keys.filter(function (k) { return k; }).sort();
    var undated = keys.length - dated.length;
    var bins = [];
    var unit = "month";
    if (dated.length) {
      var first = dated[0];
      var last = dated[dated.length - 1];
      var span = (+last.slice(0, 4) - +first.slice(0, 4)) * 12 + (+last.slice(5, 7) || 1) - (+first.slice(5, 7) || 1);
      var yearOnly = dated.some(function (k) { return k.length < 7; });
      unit = span >= 36 || yearOnly ? "year" : "month";
      var counts = Object.create(null);
      dated.forEach(function (k) {
        var key = unit === "year" ? k.slice(0, 4) : k;
        counts[key] = (counts[key] || 0) + 1;
      });
      var y = +first.slice(0, 4);
      var mo = unit === "year" ? 0 : +first.slice(5, 7);
      for (;;) {
        var key = unit === "year" ? String(y) : y + "-" + (mo < 10 ? "0" : "") + mo;
        bins.push({ key: key, count: counts[key] || 0 });
        if (key >= (unit === "year" ? last.slice(0, 4) : last)) break;
        if (unit === "year") y += 1;
        else if (++mo > 12) {
          mo = 1;
          y += 1;
        }
      }
    }
    if (undated) bins.push({ key: "", count: undated });
    return { unit: unit, bins: bins };
  }

  /* "2024-04" → 2024年4月, "2024" → 2024年, "" → 日期不详. */
  function periodLabel(key) {
    if (!key) return "日期不详";
    return key.length >= 7 ? key.slice(0, 4) + "年" + +key.slice(5, 7) + "月" : key + "年";
  }

  /* The chart's geometry (pixels), as trend_geometry in trend.py: a slot per bin, bars scaled
   * to the largest count, x-axis labels at the first bin and each new year. */
  var TREND = { month: 20, year: 44, pad: 3, top: 16, plot: 60, label: 18, minWidth: 72 };

  function trendGeometry(t) {
    var step = TREND[t.unit];
    var most = Math.max.apply(null, t.bins.map(function (b) { return b.count; }).concat([1]));
    var base = TREND.top + TREND.plot;
    var bars = t.bins.map(function (b, i) {
      var h = b.count ? Math.max(2, Math.floor((TREND.plot * b.count * 2 + most) / (2 * most))) : 0;
      return {
        key: b.key,
        period: b.key || "-",
        count: b.count,
        label: periodLabel(b.key),
        x: i * step,
        slot: step,
        pad: TREND.pad,
        w: step - 2 * TREND.pad,
        h: h,
        y: base - h,
        cx: i * step + step / 2,
      };
    });
    var ticks = [];
    var last = -Infinity;
    var every = t.unit === "year" ? Math.max(1, Math.ceil(t.bins.length / 12)) : 1;
    t.bins.forEach(function (b, i) {
      var text;
      if (!b.key) text = "不详";
      else if (t.unit === "year") text = i % every === 0 ? b.key : "";
      else if (i === 0) text = b.key.slice(5, 7) === "01" ? b.key.slice(0, 4) + "年" : periodLabel(b.key);
      else if (b.key.slice(5, 7) === "01" && i - last >= 4) text = b.key.slice(0, 4) + "年";
      if (text) {
        ticks.push({ x: i * step + 1, text: text });
        last = i;
      }
    });
    return {
      width: Math.max(Math.max(1, t.bins.length) * step, TREND.minWidth),
      height: base + TREND.label,
      base: base,
      bars: bars,
      ticks: ticks,
    };
  }

  /* "2024-04" → 2024年4月; "2024-04-05" → 2024年4月5日; "2024" → 2024年. */
  function formatDate(date) {
    var m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(date || "");
    if (!m) return "";
    var s = m[1] + "年";
    if (m[2]) s += parseInt(m[2], 10) + "月";
    if (m[3]) s += parseInt(m[3], 10) + "日";
    return s;
  }

  return {
    monthKey: monthKey,
    trendBins: trendBins,
    periodLabel: periodLabel,
    trendGeometry: trendGeometry,
    formatDate: formatDate,
  };
});
