/* huikan search page: results as you type, with facet counts, a trend chart over time,
 * snippets and help when nothing matched (drawn by static/search-view.js); the engine
 * (static/search-engine.js) finds and ranks them. Exposes window.huikanSearch(query,
 * {limit}) → Promise of [{url, title, score}] with the ranking the page shows.
 *
 * Everything shown is built with textContent / DOM nodes: no untrusted string is parsed as
 * HTML.
 */
(function () {
  "use strict";
  var view = window.huikanSearchView;
  var el = view.el;
  var Engine = window.huikanSearchEngine;
  var PAGE = 10; // results shown at first and per "显示更多结果": their records are fetched then
  var DEBOUNCE_MS = 180;

  /* ---------------------------------------------------------------- page ------------ */
  function Page(app) {
    this.app = app;
    this.engine = new Engine(app.getAttribute("data-index"));
    this.root = new URL(app.getAttribute("data-root") || "../", document.baseURI);
    this.form = app.querySelector("form");
    this.input = app.querySelector("#search-q");
    this.cluster = app.querySelector("#search-cluster");
    this.year = app.querySelector("#search-year");
    this.status = app.querySelector("#search-status");
    this.list = app.querySelector("#search-results");
    this.more = app.querySelector("#search-more");
    this.empty = app.querySelector("#search-empty");
    this.trend = app.querySelector("#search-trend");
    this.seq = 0;
    this.timer = 0;
    this.shown = 0;
    this.result = null;
    this.bind();
    this.fromURL();
  }

  Page.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("submit", function (e) {
      e.preventDefault();
      self.run(true);
    });
    this.input.addEventListener("input", function () {
      self.period = ""; // a chosen period belongs to the previous query's chart
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.run(false); }, DEBOUNCE_MS);
    });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        var first = self.list.querySelector("a");
        if (first) {
          e.preventDefault();
          first.focus();
        }
      } else if (e.key === "Escape" && self.input.value) {
        e.preventDefault();
        self.input.value = "";
        self.run(true);
      }
    });
    [this.cluster, this.year].forEach(function (sel) {
      sel.addEventListener("change", function () { self.run(true); });
    });
    this.list.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(self.list.querySelectorAll("a.result-link"));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      e.preventDefault();
      if (e.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
      else if (e.key === "ArrowDown" && !self.more.hidden) self.more.focus();
      else if (e.key === "ArrowUp") (i > 0 ? links[i - 1] : self.input).focus();
    });
    this.more.addEventListener("click", function () { self.showMore(); });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        self.input.focus();
        self.input.select();
      }
    });
    window.addEventListener("popstate", function () { self.fromURL(); });
  };

  Page.prototype.fromURL = function () {
    var params = new URLSearchParams(location.search);
    this.input.value = params.get("q") || "";
    this.wanted = { cluster: params.get("cluster") || "", year: params.get("year") || "" };
    this.period = params.get("period") || "";
    this.run(false, true);
  };

  /* The query and filters: from the URL on load and on back/forward (the filter menus are
   * filled only once results arrive), from the form otherwise. */
  Page.prototype.state = function (fromURL) {
    var w = fromURL && this.wanted;
    return {
      q: this.input.value.trim(),
      cluster: w ? w.cluster : this.cluster.value,
      year: w ? w.year : this.year.value,
      period: this.period || "",
    };
  };

  Page.prototype.syncURL = function (st, push) {
    var params = new URLSearchParams();
    if (st.q) params.set("q", st.q);
    if (st.cluster) params.set("cluster", st.cluster);
    if (st.year) params.set("year", st.year);
    if (st.period) params.set("period", st.period);
    var qs = params.toString();
    var url = location.pathname + (qs ? "?" + qs : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history[push ? "pushState" : "replaceState"](null, "", url);
    }
  };

  /* `again`: the run after a rebuild was noticed (it does not look a second time). */
  Page.prototype.run = function (push, fromURL, again) {
    var self = this;
    clearTimeout(this.timer);
    var st = this.state(fromURL);
    if (!fromURL) this.syncURL(st, push);
    var header = document.getElementById("site-search-q");
    if (header && document.activeElement !== header) header.value = st.q;
    document.title = (st.q ? st.q + " · " : "") + this.app.getAttribute("data-title");
    var seq = ++this.seq;
    if (!st.q) {
      this.result = null;
      this.clear();
      this.status.textContent = "输入关键词开始搜索，例如：集成电路、新质生产力、\"产教融合共同体\"（加引号表示精确短语）。";
      this.fillFacets(null, st);
      return Promise.resolve();
    }
    this.app.setAttribute("aria-busy", "true");
    this.status.textContent = "正在搜索……";
    var engine = this.engine;
    var rebuilt = again ? Promise.resolve(false) : engine.recheck(false);
    var search = engine.search(st.q, {
      cluster: st.cluster, year: st.year, period: st.period, facets: true, window: PAGE
    });
    var used = engine._manifest; // the manifest this search reads (search() asks for it at once)
    return search
      .then(function (res) {
        if (seq !== self.seq) return;
        self.result = res;
        self.fillFacets(res, st);
        self.clear();
        return self.render(res, st, seq);
      })
      .catch(function (err) {
        if (seq !== self.seq) return;
        // a file the manifest names is gone or does not fit it: was the site rebuilt? The
        // look this run took may already have said so, or another run reset the engine
        // since; else look now.
        rebuilt = rebuilt.then(function (changed) {
          if (changed || again) return changed;
          return engine._manifest !== used || engine.recheck(true);
        });
        return rebuilt.then(function (changed) {
          if (changed || seq !== self.seq) return;
          self.clear();
          self.status.textContent = err.reload
            ? err.message
            : "搜索索引加载失败，请检查网络后重试。（" + err.message + "）";
        });
      })
      .then(function () {
        return rebuilt;
      })
      .then(function (changed) {
        if (seq !== self.seq) return;
        if (changed) return self.run(false, true, true); // the new build's index, from scratch
        self.app.removeAttribute("aria-busy");
      });
  };

  Page.prototype.clear = function () {
    this.list.textContent = "";
    this.empty.textContent = "";
    this.empty.hidden = true;
    this.more.hidden = true;
    this.shown = 0;
    this.trend.textContent = "";
    this.trend.hidden = true;
  };

  Page.prototype.fillFacets = function (res, st) {
    var m = res && res.manifest;
    var counts = { cluster: new Map(), year: new Map() };
    if (res) {
      res.all.forEach(function (h) {
        counts.cluster.set(h.cluster, (counts.cluster.get(h.cluster) || 0) + 1);
        counts.year.set(h.year, (counts.year.get(h.year) || 0) + 1);
      });
    }
    function fill(sel, label, options, value) {
      sel.textContent = "";
      sel.appendChild(el("option", null, label)).value = "";
      options.forEach(function (o) {
        var opt = el("option", null, o.label + "（" + o.count + "）");
        opt.value = o.value;
        sel.appendChild(opt);
      });
      if (value && !options.some(function (o) { return o.value === value; })) {
        var opt = el("option", null, value + "（0）");
        opt.value = value;
        sel.appendChild(opt);
      }
      sel.value = value || "";
      sel.disabled = !res;
    }
    var clusters = m
      ? m.clusters
          .map(function (c, i) { return { value: c[1], label: c[0], count: counts.cluster.get(i) || 0 }; })
          .filter(function (o) { return o.count; })
      : [];
    var years = m
      ? m.years
          .map(function (y) { return y[0]; })
          .filter(function (y, i, a) { return a.indexOf(y) === i; })
          .reverse()
          .map(function (y) { return { value: y, label: y ? y + "年" : "日期不详", count: counts.year.get(y) || 0 }; })
          .filter(function (o) { return o.count; })
      : [];
    fill(this.cluster, "全部产业集群", clusters, st.cluster);
    fill(this.year, "全部年份", years, st.year);
  };

  Page.prototype.render = function (res, st, seq) {
    this.renderTrend(res, st);
    if (!res.hits.length) {
      this.status.textContent = "没有找到与“" + st.q + "”匹配的文章。";
      this.renderEmpty(res, st);
      return Promise.resolve();
    }
    this.count(res, st);
    return this.showMore(seq);
  };

  Page.prototype.count = function (res, st) {
    var text = (res.approximate ? "找到约 " : "找到 ") + res.hits.length + " 篇文章";
    if (st.cluster || st.year || st.period) text += "（筛选前共 " + res.all.length + " 篇）";
    text += "。";
    if (res.simplified) text += "已按简体“" + res.simplified + "”查找。";
    this.status.textContent = text;
  };

  /* The trend chart (static/search-view.js trendFigure): a click on a bar shows that period
   * only, a click on the chosen bar every period again. */
  Page.prototype.renderTrend = function (res, st) {
    var self = this;
    var fig = view.trendFigure(
      res.trend.map(function (h) { return h.month; }),
      st,
      function (period) { return self.periodHref(st, period); },
      function (period) {
        self.period = period;
        self.run(true);
      }
    );
    this.trend.textContent = "";
    this.trend.hidden = !fig;
    if (fig) this.trend.appendChild(fig);
  };

  Page.prototype.periodHref = function (st, period) {
    var params = new URLSearchParams();
    params.set("q", st.q);
    if (st.cluster) params.set("cluster", st.cluster);
    if (st.year) params.set("year", st.year);
    if (period) params.set("period", period);
    return "?" + params.toString();
  };

  Page.prototype.showMore = function (seq) {
    var self = this;
    var res = this.result;
    seq = seq || this.seq;
    if (this.shown) {
      this.more.disabled = true;
      return this.engine.settle(res, this.shown + PAGE).then(function () {
        self.more.disabled = false;
        if (seq !== self.seq) return;
        self.count(res, self.state());
        return self.showSlice(res, seq);
      });
    }
    return this.showSlice(res, seq);
  };

  Page.prototype.showSlice = function (res, seq) {
    var self = this;
    var slice = res.hits.slice(this.shown, this.shown + PAGE);
    this.shown += slice.length;
    var m = res.manifest;
    var items = slice.map(function () {
      var li = el("li", "result is-loading");
      self.list.appendChild(li);
      return li;
    });
    this.more.hidden = this.shown >= res.hits.length;
    return Promise.all(
      slice.map(function (h, i) {
        return self.engine.doc(m, h.id).then(function (d) {
          if (seq !== self.seq) return;
          self.fillItem(items[i], d, h, res);
        });
      })
    );
  };

  Page.prototype.fillItem = function (li, d, h, res) {
    li.className = "result";
    li.textContent = "";
    li.appendChild(view.resultItem(d, h, res, this.root));
  };

  /* No result: say why and offer what to try (static/search-view.js emptyHelp); a
   * suggestion runs its query, "清除筛选条件" (q null) this one without the filters. */
  Page.prototype.renderEmpty = function (res, st) {
    var self = this;
    this.empty.hidden = false;
    view.emptyHelp(this.empty, res, st, this.root, function (q) {
      if (q !== null) self.input.value = q;
      self.cluster.value = "";
      self.year.value = "";
      self.period = "";
      self.run(true);
    });
  };

  /* ---------------------------------------------------------------- API ------------- */
  var app = document.getElementById("search-app");
  var engine = null;
  var page = null;
  if (app) {
    page = new Page(app);
    engine = page.engine;
  }

  var engines = new Map();
  /* `options.index`: the search/ folder's URL, for pages other than the search page. */
  window.huikanSearch = function (query, options) {
    options = options || {};
    var limit = options.limit === undefined ? 20 : options.limit;
    var eng = engine;
    if (!eng || options.index) {
      var key = options.index || "./";
      eng = engines.get(key);
      if (!eng) engines.set(key, (eng = new Engine(key)));
    }
    var opts = { cluster: options.cluster, year: options.year, period: options.period, window: limit };
    return eng.search(query, opts).then(function (res) {
      var top = res.hits.slice(0, limit);
      return Promise.all(
        top.map(function (h) {
          return eng.doc(res.manifest, h.id).then(function (d) {
            return { url: d.url, title: d.title, score: h.score };
          });
        })
      );
    });
  };
})();
