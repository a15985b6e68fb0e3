/* huikan search page's drawing: result titles and snippets with the query's words marked,
 * the trend chart above the results, and the help shown when nothing matched. Everything
 * is built with textContent / DOM nodes: no untrusted string is parsed as HTML.
 * window.huikanSearchView, used by static/search.js.
 */
(function () {
  "use strict";
  var core = window.huikanSearchCore;
  var trend = window.huikanSearchTrend;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  /* Intervals [start, end) in `text` (original indices) where any needle occurs. */
  function findAll(text, needles) {
    var nm = core.normMap(text);
    var spans = [];
    needles.forEach(function (n) {
      if (!n) return;
      var from = 0;
      var at;
      while ((at = nm.norm.indexOf(n, from)) >= 0) {
        var s = nm.map[at];
        var last = nm.map[at + n.length - 1];
        var e = last + (text.codePointAt(last) > 0xffff ? 2 : 1);
        spans.push([s, e]);
        from = at + n.length;
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    spans.forEach(function (sp) {
      var top = merged[merged.length - 1];
      if (top && sp[0] <= top[1]) top[1] = Math.max(top[1], sp[1]);
      else merged.push(sp.slice());
    });
    return merged;
  }

  function needlesFor(parts, words, text) {
    var levels = [
      parts.map(function (p) { return p.norm; }),
      words.map(function (w) { return w.term; }),
      [].concat.apply([], parts.map(function (p) { return p.grams.map(function (g) { return g.term; }); })),
    ];
    for (var i = 0; i < levels.length; i++) {
      var spans = findAll(text, levels[i]);
      if (spans.length) return spans;
    }
    return [];
  }

  function marked(text, spans, from, to) {
    var frag = document.createDocumentFragment();
    var pos = from;
    spans.forEach(function (sp) {
      var s = Math.max(sp[0], from);
      var e = Math.min(sp[1], to);
      if (e <= s) return;
      if (s > pos) frag.appendChild(document.createTextNode(text.slice(pos, s)));
      frag.appendChild(el("mark", null, text.slice(s, e)));
      pos = e;
    });
    if (pos < to) frag.appendChild(document.createTextNode(text.slice(pos, to)));
    return frag;
  }

  function snippet(text, spans) {
    var before = 36;
    var length = 120;
    var start = spans.length ? Math.max(0, spans[0][0] - before) : 0;
    var end = Math.min(text.length, start + length);
    if (end - start < length) start = Math.max(0, end - length);
    if (start > 0 && /[\udc00-\udfff]/.test(text[start])) start -= 1;
    if (end < text.length && /[\udc00-\udfff]/.test(text[end])) end += 1;
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(marked(text.replace(/\s+/g, " "), spans, start, end));
    if (end < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Matching articles per month (per year for long ranges) above the results, from their
   * months (`keys`): inline SVG, one link per bar (aria-label "2024年4月：3 篇") to
   * href(period); a click calls choose(period) — that period only, or "" (every period) on
   * the chosen bar, st.period. Same geometry as trend.py (cluster pages). null: no bars. */
  function trendFigure(keys, st, href, choose) {
    var t = trend.trendBins(keys);
    if (!t.bins.length) return null;
    var g = trend.trendGeometry(t);
    var fig = el("figure", "trend");
    var capId = "search-trend-caption";
    var cap = el("figcaption", "trend-caption", (t.unit === "year" ? "按年份" : "按月份") + "统计的文章数，点击柱形只看该时期");
    cap.id = capId;
    fig.appendChild(cap);
    var scroll = el("div", "trend-scroll");
    var chart = svg("svg", {
      class: "trend-chart",
      width: g.width,
      height: g.height,
      viewBox: "0 0 " + g.width + " " + g.height,
      role: "group",
      "aria-labelledby": capId,
    });
    chart.appendChild(svg("line", { class: "trend-axis", x1: 0, x2: g.width, y1: g.base + 0.5, y2: g.base + 0.5 }));
    g.bars.forEach(function (b) {
      if (!b.count) return;
      var selected = st.period === b.period;
      var a = svg("a", {
        class: "trend-bar" + (selected ? " is-selected" : ""),
        href: href(selected ? "" : b.period),
        "aria-label": b.label + "：" + b.count + " 篇" + (selected ? "（已选中，再次点击显示全部时期）" : ""),
      });
      if (selected) a.setAttribute("aria-current", "true");
      a.appendChild(svg("title", {}, b.label + "：" + b.count + " 篇"));
      a.appendChild(svg("rect", { class: "trend-hit", x: b.x, y: 0, width: b.slot, height: g.base }));
      a.appendChild(svg("rect", { class: "trend-fill", x: b.x + b.pad, y: b.y, width: b.w, height: b.h }));
      a.appendChild(svg("text", { class: "trend-count", x: b.cx, y: b.y - 3, "text-anchor": "middle" }, String(b.count)));
      a.setAttribute("data-count", b.count);
      a.setAttribute("data-period", b.period);
      a.addEventListener("click", function (e) {
        e.preventDefault();
        choose(selected ? "" : b.period);
      });
      chart.appendChild(a);
    });
    g.ticks.forEach(function (tk) {
      chart.appendChild(svg("text", { class: "trend-tick", x: tk.x, y: g.height - 4, "aria-hidden": "true" }, tk.text));
    });
    scroll.appendChild(chart);
    fig.appendChild(scroll);
    if (st.period) {
      var clear = el("button", "link-button trend-clear", "显示全部时期（当前：" + trend.periodLabel(st.period === "-" ? "" : st.period) + "）");
      clear.type = "button";
      clear.addEventListener("click", function () {
        choose("");
      });
      fig.appendChild(clear);
    }
    return fig;
  }

  /* One result: its linked title and snippet with the query's words marked, its date,
   * cluster and bulletin; `root` the site's root URL (the record's url is relative to it). */
  function resultItem(d, h, res, root) {
    var art = el("article");
    var h2 = el("h2", "result-title");
    var a = el("a", "result-link");
    a.href = new URL(d.url, root).href;
    a.appendChild(marked(d.title, needlesFor(res.parts, res.words, d.title), 0, d.title.length));
    h2.appendChild(a);
    art.appendChild(h2);
    var meta = el("p", "result-meta");
    var cluster = res.manifest.clusters[d.cluster];
    [trend.formatDate(d.date), cluster ? cluster[0] : "", d.bulletin].forEach(function (t) {
      if (t) meta.appendChild(el("span", null, t));
    });
    art.appendChild(meta);
    var text = d.text || "";
    var p = el("p", "result-snippet");
    p.appendChild(snippet(text, needlesFor(res.parts, res.words, text)));
    art.appendChild(p);
    if (h.exact < 0) art.appendChild(el("p", "result-note", "包含全部关键字，但不是连在一起的。"));
    return art;
  }

  /* What to try when nothing matched, drawn into `box`: clear the filters, drop the quotes,
   * one word of the query, a shorter known word; then the clusters to browse. `go(q)` runs
   * query q with no filters (q null: the same query). */
  function emptyHelp(box, res, st, root, go) {
    box.appendChild(el("h2", null, "没有找到结果"));
    var ul = el("ul");
    function link(label, q, extra) {
      var li = el("li");
      if (extra) li.appendChild(document.createTextNode(extra));
      var a = el("a", null, label);
      var params = new URLSearchParams();
      params.set("q", q);
      a.href = "?" + params.toString();
      a.addEventListener("click", function (e) {
        e.preventDefault();
        go(q);
      });
      li.appendChild(a);
      ul.appendChild(li);
    }
    if ((st.cluster || st.year || st.period) && res.all.length) {
      var li = el("li");
      var b = el("button", "link-button", "清除筛选条件（共有 " + res.all.length + " 篇结果）");
      b.type = "button";
      b.addEventListener("click", function () {
        go(null);
      });
      li.appendChild(b);
      ul.appendChild(li);
    }
    if (res.parts.some(function (p) { return p.quoted; })) {
      link("去掉引号再搜", res.parts.map(function (p) { return p.text; }).join(" "), "不要求精确短语：");
    }
    if (res.parts.length > 1) {
      res.parts.forEach(function (p) { link(p.text, p.text, "只搜一个词："); });
    }
    var seen = new Set();
    res.words.forEach(function (w) {
      if (w.long && !seen.has(w.term) && res.parts.every(function (p) { return p.norm !== w.term; })) {
        seen.add(w.term);
        link(w.term, w.term, "试试更短的词：");
      }
    });
    ul.appendChild(el("li", null, "检查是否有错别字，或换一个更常用的说法、更短的关键词。"));
    box.appendChild(ul);
    var clusters = res.manifest.clusters.filter(function (c) { return c[0] !== "综合"; });
    if (clusters.length) {
      var p = el("p", "search-topics", "按产业集群浏览：");
      clusters.forEach(function (c, i) {
        if (i) p.appendChild(document.createTextNode("、"));
        var a = el("a", null, c[0]);
        a.href = new URL("clusters/" + c[1] + "/", root).href;
        p.appendChild(a);
      });
      box.appendChild(p);
    }
  }

  window.huikanSearchView = {
    el: el,
    needlesFor: needlesFor,
    marked: marked,
    snippet: snippet,
    trendFigure: trendFigure,
    resultItem: resultItem,
    emptyHelp: emptyHelp,
  };
})();
