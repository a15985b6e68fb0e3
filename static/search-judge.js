/* huikan search judging: what the page decides about each result besides its lunr score —
 * the query's lunr clauses, which vocabulary words a part contains, whether a result holds
 * the query in its title or as one string (read off match data, or checked against the
 * stored text), the order of results and the facets' period and year lookups.
 *
 * Ranking: every query part must match (its character bigrams are required lunr clauses, so
 * a query never fails because jieba cut the article differently); jieba words found in the
 * query are optional clauses that lift articles using them as words. Results are ordered
 * (1) the query in the title, (2) the exact query string in the text, (3) all its characters
 * but not verified as one string, then by lunr score and date. Whether a result contains the
 * exact string is read off the postings when possible, otherwise checked against the stored
 * text for the results on screen ("quoted" parts: for every candidate, and misses dropped).
 *
 * Pure functions, no DOM: window.huikanSearchJudge on the page, require() in node.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-core.js"));
  else root.huikanSearchJudge = factory(root.huikanSearchCore);
})(typeof self !== "undefined" ? self : this, function (core) {
  "use strict";

  /* The bigrams at every other place of each run of a part, and its last (cover_grams in
   * query.py): they cover every character. */
  function coverGrams(norm) {
    var out = new Set();
    (norm.match(/[\p{L}\p{N}]+/gu) || []).forEach(function (run) {
      var c = Array.from(run);
      if (c.length < 2) return;
      for (var i = 0; i + 1 < c.length; i += 2) out.add(c[i] + c[i + 1]);
      out.add(c[c.length - 2] + c[c.length - 1]);
    });
    return out;
  }

  /* The query's clauses, in the order lunr receives them (clauses in query.py): each part's
   * character bigrams required (a lone character: every term it begins), its longest
   * vocabulary words optional (boost 3); a bigram inside one of those words, or across the
   * two-by-two cover of its run (coverGrams), only filters (boost 0), so a frequent one's
   * levels need not be fetched (Engine.levelsFor); a 来源: / 作者: … prefix restricts the
   * part to that field. */
  function queryClauses(parts) {
    var out = [];
    parts.forEach(function (p) {
      var fields = p.field ? [p.field] : null;
      var longest = p.words.filter(function (w) { return w.long; }).map(function (w) { return w.term; });
      var cover = coverGrams(p.norm);
      p.grams.forEach(function (g) {
        var inside = longest.some(function (w) { return w.indexOf(g.term) !== -1; });
        var filters = !g.prefix && (inside || !cover.has(g.term));
        out.push({ term: g.term, prefix: g.prefix, fields: fields, boost: filters ? 0 : 1, required: true });
      });
      longest.forEach(function (w) {
        out.push({ term: w, prefix: false, fields: fields, boost: 3, required: false });
      });
    });
    return out;
  }

  /* A month key ("2024-04", "2024" or "") is in a period ("2024-04", "2024", or "-" for
   * articles without a date). */
  function inPeriod(key, period) {
    return period === "-" ? !key : !!key && (key === period || key.lastIndexOf(period + "-", 0) === 0);
  }

  /* The key of the run holding document `id`: `ranges` is [[key, first document, …], …] in
   * document order (the manifest's years, the facets' months). */
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

  /* rangeKey(ranges, h.id) into h[prop] for every hit: one walk over the ranges when the hits
   * are in id order (as rank() lists them), a search for each otherwise. At 80,000 articles
   * a frequent word's ~20,000 matches spent ~2 ms of a query in the searches. */
  function putRangeKeys(hits, ranges, prop) {
    var i;
    if (!ranges.length || !ascendingIds(hits)) {
      for (i = 0; i < hits.length; i++) hits[i][prop] = rangeKey(ranges, hits[i].id);
      return;
    }
    var at = 0;
    for (i = 0; i < hits.length; i++) {
      while (at + 1 < ranges.length && ranges[at + 1][1] <= hits[i].id) at++;
      hits[i][prop] = ranges[at][0];
    }
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
      partClasses(r.docs, short, inTop, whole, wholeTop, exact, title);
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

  /* One part's exact and title for each document of `docs` (judge). The loop over every
   * match is a function of its own, as the other loops over matches (search-rank.js): inside
   * judge's closure V8 optimised the closure in the middle of it and threw the code away
   * after it, again at each query. */
  function partClasses(docs, short, inTop, whole, wholeTop, exact, title) {
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
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

  function byIdDown(a, b) {
    return b.id - a.id;
  }

  function ascendingIds(list) {
    for (var i = 1; i < list.length; i++) if (list[i - 1].id > list[i].id) return false;
    return true;
  }

  /* `hits` sorted in place in `order`, and returned. Sorting every match with `order` was the
   * largest part of a query's JavaScript (~7 ms for ~15,000 matches at 80,000 articles: a
   * comparator call per comparison); here each class's scores go into a Float64Array, sorted
   * natively, and each score's hits (usually one) follow in id order, highest first. Few
   * hits, or a class or score outside what `order` is meant for, take `order` itself. */
  function sortHits(hits) {
    if (hits.length < 256) return hits.sort(order);
    var groups = [[], [], []]; // classify: 0, 1, 2
    for (var i = 0; i < hits.length; i++) {
      var h = hits[i];
      if (!(h.cls === 0 || h.cls === 1 || h.cls === 2) || h.score !== h.score) return hits.sort(order);
      groups[h.cls].push(h);
    }
    var at = 0;
    groups.forEach(function (g) {
      var keys = new Float64Array(g.length);
      var same = new Map(); // score → its hits
      for (var i = 0; i < g.length; i++) {
        var s = g[i].score;
        keys[i] = -s;
        var list = same.get(s);
        if (list) list.push(g[i]);
        else same.set(s, [g[i]]);
      }
      keys.sort(); // ascending: scores highest first
      for (i = 0; i < keys.length; i++) {
        if (i && keys[i] === keys[i - 1]) continue; // that score's hits are out already
        var list = same.get(-keys[i]);
        if (list.length > 1) {
          // hits arrive in id order (rank() lists documents ascending): then reversing is
          // the sort, without a comparator call per comparison (ties run to thousands when
          // only grams that filter match)
          if (ascendingIds(list)) list.reverse();
          else list.sort(byIdDown);
        }
        for (var j = 0; j < list.length; j++) hits[at++] = list[j];
      }
    });
    return hits;
  }

  /* The first `n` of `hits` in `order`, as sortHits(hits).slice(0, n) would give them, without
   * sorting (or moving) the hits: one pass keeping the best n seen, most hits turned away
   * by one comparison with the n-th. What the engine fetches records for first, and what
   * sortFirst puts in front. */
  function topHits(hits, n) {
    var best = [];
    if (n <= 0) return best;
    for (var i = 0; i < hits.length; i++) {
      var h = hits[i];
      if (best.length === n && order(h, best[n - 1]) >= 0) continue;
      var j = best.length < n ? best.length : n - 1;
      while (j > 0 && order(h, best[j - 1]) < 0) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = h;
    }
    return best;
  }

  /* `hits` with their first n in `order` (as sortHits would leave them) and the rest after
   * them in their own order, in place; `hits.sorted` says how many lead in order (every one
   * once sortHits ran). A search shows the first ten of thousands of matches: sorting them
   * all was ~2 ms of each query at 80,000 articles, and again after each check. `best`:
   * topHits(hits, n), when the caller has it. A later page asks for more (Engine.settle). */
  function sortFirst(hits, n, best) {
    if (hits.sorted >= Math.min(n, hits.length)) return hits;
    if (n >= hits.length) {
      sortHits(hits);
      hits.sorted = hits.length;
      return hits;
    }
    best = best || topHits(hits, n);
    putFirst(hits, best);
    hits.sorted = best.length;
    return hits;
  }

  /* `best` (some of `hits`) to the front of `hits`, in their order, and the others after them
   * in theirs: they move to the back, from the back (each is read before its place is
   * written). A loop over every match, in a function of its own (see partClasses). */
  function putFirst(hits, best) {
    var lead = new Set(best);
    var at = hits.length;
    for (var i = hits.length - 1; i >= 0; i--) {
      if (!lead.has(hits[i])) hits[--at] = hits[i];
    }
    for (i = 0; i < best.length; i++) hits[i] = best[i];
  }

  /* sortFirst after the hits' scores or classes changed (lunr.js's window, a check against
   * the stored text): whatever led in order before is ordered again. */
  function resortFirst(hits, n) {
    hits.sorted = 0;
    return sortFirst(hits, n);
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

  // what the engine uses (topFields, classify, summarise and fieldTexts serve these)
  return {
    queryClauses: queryClauses,
    coverGrams: coverGrams,
    inPeriod: inPeriod,
    rangeKey: rangeKey,
    putRangeKeys: putRangeKeys,
    partWords: partWords,
    lunrMatches: lunrMatches,
    judge: judge,
    order: order,
    sortHits: sortHits,
    sortFirst: sortFirst,
    resortFirst: resortFirst,
    topHits: topHits,
    verifyWith: verifyWith,
  };
});
