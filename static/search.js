/* huikan search page: loads only the index shards a query's terms live in, ranks with lunr's
 * scoring (static/search-rank.js for every match, lunr.js for those on screen), shows results
 * as you type. Exposes window.huikanSearch(query, {limit}) → Promise of
 * [{url, title, score}] with the ranking the page shows.
 *
 * Ranking: every query part must match (its character bigrams are required lunr clauses, so
 * a query never fails because jieba cut the article differently); jieba words found in the
 * query are optional clauses that lift articles using them as words. Results are ordered
 * (1) the query in the title, (2) the exact query string in the text, (3) all its characters
 * but not verified as one string, then by lunr score and date. Whether a result contains the
 * exact string is read off the postings when possible, otherwise checked against the stored
 * text for the results on screen ("quoted" parts: for every candidate, and misses dropped).
 *
 * Everything shown is built with textContent / DOM nodes: no untrusted string is parsed as
 * HTML.
 */
(function () {
  "use strict";
  var core = window.huikanSearchCore;
  var rank = window.huikanSearchRank;
  var lunr = window.lunr;
  var WINDOW = 20; // results whose exactness is checked against the stored text, by default
  var PAGE = 10; // results shown at first and per "显示更多结果": their records are fetched then
  var DEBOUNCE_MS = 180;

  /* ---------------------------------------------------------------- engine ---------- */
  function Engine(indexUrl) {
    this.base = new URL(indexUrl, document.baseURI);
    this._manifest = null;
    this._checked = 0; // when the manifest was last fetched or compared (Date.now())
    this._shards = new Map();
    this._groups = new Map();
    this._docs = new Map();
    this._facets = null;
    this._postings = new Map();
  }

  /* `cache`: how the HTTP cache may answer (the manifest names this build's files, so it is
   * revalidated, "no-cache", or fetched whole, "reload"); the other files' URLs carry their
   * version, so the cache may answer for them. */
  function fetchJSON(url, cache) {
    var init = { credentials: "same-origin" };
    if (cache) init.cache = cache;
    return fetch(url, init).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function memo(map, key, make) {
    var p = map.get(key);
    if (!p) {
      p = make().catch(function (e) {
        map.delete(key); // let a later query retry
        throw e;
      });
      map.set(key, p);
    }
    return p;
  }

  /* A page left open while the site is rebuilt holds the old build's manifest, and the
   * files it names are gone or hold the new build's terms. A search more than RECHECK_MS
   * after the last look asks for the manifest again, or at once when a search failed; a new
   * build's manifest drops everything fetched under the old one, and the page runs the
   * search again. The look is not a conditional request: a rebuild within the second of the
   * last has the same Last-Modified, and a server whose only validator that is answers 304.
   * It fetches the manifest whole (a few kB) and stores it in the HTTP cache for the
   * next manifest(). */
  Engine.RECHECK_MS = 60000;

  function buildOf(m) {
    return [m.format, m.dv, m.fv, m.t2s, m.docs, JSON.stringify(m.segs)].join("|");
  }

  Engine.prototype.reset = function () {
    this._manifest = null;
    this._t2s = null;
    this._facets = null;
    this._shards.clear();
    this._groups.clear();
    this._docs.clear();
    this._postings.clear();
  };

  /* Resolves to true when the site was rebuilt since the manifest in hand was fetched (the
   * engine is then reset); `now`: look even if the last look is recent. */
  Engine.prototype.recheck = function (now) {
    var self = this;
    var old = this._manifest;
    if (!old || (!now && Date.now() - this._checked < Engine.RECHECK_MS)) {
      return Promise.resolve(false);
    }
    this._checked = Date.now();
    var url = new URL("manifest.json", this.base);
    return Promise.all([old, fetchJSON(url, "reload")]).then(
      function (ms) {
        if (buildOf(ms[0]) === buildOf(ms[1])) return false;
        if (self._manifest === old) self.reset();
        return true;
      },
      function () {
        return false; // offline, or the old manifest itself had failed: nothing to compare
      }
    );
  };

  Engine.prototype.manifest = function () {
    var self = this;
    if (!this._manifest) {
      this._checked = Date.now();
      this._manifest = fetchJSON(new URL("manifest.json", this.base), "no-cache").then(function (m) {
        m.bounds = m.dirs ? m.dirs.split(" ") : []; // directory j covers [bounds[j-1], bounds[j])
        core.registerPipeline(lunr);
        return m;
      });
      this._manifest.catch(function () {
        self._manifest = null;
      });
    }
    return this._manifest;
  };

  /* Directory j (g/<j>.json), one for all segments: per segment s, {k: its shard holding
   * the range's lowest term, separators: its shards' separators inside the range}. */
  Engine.prototype.group = function (m, j) {
    var base = this.base;
    return memo(this._groups, j, function () {
      return fetchJSON(new URL("g/" + j + ".json?v=" + m.dv, base)).then(function (d) {
        return d.k.map(function (k, s) {
          return { k: k, separators: d.seps[s] ? d.seps[s].split(" ") : [] };
        });
      });
    });
  };

  /* The shards of every segment holding `ranges` (core.termRanges): the directories the
   * manifest points to, fetched in parallel, then the shards they point to, in parallel. */
  Engine.prototype.shardsFor = function (m, ranges) {
    var self = this;
    var groups = core.groupsFor(ranges, m.bounds);
    return Promise.all(
      groups.map(function (j) {
        return self.group(m, j);
      })
    ).then(function (dirs) {
      var byGroup = new Map(groups.map(function (j, i) { return [j, dirs[i]]; }));
      return Promise.all(
        m.segs.map(function (seg, s) {
          var dirOf = function (j) { return byGroup.get(j)[s]; };
          return Promise.all(
            core.shardsFor(ranges, m.bounds, dirOf).map(function (k) {
              return self.shard(m, s, k);
            })
          );
        })
      );
    }).then(function (perSegment) {
      return [].concat.apply([], perSegment);
    });
  };

  /* Shard k of segment s (each segment of documents has its own term shards). */
  Engine.prototype.shard = function (m, s, k) {
    var base = this.base;
    return memo(this._shards, s + "/" + k, function () {
      return fetchJSON(new URL("i/" + s + "/" + k + ".json?v=" + m.segs[s][2], base)).then(function (sh) {
        sh.s = s;
        sh.key = s + "/" + k;
        sh.terms = new Set(sh.t);
        return sh;
      });
    });
  };

  /* The segment holding document `id` (segments are consecutive, of several sizes). */
  function segmentOf(m, id) {
    var lo = 0;
    var hi = m.segs.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (m.segs[mid][0] <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /* The stored article `id` (title, url, date, cluster, bulletin, text); the store keeps
   * m.store consecutive articles per file, in the folder of their segment. */
  Engine.prototype.doc = function (m, id) {
    var base = this.base;
    var size = m.store || 1;
    var chunk = Math.floor(id / size);
    return memo(this._docs, chunk, function () {
      var s = segmentOf(m, chunk * size);
      var url = "i/" + s + "/d" + chunk + ".json?v=" + m.segs[s][2]; // the segment's version
      return fetchJSON(new URL(url, base)).then(function (c) {
        c.docs.forEach(function (d, i) {
          d.id = chunk * size + i;
        });
        return c.docs;
      });
    }).then(function (docs) {
      var d = docs[id - chunk * size];
      if (d.normTitle === undefined) {
        d.normTitle = core.squash(d.title);
        d.normText = core.squash(d.text);
      }
      return d;
    });
  };

  /* The traditional → simplified map (search/t2s.json), fetched the first time a query has a
   * term the index lacks. */
  Engine.prototype.t2s = function (m) {
    if (!this._t2s) {
      var self = this;
      this._t2s = fetchJSON(new URL("t2s.json?v=" + m.t2s, this.base));
      this._t2s.catch(function () {
        self._t2s = null;
      });
    }
    return this._t2s;
  };

  Engine.prototype.facets = function (m) {
    if (!this._facets) {
      var self = this;
      this._facets = fetchJSON(new URL("facets.json?v=" + m.fv, this.base)).then(function (f) {
        var at = 0; // [month, documents] in document order → [month, first, last]
        f.months = f.months.map(function (r) {
          at += r[1];
          return [r[0], at - r[1], at - 1];
        });
        return f;
      });
      this._facets.catch(function () {
        self._facets = null;
      });
    }
    return this._facets;
  };

  /* The postings of a query's terms (its exact terms and the terms under its prefixes),
   * decoded, with lunr's expansion of its prefixes; kept for the next keystrokes. */
  Engine.prototype.postings = function (m, shards, exact, prefixes) {
    var key = Array.from(exact).sort().join(" ") + "|" + prefixes.slice().sort().join(" ");
    var q = this._postings.get(key);
    if (!q) {
      var keep = function (t) {
        if (exact.has(t)) return true;
        for (var i = 0; i < prefixes.length; i++) if (t.lastIndexOf(prefixes[i], 0) === 0) return true;
        return false;
      };
      var dec = rank.decodePostings(shards, m, keep);
      q = { dec: dec, expand: rank.lunrExpander(lunr, dec.terms) };
      if (this._postings.size > 32) this._postings.delete(this._postings.keys().next().value);
      this._postings.set(key, q);
    }
    return q;
  };

  /* The query's clauses, in the order lunr receives them: each part's character bigrams
   * required (a lone character: every term it begins), the vocabulary words found in it
   * optional, the longest boosted; a 来源: / 作者: … prefix restricts the part to that field. */
  function queryClauses(parts) {
    var out = [];
    parts.forEach(function (p) {
      var fields = p.field ? [p.field] : null;
      p.grams.forEach(function (g) {
        out.push({ term: g.term, prefix: g.prefix, fields: fields, boost: 1, required: true });
      });
      p.words.forEach(function (w) {
        out.push({ term: w.term, prefix: false, fields: fields, boost: w.long ? 3 : 1, required: false });
      });
    });
    return out;
  }

  function lunrQuery(q, clauses) {
    clauses.forEach(function (c) {
      var o = {
        presence: c.required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
        wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
        usePipeline: !c.prefix,
        boost: c.boost,
      };
      if (c.fields) o.fields = c.fields; // lunr wants no `fields` key for all fields
      q.term(c.term, o);
    });
  }

  /* A month key ("2024-04", "2024" or "") is in a period ("2024-04", "2024", or "-" for
   * articles without a date). */
  function inPeriod(key, period) {
    return period === "-" ? !key : !!key && (key === period || key.lastIndexOf(period + "-", 0) === 0);
  }

  function rangeKey(ranges, id) {
    var lo = 0;
    var hi = ranges.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ranges[mid][1] <= id) lo = mid;
      else hi = mid - 1;
    }
    return ranges.length ? ranges[lo][0] : "";
  }

  function yearOf(m, id) {
    var ys = m.years;
    var lo = 0;
    var hi = ys.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (ys[mid][1] <= id) lo = mid;
      else hi = mid - 1;
    }
    return ys.length ? ys[lo][0] : "";
  }

  /* Which vocabulary words does a part contain? Longest matches (greedy, left to right) get
   * a higher boost than the shorter words inside them. */
  function partWords(part, hasTerm) {
    var words = part.candidates.filter(hasTerm);
    var longest = new Set();
    var runs = part.norm.match(/[\p{L}\p{N}]+/gu) || [];
    runs.forEach(function (run) {
      var c = Array.from(run);
      var i = 0;
      while (i < c.length) {
        var best = 0;
        for (var n = Math.min(c.length - i, 16); n >= core.MIN_WORD; n--) {
          if (hasTerm(c.slice(i, i + n).join(""))) {
            best = n;
            break;
          }
        }
        if (best) {
          longest.add(c.slice(i, i + best).join(""));
          i += best;
        } else i += 1;
      }
    });
    longest.add(part.norm); // a whole Latin compound (car-t) is one match too
    return words.map(function (w) {
      return { term: w, long: longest.has(w) };
    });
  }

  /* rank()'s view of match data (docs, bitmap, under; see judge) made from lunr.js results:
   * what each result's matchData holds. */
  function lunrMatches(results, size) {
    var docs = results.map(function (r) { return +r.ref; });
    var mds = results.map(function (r) { return r.matchData.metadata; });
    return {
      docs: docs,
      under: function (prefix) {
        var terms = new Set();
        mds.forEach(function (md) {
          Object.keys(md).forEach(function (t) {
            if (t.lastIndexOf(prefix, 0) === 0) terms.add(t);
          });
        });
        return Array.from(terms);
      },
      bitmap: function (terms, field) {
        var list = typeof terms === "string" ? [terms] : terms;
        var map = new Uint8Array(size);
        mds.forEach(function (md, i) {
          if (list.some(function (t) { return md[t] && (field === null || md[t][field]); })) map[docs[i]] = 1;
        });
        return map;
      },
    };
  }

  /* Fields where a hit counts as "the query in the title": the title and the article's
   * cluster (its name and aliases: 集成电路 finds every article tagged 集成电路与ICT first). */
  var TOP_FIELDS = ["title", "cluster"];

  function topFields(part) {
    return part.field ? TOP_FIELDS.filter(function (f) { return f === part.field; }) : TOP_FIELDS;
  }

  /* Per part, for every document of `r.docs`: exact (1 yes, 0 unknown, -1 no) and title (1
   * yes, 0 likely, -1 no), kept as Int8Arrays by document number; `apply(h)` gives result h
   * its classes from them (summarise does the same from parts checked against the text).
   * `r` is match data (rank()'s, or lunrMatches' of lunr.js results): `r.bitmap(term or
   * terms, field or null)` → Uint8Array by document, 1 where the document matched the term
   * (any of the terms) in that field (in any field); `r.under(prefix)` → the terms under a
   * prefix. Arrays, not an object per result: a 10,000-result query made 10,000 sets of
   * closures and objects. */
  function judge(parts, r, size) {
    var out = parts.map(function (p) {
      var top = topFields(p);
      var short = p.single && Array.from(p.norm).length <= 2;
      var terms = p.grams.map(function (g) { return g.prefix ? r.under(g.term) : g.term; });
      var inTop = top.map(function (f) {
        return terms.map(function (t) { return r.bitmap(t, f); });
      });
      var whole = r.bitmap(p.norm, null);
      var wholeTop = top.map(function (f) { return r.bitmap(p.norm, f); });
      var exact = new Int8Array(size);
      var title = new Int8Array(size);
      for (var i = 0; i < r.docs.length; i++) {
        var d = r.docs[i];
        var inTitle = false;
        for (var k = 0; k < inTop.length && !inTitle; k++) {
          var every = true;
          for (var j = 0; j < inTop[k].length && every; j++) every = inTop[k][j][d] === 1;
          inTitle = every;
        }
        var wTop = false;
        for (k = 0; k < wholeTop.length; k++) wTop = wTop || wholeTop[k][d] === 1;
        exact[d] = short || whole[d] ? 1 : 0;
        title[d] = inTitle ? (short || (whole[d] && wTop) ? 1 : 0) : -1;
      }
      return { exact: exact, title: title };
    });
    var quoted = parts.some(function (p) { return p.quoted; });
    return {
      /* A result's classes: its parts' lowest (and, for a query with a "quoted" part, whose
       * misses are dropped, the parts themselves). */
      apply: function (h) {
        h.exact = 1;
        h.title = 1;
        for (var k = 0; k < out.length; k++) {
          h.exact = Math.min(h.exact, out[k].exact[h.id]);
          h.title = Math.min(h.title, out[k].title[h.id]);
        }
        h.cls = classify(h);
        h.parts = quoted ? out.map(function (j) { return { exact: j.exact[h.id], title: j.title[h.id] }; }) : null;
      },
    };
  }

  /* 0: the query (likely) in the title; 1: in the text; 2: all its characters, but checked
   * against the stored text and not as one string. Checking only ever moves a result down,
   * so checking the top n gives the same first n whatever n is. */
  function classify(h) {
    if (h.exact < 0) return 2;
    return h.title >= 0 ? 0 : 1;
  }

  function order(a, b) {
    return a.cls - b.cls || b.score - a.score || b.id - a.id;
  }

  function summarise(h) {
    h.exact = Math.min.apply(null, h.parts.map(function (p) { return p.exact; }));
    h.title = Math.min.apply(null, h.parts.map(function (p) { return p.title; }));
    h.cls = classify(h);
  }

  /* The stored article's text of each index field, normalised (as the index saw it). */
  function fieldTexts(m, doc) {
    if (!doc.norm) {
      var c = m.clusters[doc.cluster] || [];
      doc.norm = {
        title: doc.normTitle,
        body: doc.normText,
        cluster: core.squash([c[0] || ""].concat(c[2] || []).join("、")),
        column: core.squash(doc.column || ""),
        source: core.squash(doc.source || ""),
        byline: core.squash(doc.byline || ""),
        bulletin: core.squash(doc.bulletin || ""),
      };
    }
    return doc.norm;
  }

  function verifyWith(h, doc, parts, m) {
    var texts = fieldTexts(m, doc);
    h.parts = parts.map(function (p) {
      var has = function (f) { return texts[f].indexOf(p.norm) >= 0; };
      var inTitle = topFields(p).some(has);
      var exact = inTitle || (p.field ? has(p.field) : Object.keys(texts).some(has));
      return { exact: exact ? 1 : -1, title: inTitle ? 1 : -1 };
    });
    h.verified = true;
    summarise(h);
  }

  /* The whole ranking; `opts.cluster` (slug) and `opts.year` filter it. Returns
   * {parts, words, all, hits, manifest}: `all` before filters (for facet counts). */
  Engine.prototype.search = function (query, opts) {
    opts = opts || {};
    var self = this;
    var parts = core.parseQuery(query);
    return this.manifest().then(function (m) {
      if (!parts.length) return { parts: parts, words: [], all: [], hits: [], manifest: m };
      // every term's shard in every segment, through the directories
      return self.shardsFor(m, core.termRanges(parts)).then(function (shards) {
        // a term the query looked up is in the index if its shard in some segment holds it
        function hasTerm(t) {
          return shards.some(function (sh) { return sh.terms.has(t); });
        }
        if (!opts.simplified && missing(parts, shards, hasTerm)) {
          // a term the index lacks: try the query in simplified characters (集成電路)
          return self.t2s(m).then(function (t2s) {
            var simplified = core.toSimplified(core.normalize(query), t2s);
            if (simplified === core.normalize(query)) return null;
            return self.search(simplified, Object.assign({}, opts, { simplified: simplified }));
          }).then(function (res) {
            return res || self._run(m, parts, shards, hasTerm, opts);
          });
        }
        return self._run(m, parts, shards, hasTerm, opts);
      });
    });
  };

  /* Does a required gram (or prefix character) of the query occur nowhere in the index? */
  function missing(parts, shards, hasTerm) {
    return parts.some(function (p) {
      return p.grams.some(function (g) {
        if (!g.prefix) return !hasTerm(g.term);
        return !shards.some(function (s) {
          return s.t.some(function (t) { return t.lastIndexOf(g.term, 0) === 0; });
        });
      });
    });
  }

  Engine.prototype._run = function (m, parts, shards, hasTerm, opts) {
    var self = this;
    var words = [];
    parts.forEach(function (p) {
      p.words = partWords(p, hasTerm);
      words = words.concat(p.words);
    });
    var clauses = queryClauses(parts);
    var exact = new Set();
    var prefixes = [];
    clauses.forEach(function (c) {
      if (c.prefix) prefixes.push(c.term);
      else exact.add(c.term);
    });
    var q = self.postings(m, shards, exact, prefixes);
    var r = rank.rank(q.dec, m, clauses, q.expand);
    var judged = judge(parts, r, m.docs + 1);
    var all = new Array(r.docs.length);
    for (var i = 0; i < all.length; i++) {
      // every property a result ever gets, from the start: one object shape for the sort
      var h = { id: r.docs[i], score: r.scores[i], exact: 1, title: 1, cls: 0, parts: null, year: "", cluster: -1, month: "", verified: false, lunr: false };
      judged.apply(h);
      all[i] = h;
    }
    all.sort(order);
    return self._finish(m, parts, words, all, opts, { dec: q.dec, clauses: clauses });
  };

  Engine.prototype._finish = function (m, parts, words, all, opts, ranked) {
    var self = this;
    var needFacets = !!opts.cluster || !!opts.period || opts.facets;
    return Promise.resolve(needFacets ? self.facets(m) : null)
      .then(function (facets) {
        all.forEach(function (h) {
          h.year = yearOf(m, h.id);
          h.cluster = facets ? facets.cluster.charCodeAt(h.id) - 48 : -1; // CLUSTER_CHAR
          h.month = facets && facets.months ? rangeKey(facets.months, h.id) : h.year;
        });
        var ci = -1;
        if (opts.cluster) {
          ci = m.clusters.findIndex(function (c) { return c[1] === opts.cluster; });
        }
        // `trend`: the results the chart counts (every filter but the period's)
        var trend = all.filter(function (h) {
          return (!opts.cluster || h.cluster === ci) && (!opts.year || h.year === opts.year);
        });
        var hits = trend.filter(function (h) {
          return !opts.period || inPeriod(h.month, opts.period);
        });
        var res = { parts: parts, words: words, all: all, hits: hits, trend: trend, manifest: m, facets: facets, ranked: ranked };
        if (opts.simplified) res.simplified = opts.simplified;
        return self.settle(res, opts.window === undefined ? WINDOW : opts.window);
      });
  };

  /* A bug, never a user's mistake: say so where the browser tests (and developers) look. */
  function disagree(what) {
    if (window.console) window.console.error("huikan search: rank() and lunr.js disagree on " + what);
  }

  /* lunr.js scores the first `n` results (those on screen): from an index of those documents
   * alone, with the same clauses (idf counts every posting, so leaving documents out changes
   * no score). rank() computed the same numbers for every result — tests/test_search_js.py
   * holds it to that — so the order only moves if the two ever disagreed. */
  Engine.prototype._lunrWindow = function (res, n) {
    var parts = res.parts;
    for (;;) {
      var todo = res.hits.slice(0, n).filter(function (h) { return !h.lunr; });
      if (!todo.length || !res.ranked) return;
      var only = new Uint8Array(res.manifest.docs + 1);
      var byId = new Map();
      todo.forEach(function (h) {
        only[h.id] = 1;
        byId.set(h.id, h);
        h.lunr = true;
      });
      var idx = lunr.Index.load(rank.toLunr(res.ranked.dec, res.manifest, only));
      var results = idx.query(function (q) { lunrQuery(q, res.ranked.clauses); });
      var judged = judge(parts, lunrMatches(results, only.length), only.length);
      results.forEach(function (r) {
        var h = byId.get(+r.ref);
        var was = [h.score, h.cls];
        h.score = r.score;
        if (!h.verified) judged.apply(h);
        if (h.score !== was[0] || h.cls !== was[1]) disagree("document " + h.id);
      });
      if (results.length !== todo.length) disagree((todo.length - results.length) + " documents lunr.js does not return");
      res.hits.sort(order);
    }
  };

  Engine.prototype._verify = function (m, parts, all, hits) {
    var self = this;
    return Promise.all(
      hits.map(function (h) {
        return self.doc(m, h.id).then(function (d) {
          verifyWith(h, d, parts, m);
        });
      })
    ).then(function () {
      all.sort(order);
    });
  };

  /* Check the first `n` results against the stored text until they no longer move; results
   * missing a "quoted" part are dropped. Resolves to `res` (its hits re-ordered). */
  Engine.prototype.settle = function (res, n) {
    var self = this;
    var parts = res.parts;
    // the first n results' records are wanted soon, to verify or to show: fetch them now,
    // while lunr.js re-scores the window (the fetches overlap that work instead of
    // following it; a failed one is fetched again when it is needed)
    res.hits.slice(0, n).forEach(function (h) {
      self.doc(res.manifest, h.id).catch(function () {});
    });
    var quoted = parts.some(function (p) { return p.quoted; });
    function exactQuotes(h) {
      return parts.every(function (p, i) { return !p.quoted || h.parts[i].exact !== -1; });
    }
    function round() {
      self._lunrWindow(res, n);
      var todo = res.hits.slice(0, n).filter(function (h) {
        return !h.verified && (h.exact === 0 || h.title === 0);
      });
      if (!todo.length) {
        res.approximate = quoted && res.hits.some(function (h) { return !h.verified && h.exact === 0; });
        return Promise.resolve(res);
      }
      return self._verify(res.manifest, parts, res.hits, todo).then(function () {
        if (quoted) {
          res.hits = res.hits.filter(exactQuotes);
          res.all = res.all.filter(exactQuotes);
        }
        return round();
      });
    }
    return round();
  };

  /* ---------------------------------------------------------------- rendering ------- */
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
          self.status.textContent = "搜索索引加载失败，请检查网络后重试。（" + err.message + "）";
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

  /* ---------------------------------------------------------------- trend chart ----- */
  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* Matching articles per month (per year for long ranges) above the results: inline SVG,
   * one link per bar (aria-label "2024年4月：3 篇"); a click shows that period only, a click
   * on the chosen bar shows every period again. Same geometry as trend.py (cluster pages). */
  Page.prototype.renderTrend = function (res, st) {
    var self = this;
    var box = this.trend;
    box.textContent = "";
    var t = core.trendBins(res.trend.map(function (h) { return h.month; }));
    box.hidden = !t.bins.length;
    if (!t.bins.length) return;
    var g = core.trendGeometry(t);
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
        href: self.periodHref(st, selected ? "" : b.period),
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
        self.period = selected ? "" : b.period;
        self.run(true);
      });
      chart.appendChild(a);
    });
    g.ticks.forEach(function (tk) {
      chart.appendChild(svg("text", { class: "trend-tick", x: tk.x, y: g.height - 4, "aria-hidden": "true" }, tk.text));
    });
    scroll.appendChild(chart);
    fig.appendChild(scroll);
    if (st.period) {
      var clear = el("button", "link-button trend-clear", "显示全部时期（当前：" + core.periodLabel(st.period === "-" ? "" : st.period) + "）");
      clear.type = "button";
      clear.addEventListener("click", function () {
        self.period = "";
        self.run(true);
      });
      fig.appendChild(clear);
    }
    box.appendChild(fig);
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
    var art = el("article");
    var h2 = el("h2", "result-title");
    var a = el("a", "result-link");
    a.href = new URL(d.url, this.root).href;
    a.appendChild(marked(d.title, needlesFor(res.parts, res.words, d.title), 0, d.title.length));
    h2.appendChild(a);
    art.appendChild(h2);
    var meta = el("p", "result-meta");
    var date = core.formatDate(d.date);
    var cluster = res.manifest.clusters[d.cluster];
    [date, cluster ? cluster[0] : "", d.bulletin].forEach(function (t) {
      if (t) meta.appendChild(el("span", null, t));
    });
    art.appendChild(meta);
    var text = d.text || "";
    var p = el("p", "result-snippet");
    p.appendChild(snippet(text, needlesFor(res.parts, res.words, text)));
    art.appendChild(p);
    if (h.exact < 0) art.appendChild(el("p", "result-note", "包含全部关键字，但不是连在一起的。"));
    li.textContent = "";
    li.appendChild(art);
  };

  Page.prototype.renderEmpty = function (res, st) {
    var self = this;
    var box = this.empty;
    box.hidden = false;
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
        self.input.value = q;
        self.cluster.value = "";
        self.year.value = "";
        self.period = "";
        self.run(true);
      });
      li.appendChild(a);
      ul.appendChild(li);
    }
    if ((st.cluster || st.year || st.period) && res.all.length) {
      var li = el("li");
      var b = el("button", "link-button", "清除筛选条件（共有 " + res.all.length + " 篇结果）");
      b.type = "button";
      b.addEventListener("click", function () {
        self.cluster.value = "";
        self.year.value = "";
        self.period = "";
        self.run(true);
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
        a.href = new URL("clusters/" + c[1] + "/", self.root).href;
        p.appendChild(a);
      });
      box.appendChild(p);
    }
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
  window.huikanSearchEngine = Engine;
})();
