/* huikan search ranking: lunr.js's query evaluation over a query's postings, decoded into
 * typed arrays by static/search-postings.js.
 *
 * Why not lunr.Index.query for every match: it allocates a lunr.MatchData, a field-ref string
 * and a Set entry per (document, field) matched, so a query matching 10,000 of 80,000 articles
 * spent 150–470 ms there (and ~20 % more in garbage collection) before one result was shown.
 * rank() evaluates the same clauses with lunr's arithmetic — the same products summed in the
 * same order, the fields of a document added in the order lunr.Index.query meets them — over
 * flat arrays, for every matching document; lunr.js then scores the documents the page shows
 * from an index of those documents only (toLunr), and tests/test_search_js.py checks that
 * rank() answers every query exactly as lunr.js does on the whole index: the same documents,
 * the same scores to the last bit, the same (term, field) matches.
 *
 * Pure functions, no DOM: window.huikanSearchRank on the page, require() in the node tests.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-core.js"));
  else root.huikanSearchRank = factory(root.huikanSearchCore);
})(typeof self !== "undefined" ? self : this, function (core) {
  "use strict";

  /* The lunr serialisation of decoded postings (what lunr.Index.load reads), as to_lunr in
   * shard.py; with `ids` (document numbers, ascending), of those documents alone: each is
   * looked up in the postings (ascending), in the order a scan would meet them — the page's
   * window is ~20 documents, a frequent term has thousands of postings, and no pass goes over
   * every document. Scores do not depend on which documents are left out: idf comes from
   * `df`, every posting. */
  function toLunr(dec, manifest, ids) {
    var fields = manifest.fields;
    var inverted = [];
    var vectors = Object.create(null);
    var vectorOrder = [];
    dec.terms.forEach(function (term, index) {
      var e = dec.post.get(term);
      var posting = { _index: index };
      for (var f = 0; f < fields.length; f++) {
        var docs = {};
        var d = e.docs[f];
        var v = e.vals[f];
        var put = function (j) {
          docs[d[j]] = {};
          var key = fields[f] + "/" + d[j];
          var vec = vectors[key];
          if (!vec) {
            vec = vectors[key] = [];
            vectorOrder.push(key);
          }
          vec.push(index, (e.weight * v[j]) / 1000);
        };
        if (ids) {
          for (var x = 0, lo = 0; x < ids.length; x++) {
            lo = lowerBound(d, ids[x], lo);
            if (lo < d.length && d[lo] === ids[x]) put(lo++);
          }
        } else {
          for (var j = 0; j < d.length; j++) put(j);
        }
        posting[fields[f]] = docs;
      }
      inverted.push([term, posting]);
    });
    return {
      version: manifest.lunr,
      fields: fields,
      fieldVectors: vectorOrder.map(function (k) { return [k, vectors[k]]; }),
      invertedIndex: inverted,
      pipeline: manifest.pipeline,
    };
  }

  /* The first position at or after `lo` of ascending `list` whose value is >= `value`. */
  function lowerBound(list, value, lo) {
    var hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /* How lunr.Index.query expands a trailing-wildcard clause: the terms of its token set (built
   * from the same sorted terms as lunr.Index.load builds it) under the prefix, in the token
   * set's order — the order decides in which order a document's fields are summed. */
  function lunrExpander(lunr, terms) {
    var set = null;
    var memo = new Map();
    return function (prefix) {
      var hit = memo.get(prefix);
      if (!hit) {
        set = set || lunr.TokenSet.fromArray(terms);
        hit = set.intersect(lunr.TokenSet.fromString(prefix + "*")).toArray();
        memo.set(prefix, hit);
      }
      return hit;
    };
  }

  /* Evaluate query clauses ([{term, prefix, fields: [names] or null for all, boost,
   * required}], in the order lunr's query builder received them; `prefix` is a trailing
   * wildcard, taken as is, other terms go through the huikanNormalize pipeline) as
   * lunr.Index.query does on toLunr(dec, manifest): a document is a result when it matches
   * every required clause in one of the clause's fields (any document with a match when no
   * clause is required); its score is the sum over its matched fields, in the order lunr
   * first matched them, of dot(query vector, field vector) / |query vector|.
   * `expand(prefix)` → the terms under a prefix in lunr's order (lunrExpander).
   * → {docs: ascending document numbers, scores, bitmap(term or terms, field name or null):
   * Uint8Array by document number, 1 where lunr's matchData for the document holds the term
   * (one of the terms) in that field (in any field), under(prefix): the terms under it}. */
  function rank(dec, manifest, clauses, expand) {
    var fields = manifest.fields;
    var nf = fields.length;
    if (nf > 16) throw new Error("rank: more than 16 fields");
    var n = manifest.docs + 1;
    var fieldNo = Object.create(null);
    fields.forEach(function (f, i) { fieldNo[f] = i; });
    var plan = clauses.map(function (c) {
      var terms;
      if (c.prefix) {
        terms = expand(c.term);
      } else {
        var t = core.normalize(c.term);
        terms = t && dec.post.has(t) ? [t] : [];
      }
      return {
        terms: terms,
        fields: c.fields ? c.fields.map(function (f) { return fieldNo[f]; }) : fields.map(function (_, i) { return i; }),
        boost: c.boost === undefined ? 1 : c.boost,
        required: !!c.required,
      };
    });
    var work = scratch(n, nf);
    var level = work.level;
    var need = requiredLevel(dec, plan, level);
    // lunr's query vectors (term index → summed boost, per field), which (term, field) pairs
    // its matchData can hold, and the order each document's fields are first matched in
    var qv = fields.map(function () { return new Map(); });
    var covered = new Set();
    var touched = []; // the documents matched, in the order first met
    plan.forEach(function (c) {
      c.terms.forEach(function (t) {
        var e = dec.post.get(t);
        var ti = dec.index.get(t);
        c.fields.forEach(function (f) {
          var q = qv[f];
          q.set(ti, q.has(ti) ? q.get(ti) + c.boost : c.boost);
          var key = t + "\u0000" + f;
          if (covered.has(key)) return;
          covered.add(key);
          markMatches(e.docs[f], level, need, work.seen, work.order, work.count, nf, f, touched);
        });
      });
    });
    var dots = fields.map(function (_, f) { return fieldDots(dec, qv[f], f, level, need, dotArray(work, f)); });
    // ascending, as lunr lists them: a typed array sorts numbers natively (no comparator)
    var docs = Array.from(Int32Array.from(touched).sort());
    var scores = sumScores(
      docs,
      work.count,
      work.order,
      nf,
      dots.map(function (d) { return d.dot; }),
      dots.map(function (d) { return d.magnitude; })
    );
    release(work, docs);
    return {
      docs: docs,
      scores: scores,
      bitmap: matcher(dec, covered, fields, n),
      under: expand,
    };
  }

  /* The loops over postings and matches, each a small function of arrays that V8 optimises
   * once, on its own. Written inside rank() and its closures (called once a query), they
   * had V8 optimise rank in the middle of a loop, meet code after it that had never run,
   * throw the code away and compile it again: at 80,000 articles ~20 ms of compiling a
   * query, on a 2-core machine the cores the page runs on. */

  /* Document by document of postings `d` (field f), those that can be results: marked as
   * matched in f, f appended to the order its fields were first matched in, and the
   * document to `touched` the first time it matches. */
  function markMatches(d, level, need, seen, order, count, nf, f, touched) {
    var bit = 1 << f;
    for (var j = 0; j < d.length; j++) {
      var doc = d[j];
      if (level[doc] === need && !(seen[doc] & bit)) {
        if (!count[doc]) touched.push(doc);
        seen[doc] |= bit;
        order[doc * nf + count[doc]++] = f;
      }
    }
  }

  /* Each document's score: over its matched fields in the order first matched, the sum of
   * dot / magnitude (lunr's own order of additions, so the same float). */
  function sumScores(docs, count, order, nf, dot, magnitude) {
    var scores = new Array(docs.length);
    for (var k = 0; k < docs.length; k++) {
      var doc = docs[k];
      var score = 0;
      for (var i = 0; i < count[doc]; i++) {
        var f = order[doc * nf + i];
        var s = dot[f][doc] / magnitude[f] || 0;
        score = i === 0 ? s : score + s;
      }
      scores[k] = score;
    }
    return scores;
  }

  /* rank()'s per-document arrays, kept from one query to the next: a query at 80,000 articles
   * allocated ~5 MB of them (a Float64Array of every document for each field), and their
   * garbage collection was a few ms of a query. Only the documents a query matched are
   * non-zero afterwards (release); `level` is filled by requiredLevel. A query that threw
   * before releasing them leaves them `busy`: the next one makes new arrays. */
  var scratchFor = null;
  function scratch(n, nf) {
    var w = scratchFor;
    if (w && w.n === n && w.nf === nf && !w.busy) {
      w.busy = true;
      return w;
    }
    w = {
      n: n,
      nf: nf,
      busy: true,
      level: new Uint16Array(n),
      seen: new Uint16Array(n),
      order: new Uint8Array(n * nf),
      count: new Uint8Array(n),
      dots: [], // by field, made on first use
    };
    scratchFor = w;
    return w;
  }

  function dotArray(w, f) {
    return w.dots[f] || (w.dots[f] = new Float64Array(w.n));
  }

  /* The scratch arrays back to zero where `docs` (the documents a query matched) set them. */
  function release(w, docs) {
    putAt(w.seen, docs, 0);
    putAt(w.count, docs, 0);
    w.dots.forEach(function (dot) { if (dot) putAt(dot, docs, 0); });
    w.busy = false;
  }

  /* `value` at each of the positions `docs` of `array` (clearing scratch, marking bitmaps). */
  function putAt(array, docs, value) {
    for (var i = 0; i < docs.length; i++) array[docs[i]] = value;
  }

  /* The documents that can be results are those with `level[doc] === ` the returned number:
   * a match in every required clause, in one of its fields (every document when no clause
   * is required: 0, after the fill; none when a required clause has no term: -1). Levels
   * count the required clauses met in order, so only their postings are read — no loop over
   * every document: at 80,000 articles one was a JavaScript pass of 80,000 steps a query. */
  function requiredLevel(dec, plan, level) {
    var required = plan.filter(function (c) { return c.required; });
    level.fill(0);
    if (required.some(function (c) { return !c.terms.length; })) return -1;
    required.forEach(function (c, r) {
      c.terms.forEach(function (t) {
        var e = dec.post.get(t);
        c.fields.forEach(function (f) { raiseLevel(e.docs[f], level, r); });
      });
    });
    return required.length;
  }

  function raiseLevel(d, level, r) {
    for (var j = 0; j < d.length; j++) if (level[d[j]] === r) level[d[j]] = r + 1;
  }

  /* dot(query vector, field vector) of field f for every document that can be a result
   * (`level[doc] === need`), summed over the query terms in index order as lunr.Vector.dot
   * does, and the query vector's magnitude. */
  function fieldDots(dec, q, f, level, need, dot) {
    var idx = Array.from(q.keys()).sort(function (a, b) { return a - b; });
    var squares = 0;
    idx.forEach(function (ti) {
      var v = q.get(ti);
      squares += v * v;
    });
    if (!idx.length) return { dot: null, magnitude: 0 };
    idx.forEach(function (ti) {
      var e = dec.post.get(dec.terms[ti]);
      addDots(e.docs[f], e.vals[f], e.weight, q.get(ti), level, need, dot);
    });
    return { dot: dot, magnitude: Math.sqrt(squares) };
  }

  function addDots(d, v, weight, boost, level, need, dot) {
    for (var j = 0; j < d.length; j++) {
      if (level[d[j]] === need) dot[d[j]] += boost * ((weight * v[j]) / 1000);
    }
  }

  /* (term or terms, field name or null) → Uint8Array by document: 1 where a (term, field)
   * pair a clause looked up has the document in its postings (null: in any field) — what
   * lunr's matchData holds. Made on first use. */
  function matcher(dec, covered, fields, n) {
    var maps = new Map();
    var lists = new Map(); // expand's (memoised) lists: by identity, not by their terms
    function mark(map, term, field) {
      var e = dec.post.get(term);
      for (var f = 0; e && f < fields.length; f++) {
        if ((field !== null && fields[f] !== field) || !covered.has(term + "\u0000" + f)) continue;
        putAt(map, e.docs[f], 1);
      }
    }
    /* terms: one term, or the terms under a prefix (`expand`'s list) taken together */
    return function (terms, field) {
      if (field === undefined) field = null;
      var byField = typeof terms === "string" ? maps.get(terms) : lists.get(terms);
      if (!byField) {
        byField = new Map();
        (typeof terms === "string" ? maps : lists).set(terms, byField);
      }
      var map = byField.get(field);
      if (!map) {
        map = new Uint8Array(n);
        if (typeof terms === "string") mark(map, terms, field);
        else terms.forEach(function (t) { mark(map, t, field); });
        byField.set(field, map);
      }
      return map;
    };
  }

  return {
    toLunr: toLunr,
    lunrExpander: lunrExpander,
    rank: rank,
  };
});
