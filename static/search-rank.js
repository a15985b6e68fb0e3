/* huikan search ranking: a query's postings as typed arrays, and lunr.js's query evaluation
 * over them.
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

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var B64_VALUE = new Int32Array(128);
  for (var b = 0; b < 64; b++) B64_VALUE[B64.charCodeAt(b)] = b;
  var EMPTY = new Int32Array(0);
  var PALETTE = 46; // "." (not a base64url digit): the postings string starts with a palette
  var BITMAP = 126; // "~": a split term's documents as a bitmap
  var POPCOUNT = new Uint8Array(64);
  for (var v = 1; v < 64; v++) POPCOUNT[v] = (v & 1) + POPCOUNT[v >> 1];

  function byUnits(a, b) {
    return a < b ? -1 : a > b ? 1 : 0; // UTF-16 code-unit order, as the Python side sorts
  }

  /* Term k of a shard, per field [documents (absolute, ascending), values (1000 × tf part)],
   * decoded once per shard object (a page keeps its shards, and typing a query re-reads
   * them at every keystroke). A field's string (term_texts in shard.py; "" for no postings):
   * the documents' gaps as variable-length base64url (base-32 digits, all but a number's last
   * offset by 32), then each posting's level in two digits, an index into `impacts`; or, when
   * it starts with PALETTE (".") and a digit P, P levels in two digits each (the palette),
   * the gaps, then each posting's level in one digit, its place in the palette.
   * A split shard (shard.l === 1: one frequent term) holds the documents alone — gaps, or a
   * bitmap (BITMAP, "~") — and its levels file the palette and levels (joinLevels puts them
   * in shard.lv); without them the values are 0: the term only filters. */
  function shardTerm(shard, k, start, impacts) {
    var cache = shard._decoded || (shard._decoded = new Map());
    var hit = cache.get(k);
    if (hit) return hit;
    var out = [];
    var p = shard.p[k];
    for (var f = 0; f < p.length; f++) {
      var text = p[f];
      var lev = shard.lv ? shard.lv[f] : null; // a split shard's levels, once fetched
      var docs;
      var at; // where the levels start, in `lev`
      if (shard.l === 1 || lev !== null) {
        docs = text.charCodeAt(0) === BITMAP ? bitmapDocs(text, start) : gapDocs(text, 0, 0, start).docs;
        at = lev === null ? 0 : paletteHead(lev);
      } else {
        lev = text;
        var head = paletteHead(text);
        var read = gapDocs(text, head, head ? 1 : 2, start);
        docs = read.docs;
        at = read.end;
      }
      var n = docs.length;
      var vals = new Int32Array(n);
      if (lev !== null) levelValues(lev, at, n, impacts, vals);
      out.push([docs, vals]);
    }
    cache.set(k, out);
    return out;
  }

  /* The documents of a gaps string from character `i`, `width` characters of level a
   * posting after them (0: none): {docs, end: where the gaps end}. */
  function gapDocs(text, i, width, start) {
    var len = text.length;
    var room = Math.max(0, ((len - i) / (width + 1)) | 0); // a posting's gap takes a character at least
    var docs = new Int32Array(room);
    var doc = start;
    var n = 0;
    while (i + width * n < len) {
      var gap = 0;
      var c = B64_VALUE[text.charCodeAt(i++)];
      while (c >= 32) {
        gap = gap * 32 + c - 32;
        c = B64_VALUE[text.charCodeAt(i++)];
      }
      doc += gap * 32 + c;
      docs[n++] = doc;
    }
    if (i + width * n !== len) throw new Error("search: postings string cut short");
    return { docs: docs.subarray(0, n), end: i };
  }

  /* The documents of a bitmap string (to_bitmap in postings.py): "~", the first document
   * (from the segment's first, `start`) as one number, then six documents a digit. */
  function bitmapDocs(text, start) {
    var i = 1;
    var first = 0;
    var c = B64_VALUE[text.charCodeAt(i++)];
    while (c >= 32) {
      first = first * 32 + c - 32;
      c = B64_VALUE[text.charCodeAt(i++)];
    }
    first = start + first * 32 + c;
    var n = 0;
    var j;
    for (j = i; j < text.length; j++) n += POPCOUNT[B64_VALUE[text.charCodeAt(j)]];
    var docs = new Int32Array(n);
    n = 0;
    for (j = i; j < text.length; j++) {
      var d = B64_VALUE[text.charCodeAt(j)];
      for (var b = 0; b < 6; b++) if (d & (32 >> b)) docs[n++] = first + (j - i) * 6 + b;
    }
    return docs;
  }

  /* Characters of the palette a postings or levels string starts with (0: none). */
  function paletteHead(text) {
    return text.charCodeAt(0) === PALETTE ? 2 + 2 * B64_VALUE[text.charCodeAt(1)] : 0;
  }

  /* `n` levels from character `at` of `lev` (its palette, if it starts with one, is read
   * from its start) into `vals`, as values of `impacts`. */
  function levelValues(lev, at, n, impacts, vals) {
    var j;
    if (lev.charCodeAt(0) === PALETTE) {
      var size = B64_VALUE[lev.charCodeAt(1)];
      var palette = new Int32Array(size);
      for (var q = 0; q < size; q++) {
        palette[q] = impacts[B64_VALUE[lev.charCodeAt(2 + 2 * q)] * 64 + B64_VALUE[lev.charCodeAt(3 + 2 * q)]];
      }
      if (at + n !== lev.length) throw new Error("search: levels cut short");
      for (j = 0; j < n; j++) vals[j] = palette[B64_VALUE[lev.charCodeAt(at + j)]];
    } else {
      if (at + 2 * n !== lev.length) throw new Error("search: levels cut short");
      for (j = 0; j < n; j++, at += 2) {
        vals[j] = impacts[B64_VALUE[lev.charCodeAt(at)] * 64 + B64_VALUE[lev.charCodeAt(at + 1)]];
      }
    }
  }

  /* A split shard's levels file ({l: [per field]}): its values are read from then on. */
  function joinLevels(shard, file) {
    shard.lv = file.l;
    delete shard.l;
    shard._decoded = null;
  }

  function concat(chunks) {
    if (!chunks.length) return EMPTY;
    if (chunks.length === 1) return chunks[0];
    var size = 0;
    chunks.forEach(function (c) { size += c.length; });
    var out = new chunks[0].constructor(size);
    var at = 0;
    chunks.forEach(function (c) {
      out.set(c, at);
      at += c.length;
    });
    return out;
  }

  /* The postings of the terms `keep` accepts (all with no `keep`) in the given shards (parsed
   * JSON with their segment number as `s`; every segment's shard of a term must be among
   * them, since idf counts every posting). → {terms: sorted (UTF-16 order; a term's lunr
   * _index is its position), index: Map term → position, post: Map term → {df, weight: lunr's
   * idf from df and the manifest's document count, docs: [per field], vals: [per field]}}. */
  function decodePostings(shards, manifest, keep) {
    var nf = manifest.fields.length;
    var sorted = shards.slice().sort(function (a, b) { return a.s - b.s; });
    var chunks = new Map();
    sorted.forEach(function (shard) {
      var seg = manifest.segs[shard.s];
      for (var k = 0; k < shard.t.length; k++) {
        var term = shard.t[k];
        if (keep && !keep(term)) continue;
        var perField = chunks.get(term);
        if (!perField) {
          perField = [];
          for (var f = 0; f < nf; f++) perField.push([[], []]);
          chunks.set(term, perField);
        }
        var dec = shardTerm(shard, k, seg[0], manifest.impacts); // trailing empty fields left out
        for (f = 0; f < dec.length; f++) {
          perField[f][0].push(dec[f][0]);
          perField[f][1].push(dec[f][1]);
        }
      }
    });
    var terms = Array.from(chunks.keys()).sort(byUnits);
    var index = new Map();
    var post = new Map();
    terms.forEach(function (term, i) {
      var perField = chunks.get(term);
      var docs = perField.map(function (c) { return concat(c[0]); });
      var vals = perField.map(function (c) { return concat(c[1]); });
      var df = 0; // of every posting: idf does not depend on the query
      docs.forEach(function (d) { df += d.length; });
      index.set(term, i);
      post.set(term, { df: df, weight: core.idf(df, manifest.docs), docs: docs, vals: vals });
    });
    return { terms: terms, index: index, post: post };
  }

  /* The lunr serialisation of decoded postings (what lunr.Index.load reads), as to_lunr in
   * shard.py; with `only` (documents → truthy), of those documents alone. Scores do not
   * depend on which documents are left out: idf comes from `df`, every posting. */
  function toLunr(dec, manifest, only) {
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
        for (var j = 0; j < d.length; j++) {
          if (only && !only[d[j]]) continue;
          docs[d[j]] = {};
          var key = fields[f] + "/" + d[j];
          var vec = vectors[key];
          if (!vec) {
            vec = vectors[key] = [];
            vectorOrder.push(key);
          }
          vec.push(index, (e.weight * v[j]) / 1000);
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
    var kept = keptDocs(dec, plan, n);
    // lunr's query vectors (term index → summed boost, per field), which (term, field) pairs
    // its matchData can hold, and the order each document's fields are first matched in
    var qv = fields.map(function () { return new Map(); });
    var covered = new Set();
    var seen = new Uint16Array(n);
    var order = new Uint8Array(n * nf);
    var count = new Uint8Array(n);
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
          var d = e.docs[f];
          var bit = 1 << f;
          for (var j = 0; j < d.length; j++) {
            var doc = d[j];
            if (kept[doc] && !(seen[doc] & bit)) {
              seen[doc] |= bit;
              order[doc * nf + count[doc]++] = f;
            }
          }
        });
      });
    });
    var dots = fields.map(function (_, f) { return fieldDots(dec, qv[f], f, kept, n); });
    var docs = [];
    var scores = [];
    for (var doc = 0; doc < n; doc++) {
      if (!count[doc]) continue;
      var score = 0;
      for (var i = 0; i < count[doc]; i++) {
        var f = order[doc * nf + i];
        var s = dots[f].dot[doc] / dots[f].magnitude || 0;
        score = i === 0 ? s : score + s;
      }
      docs.push(doc);
      scores.push(score);
    }
    return {
      docs: docs,
      scores: scores,
      bitmap: matcher(dec, covered, fields, n),
      under: expand,
    };
  }

  /* Documents in every required clause's answer (lunr's allRequiredMatches), as a Uint8Array
   * by document number; nothing when a required clause has no term in the index. */
  function keptDocs(dec, plan, n) {
    var required = plan.filter(function (c) { return c.required; });
    var kept = new Uint8Array(n);
    if (required.some(function (c) { return !c.terms.length; })) return kept;
    if (!required.length) return kept.fill(1);
    var level = new Uint16Array(n);
    required.forEach(function (c, r) {
      c.terms.forEach(function (t) {
        var e = dec.post.get(t);
        c.fields.forEach(function (f) {
          var d = e.docs[f];
          for (var j = 0; j < d.length; j++) if (level[d[j]] === r) level[d[j]] = r + 1;
        });
      });
    });
    for (var doc = 0; doc < n; doc++) kept[doc] = level[doc] === required.length ? 1 : 0;
    return kept;
  }

  /* dot(query vector, field vector) of field f for every kept document, summed over the query
   * terms in index order as lunr.Vector.dot does, and the query vector's magnitude. */
  function fieldDots(dec, q, f, kept, n) {
    var idx = Array.from(q.keys()).sort(function (a, b) { return a - b; });
    var squares = 0;
    idx.forEach(function (ti) {
      var v = q.get(ti);
      squares += v * v;
    });
    if (!idx.length) return { dot: null, magnitude: 0 };
    var dot = new Float64Array(n);
    idx.forEach(function (ti) {
      var e = dec.post.get(dec.terms[ti]);
      var boost = q.get(ti);
      var d = e.docs[f];
      var v = e.vals[f];
      for (var j = 0; j < d.length; j++) {
        if (kept[d[j]]) dot[d[j]] += boost * ((e.weight * v[j]) / 1000);
      }
    });
    return { dot: dot, magnitude: Math.sqrt(squares) };
  }

  /* (term or terms, field name or null) → Uint8Array by document: 1 where a (term, field)
   * pair a clause looked up has the document in its postings (null: in any field) — what
   * lunr's matchData holds. Made on first use. */
  function matcher(dec, covered, fields, n) {
    var maps = new Map();
    function mark(map, term, field) {
      var e = dec.post.get(term);
      for (var f = 0; e && f < fields.length; f++) {
        if ((field !== null && fields[f] !== field) || !covered.has(term + "\u0000" + f)) continue;
        var d = e.docs[f];
        for (var j = 0; j < d.length; j++) map[d[j]] = 1;
      }
    }
    var lists = new Map(); // expand's (memoised) lists: by identity, not by their terms
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
    joinLevels: joinLevels,
    decodePostings: decodePostings,
    toLunr: toLunr,
    lunrExpander: lunrExpander,
    rank: rank,
  };
});
