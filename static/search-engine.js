/* huikan search engine: looks a query's terms up (static/search-files.js fetches the index
 * files they live in, static/search-postings.js decodes them), ranks every match with lunr's
 * scoring (static/search-rank.js for every match, lunr.js for those on screen) and checks
 * the exact query string against the stored text where the postings cannot tell;
 * static/search-judge.js decides each result's class and the order. No DOM but
 * document.baseURI: window.huikanSearchEngine is the Engine constructor, used by the search
 * page (static/search.js) and the browser tests.
 */
(function () {
  "use strict";
  var core = window.huikanSearchCore;
  var rank = window.huikanSearchRank;
  var postings = window.huikanSearchPostings;
  var J = window.huikanSearchJudge;
  var IndexFiles = window.huikanSearchFiles;
  var lunr = window.lunr;
  var WINDOW = 20; // results whose exactness is checked against the stored text, by default

  /* An IndexFiles (manifest, directories, shards, levels, records, facets) that also keeps
   * the decoded postings of recent queries. */
  function Engine(indexUrl) {
    IndexFiles.call(this, indexUrl);
    this._postings = new Map();
  }
  Engine.prototype = Object.create(IndexFiles.prototype);
  Engine.prototype.constructor = Engine;
  Engine.RECHECK_MS = IndexFiles.RECHECK_MS;

  Engine.prototype.reset = function () {
    IndexFiles.prototype.reset.call(this);
    this._postings.clear();
  };

  /* The postings of a query's terms (its exact terms and the terms under its prefixes),
   * decoded, with lunr's expansion of its prefixes; kept for the next keystrokes. */
  Engine.prototype.postings = function (m, shards, exact, prefixes, scored) {
    var key = Array.from(exact).sort().join(" ") + "|" + prefixes.slice().sort().join(" ") + "|" + scored;
    var q = this._postings.get(key);
    if (!q) {
      var keep = function (t) {
        if (exact.has(t)) return true;
        for (var i = 0; i < prefixes.length; i++) if (t.lastIndexOf(prefixes[i], 0) === 0) return true;
        return false;
      };
      var dec = postings.decodePostings(shards, m, keep);
      q = { dec: dec, expand: rank.lunrExpander(lunr, dec.terms) };
      if (this._postings.size > 32) this._postings.delete(this._postings.keys().next().value);
      this._postings.set(key, q);
    }
    return q;
  };

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

  /* The whole ranking; `opts.cluster` (slug) and `opts.year` filter it. Returns
   * {parts, words, all, hits, manifest}: `all` before filters (for facet counts). */
  Engine.prototype.search = function (query, opts) {
    opts = opts || {};
    var self = this;
    var parts = core.parseQuery(query);
    return this.manifest().then(function (m) {
      if (!parts.length) return { parts: parts, words: [], all: [], hits: [], manifest: m };
      // every term's shard in every segment, through the directories; a frequent sub-word
      // (not a gram) only once it is known to score
      var grams = new Set();
      parts.forEach(function (p) {
        p.grams.forEach(function (g) { grams.add(g.term); });
      });
      var subWord = function (t) { return !grams.has(t); };
      var early = function (known) { self.surelyScored(m, parts, known); };
      return self.shardsFor(m, core.termRanges(parts), subWord, early).then(function (shards) {
        // a term the query looked up is in the index if its shard in some segment holds it
        function hasTerm(t) {
          return shards.known.has(t) || shards.some(function (sh) { return sh.terms.has(t); });
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
      p.words = J.partWords(p, hasTerm);
      words = words.concat(p.words);
    });
    var clauses = J.queryClauses(parts);
    var exact = new Set();
    var prefixes = [];
    clauses.forEach(function (c) {
      if (c.prefix) prefixes.push(c.term);
      else exact.add(c.term);
    });
    // the longest words that were known but not fetched (frequent ones): those that score
    // from their whole files (asked for first, their shards come from them), the others'
    // documents alone
    var later = Array.from(exact).filter(function (t) { return shards.known.has(t); });
    this.prefetchWhole(m, later.filter(function (t) { return scores(clauses, t); }));
    var more = later.length ? this.shardsFor(m, later.map(function (t) { return [t, t]; })) : null;
    return Promise.resolve(more).then(function (extra) {
      // a shard fetched again (it also held a term fetched before) counts once
      var all = extra ? shards.concat(extra.filter(function (sh) { return shards.indexOf(sh) < 0; })) : shards;
      return self.levelsFor(m, all, clauses).then(function (scored) {
        var q = self.postings(m, all, exact, prefixes, scored);
        return self._ranked(m, parts, words, q, clauses, opts);
      });
    });
  };

  /* Whether a clause of `clauses` scores term t: boost > 0, and t its term or under its
   * prefix. */
  function scores(clauses, t) {
    return clauses.some(function (c) {
      return c.boost > 0 && (c.prefix ? t.lastIndexOf(c.term, 0) === 0 : t === c.term);
    });
  }

  /* The levels files (l<k>.json) of the split shards — one frequent term each — whose term
   * the query scores (a clause of boost > 0 names it, or a scored prefix is under it) and
   * that came without them (not from their whole file, surelyScored's): a term that only
   * filters is decoded without its values. Resolves to a key of the scored terms (the
   * decoded postings depend on which shards were whole). */
  Engine.prototype.levelsFor = function (m, shards, clauses) {
    var self = this;
    var scored = clauses.filter(function (c) { return c.boost > 0; });
    var split = shards.filter(function (sh) { return sh.l === 1 && scores(scored, sh.t[0]); });
    return Promise.all(
      split.map(function (sh) {
        return self.levelsFile(m, sh.s, sh.key.split("/")[1]).then(function (lv) {
          if (sh.l === 1) postings.joinLevels(sh, lv);
        });
      })
    ).then(function () {
      return scored.map(function (c) { return (c.prefix ? "*" : "") + c.term; }).sort().join(" ");
    });
  };

  /* What the query will surely score, asked for as soon as the directories tell (with the
   * shards, not a round after them): a part that is one frequent word (known: its
   * directory lists it as split) scores that word alone — its shards, the whole file
   * (documents and levels) where split; a part with no word to look up (two characters, a
   * Latin word) scores its grams that cover it (J.coverGrams) — their whole files where
   * split. */
  Engine.prototype.surelyScored = function (m, parts, known) {
    var self = this;
    parts.forEach(function (p) {
      if (p.single && known.has(p.norm)) {
        self.prefetchWhole(m, [p.norm]); // first: its shard then comes from the whole file
        self.shardsFor(m, [[p.norm, p.norm]]).catch(function () {});
      } else if (!p.candidates.length) {
        var cover = J.coverGrams(p.norm);
        self.prefetchWhole(m, p.grams.filter(function (g) { return !g.prefix && cover.has(g.term); }).map(function (g) { return g.term; }));
      }
    });
  };

  Engine.prototype._ranked = function (m, parts, words, q, clauses, opts) {
    var r = rank.rank(q.dec, m, clauses, q.expand);
    var all = hitsOf(r, J.judge(parts, r, m.docs + 1));
    return this._finish(m, parts, words, all, opts, { dec: q.dec, clauses: clauses });
  };

  /* A result for each match of rank() `r`, classed by `judged`. The loop over every match is
   * a function of its own (see search-judge.js partClasses). */
  function hitsOf(r, judged) {
    var all = new Array(r.docs.length);
    for (var i = 0; i < all.length; i++) {
      // every property a result ever gets, from the start: one object shape for the sort
      var h = { id: r.docs[i], score: r.scores[i], exact: 1, title: 1, cls: 0, parts: null, year: "", cluster: -1, month: "", verified: false, lunr: false };
      judged.apply(h);
      all[i] = h;
    }
    return all;
  }

  /* Ask for the records of the first `n` results as soon as they are known: their requests
   * are then in flight while the page puts them in front (sortFirst) and lunr.js scores the
   * window (the records were the last round of a query, and it waited for a sort of every
   * match). Returns them, in order. */
  Engine.prototype._prefetchTop = function (m, hits, n) {
    var self = this;
    var top = J.topHits(hits, n);
    top.forEach(function (h) {
      self.doc(m, h.id).catch(function () {}); // fetched again when it is needed
    });
    return top;
  };

  /* `all`: every match, in id order (as rank() lists them). */
  Engine.prototype._finish = function (m, parts, words, all, opts, ranked) {
    var self = this;
    var needFacets = !!opts.cluster || !!opts.period || opts.facets;
    var filtered = !!opts.cluster || !!opts.year || !!opts.period;
    var n = opts.window === undefined ? WINDOW : opts.window;
    var top = filtered ? null : this._prefetchTop(m, all, n);
    return Promise.resolve(needFacets ? self.facets(m) : null)
      .then(function (facets) {
        // a result's year, month and cluster serve the filters and the facets' counts and
        // chart only: a search with neither (huikanSearch's) leaves them unset ("", -1)
        if (needFacets || filtered) {
          J.putRangeKeys(all, m.years, "year");
          if (facets && facets.months) J.putRangeKeys(all, facets.months, "month");
          all.forEach(function (h) {
            h.cluster = facets ? facets.cluster.charCodeAt(h.id) - 48 : -1; // CLUSTER_CHAR
            if (!facets || !facets.months) h.month = h.year;
          });
        }
        var ci = -1;
        if (opts.cluster) {
          ci = m.clusters.findIndex(function (c) { return c[1] === opts.cluster; });
        }
        // `trend`: the results the chart counts (every filter but the period's); without
        // filters `all` itself (read, never reordered) and a copy of it to order (two
        // filter passes over a frequent word's ~20,000 matches were ~0.7 ms of a query)
        var trend = !opts.cluster && !opts.year ? all : all.filter(function (h) {
          return (!opts.cluster || h.cluster === ci) && (!opts.year || h.year === opts.year);
        });
        var hits = !opts.period ? trend.slice() : trend.filter(function (h) {
          return J.inPeriod(h.month, opts.period);
        });
        // the first n in order (unfiltered, the matches `top` was taken from); the rest
        // when a page asks for them (settle)
        J.sortFirst(hits, n, top);
        var res = { parts: parts, words: words, all: all, hits: hits, trend: trend, manifest: m, facets: facets, ranked: ranked };
        if (opts.simplified) res.simplified = opts.simplified;
        return self.settle(res, n);
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
      var size = res.manifest.docs + 1;
      var byId = new Map();
      todo.forEach(function (h) {
        byId.set(h.id, h);
        h.lunr = true;
      });
      var ids = Array.from(Int32Array.from(byId.keys()).sort());
      var idx = lunr.Index.load(rank.toLunr(res.ranked.dec, res.manifest, ids));
      var results = idx.query(function (q) { lunrQuery(q, res.ranked.clauses); });
      var judged = J.judge(parts, J.lunrMatches(results, size), size);
      var moved = false;
      results.forEach(function (r) {
        var h = byId.get(+r.ref);
        var was = [h.score, h.cls];
        h.score = r.score;
        if (!h.verified) judged.apply(h);
        if (h.score !== was[0] || h.cls !== was[1]) {
          moved = true;
          disagree("document " + h.id);
        }
      });
      if (results.length !== todo.length) disagree((todo.length - results.length) + " documents lunr.js does not return");
      // the same numbers leave rank()'s order as it is: sorting every hit again (a
      // comparator call per comparison) was ~1 ms of a query at 80,000 articles
      if (!moved) return;
      J.resortFirst(res.hits, n);
    }
  };

  /* Check `hits` (of `all`) against their stored text; `all`'s first n in order again. */
  Engine.prototype._verify = function (m, parts, all, hits, n) {
    var self = this;
    return Promise.all(
      hits.map(function (h) {
        return self.doc(m, h.id).then(function (d) {
          J.verifyWith(h, d, parts, m);
        });
      })
    ).then(function () {
      J.resortFirst(all, n);
    });
  };

  /* Check the first `n` results against the stored text until they no longer move; results
   * missing a "quoted" part are dropped. Resolves to `res` (its hits re-ordered). */
  Engine.prototype.settle = function (res, n) {
    var self = this;
    var parts = res.parts;
    J.sortFirst(res.hits, n); // a page's next window: the first n in order
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
      return self._verify(res.manifest, parts, res.hits, todo, n).then(function () {
        if (quoted) {
          res.hits = J.sortFirst(res.hits.filter(exactQuotes), n); // a new list
          res.all = res.all.filter(exactQuotes);
        }
        return round();
      });
    }
    return round();
  };

  window.huikanSearchEngine = Engine;
})();
