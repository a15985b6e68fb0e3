/* huikan search postings: a query's shards decoded into typed arrays, per term and field
 * (documents and their 1000 × tf-part values), with lunr's idf from every segment's postings.
 *
 * The format is written by huikan/search/postings.py and huikan/search/shard.py (a shard's
 * terms and, per field, a string of base64url gaps and impact levels); a frequent term's
 * levels come in a file of their own (joinLevels). Decoding is here, apart from the ranking
 * (static/search-rank.js), because it is the half that follows the file format.
 *
 * Pure functions, no DOM: window.huikanSearchPostings on the page, require() in the node tests.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-core.js"));
  else root.huikanSearchPostings = factory(root.huikanSearchCore);
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

  return {
    joinLevels: joinLevels,
    decodePostings: decodePostings,
  };
});
