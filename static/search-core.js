/* huikan search core: the browser half of src/huikan/search/tokenize.py and shard.py.
 *
 * Pure functions, no DOM: loaded by the search page (window.huikanSearchCore) and by the
 * node tests (require). Keep every rule here in step with the Python side — the tests
 * compare both on the same strings.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.huikanSearchCore = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var CJK = "\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var CJK_RUN = new RegExp("[" + CJK + "]+", "gu");
  var GRAM_RUN = /[\p{L}\p{N}]+/gu; // letters and digits of any script, ideographs included
  var ALNUM = "(?:(?![" + CJK + "])[\\p{L}\\p{N}])";
  var LATIN_WORD = new RegExp(ALNUM + "+(?:[-.&+']" + ALNUM + "+)*", "gu");
  var LATIN_PART = new RegExp(ALNUM + "+", "gu");
  var WS = /[\s\x1c-\x1f\x85]+/gu; // JS \s plus the few spaces only Python counts
  var SPACE = /^[\s\x1c-\x1f\x85]$/u;
  var MIN_WORD = 3; // shorter words are grams already
  var MAX_WORD = 16; // longest vocabulary word looked up inside a query run
  var LONG_RUN = 12; // longer query runs need only every other bigram

  /* Field prefixes (after NFKC "来源：" is "来源:"), as FIELD_PREFIXES in query.py. */
  var FIELD_PREFIXES = {
    "标题": "title",
    title: "title",
    "集群": "cluster",
    "产业集群": "cluster",
    cluster: "cluster",
    "栏目": "column",
    column: "column",
    "来源": "source",
    "供稿": "source",
    source: "source",
    "作者": "byline",
    "署名": "byline",
    author: "byline",
    "刊名": "bulletin",
    "刊期": "bulletin",
    "简报": "bulletin",
    bulletin: "bulletin",
  };
  var PREFIX_ALT = Object.keys(FIELD_PREFIXES)
    .sort(function (a, b) {
      return b.length - a.length || (a < b ? -1 : a > b ? 1 : 0);
    })
    .join("|");

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase();
  }

  /* Normalised, with all whitespace deleted: how relevance is defined. */
  function squash(text) {
    return normalize(text).replace(WS, "");
  }

  function chars(s) {
    return Array.from(s); // code points, so astral ideographs stay whole
  }

  /* Bigram at each position of every word-character run, plus each run's last character. */
  function grams(text) {
    var out = [];
    (squash(text).match(GRAM_RUN) || []).forEach(function (run) {
      var c = chars(run);
      for (var i = 0; i + 1 < c.length; i++) out.push(c[i] + c[i + 1]);
      out.push(c[c.length - 1]);
    });
    return out;
  }

  /* Latin words and numbers of 3+ characters, and the long parts of compounds. */
  function latinWords(text) {
    var out = [];
    (normalize(text).match(LATIN_WORD) || []).forEach(function (word) {
      if (chars(word).length >= MIN_WORD) out.push(word);
      var parts = word.match(LATIN_PART) || [];
      if (parts.length > 1) {
        parts.forEach(function (p) {
          if (chars(p).length >= MIN_WORD) out.push(p);
        });
      }
    });
    return out;
  }

  /* The gram terms a query part must match: [{term, prefix}] (prefix: a lone character,
   * matched by every term that starts with it). */
  function queryGrams(part) {
    var out = [];
    var seen = Object.create(null);
    (squash(part).match(GRAM_RUN) || []).forEach(function (run) {
      var c = chars(run);
      if (c.length === 1) {
        out.push({ term: c[0], prefix: true });
        return;
      }
      gramPositions(c.length).forEach(function (i) {
        var g = c[i] + c[i + 1];
        if (!seen[g]) {
          seen[g] = true;
          out.push({ term: g, prefix: false });
        }
      });
    });
    return out;
  }

  /* Where a run's required bigrams start: all, or for long runs every other one plus the
   * last (still covering every character, with half the shards to fetch). */
  function gramPositions(n) {
    var out = [];
    var step = n > LONG_RUN ? 2 : 1;
    for (var i = 0; i + 1 < n; i += step) out.push(i);
    if (out[out.length - 1] !== n - 2) out.push(n - 2);
    return out;
  }

  /* Strings of a query part that may be vocabulary words (jieba words inside Chinese runs,
   * Latin words): the index's shards say which ones are. */
  function wordCandidates(part) {
    var out = [];
    var seen = Object.create(null);
    function add(w) {
      if (!seen[w]) {
        seen[w] = true;
        out.push(w);
      }
    }
    (squash(part).match(CJK_RUN) || []).forEach(function (run) {
      var c = chars(run);
      for (var i = 0; i < c.length; i += c.length > LONG_RUN ? 2 : 1) {
        for (var n = MIN_WORD; n <= MAX_WORD && i + n <= c.length; n++) add(c.slice(i, i + n).join(""));
      }
    });
    latinWords(part).forEach(add);
    return out;
  }

  /* Split a query into parts: "quoted phrases" (exact) and whitespace-separated words, each
   * with an optional field prefix (作者:张勇慈 → field "byline"). */
  function parseQuery(query) {
    var parts = [];
    var re = new RegExp("(?:(" + PREFIX_ALT + "):\\s*)?(?:\"([^\"]*)\"|“([^”]*)”|(\\S+))", "g");
    var q = normalize(query || "");
    var m;
    while ((m = re.exec(q))) {
      var quoted = m[4] === undefined;
      var text = quoted ? m[2] !== undefined ? m[2] : m[3] : m[4];
      var norm = squash(text).replace(/^"+|"+$/g, "");
      var gs = queryGrams(norm);
      if (!gs.length) continue; // punctuation only
      parts.push({
        text: text.trim(),
        norm: norm,
        quoted: quoted,
        field: m[1] ? FIELD_PREFIXES[m[1]] : null,
        grams: gs,
        candidates: wordCandidates(norm),
        // one run of word characters: the whole part can be confirmed as one term
        single: (norm.match(GRAM_RUN) || []).length === 1 && (norm.match(GRAM_RUN) || [])[0] === norm,
      });
    }
    return parts;
  }

  /* JavaScript string order is UTF-16 code-unit order, as the Python side sorts. */
  function shardOf(term, separators) {
    var lo = 0;
    var hi = separators.length; // shard k (k >= 1) starts at separators[k - 1]
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (separators[mid - 1] <= term) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /* The term ranges a query reads, [lowest, highest]: a term is its own range, a prefix gram
   * every term from it to it + U+FFFF (term_ranges in query.py). */
  function termRanges(parts) {
    var out = [];
    parts.forEach(function (p) {
      p.grams.forEach(function (g) {
        out.push([g.term, g.prefix ? g.term + "\uffff" : g.term]);
      });
      p.candidates.forEach(function (w) {
        out.push([w, w]);
      });
    });
    return out;
  }

  /* The directories the lookup of `ranges` needs (`bounds`: the manifest's dirs, where
   * each directory's term range starts): those of each range's ends, sorted. The shards
   * between two ends are numbered consecutively, so middle directories are not needed. */
  function groupsFor(ranges, bounds) {
    var need = new Set();
    ranges.forEach(function (r) {
      need.add(shardOf(r[0], bounds));
      need.add(shardOf(r[1], bounds));
    });
    return Array.from(need).sort(function (a, b) { return a - b; });
  }

  /* The shard of one segment holding `term`, from that segment's part of the term's
   * directory ({k, separators}: IndexFiles.group). */
  function shardIn(term, dir) {
    return dir.k + shardOf(term, dir.separators);
  }

  /* The shards of a segment holding `ranges`, sorted: a term's directory by the bounds,
   * its shard by the segment's part of that directory (`dirOf(j)` → {k: the shard holding
   * the range's lowest term, separators: the segment's inside the range}), as
   * needed_shards in query.py. */
  function shardsFor(ranges, bounds, dirOf) {
    function locate(term) {
      return shardIn(term, dirOf(shardOf(term, bounds)));
    }
    var need = new Set();
    ranges.forEach(function (r) {
      for (var k = locate(r[0]), b = locate(r[1]); k <= b; k++) need.add(k);
    });
    return Array.from(need).sort(function (a, b) { return a - b; });
  }

  /* lunr's idf (lunr.idf) of a term with `df` field postings among `n` documents. */
  function idf(df, n) {
    return Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5)));
  }

  /* Traditional → simplified (search/t2s.json: {c: "與与…" code-point pairs, p: phrases}):
   * the longest phrase at each position, else the character; as to_simplified in t2s.py. */
  function toSimplified(text, data) {
    var pairs = chars(data.c || "");
    var map = Object.create(null);
    for (var i = 0; i + 1 < pairs.length; i += 2) map[pairs[i]] = pairs[i + 1];
    var phrases = data.p || {};
    var longest = 0;
    Object.keys(phrases).forEach(function (p) {
      longest = Math.max(longest, chars(p).length);
    });
    var c = chars(text);
    var out = "";
    for (var k = 0; k < c.length; ) {
      var done = false;
      for (var n = Math.min(longest, c.length - k); n > 1; n--) {
        var key = c.slice(k, k + n).join("");
        if (Object.prototype.hasOwnProperty.call(phrases, key)) {
          out += phrases[key];
          k += n;
          done = true;
          break;
        }
      }
      if (!done) {
        out += map[c[k]] || c[k];
        k += 1;
      }
    }
    return out;
  }

  /* lunr pipeline function registered under the name the index was built with. */
  function huikanNormalize(token) {
    token.update(function (s) {
      return normalize(s);
    });
    return token.toString() ? token : undefined;
  }

  function registerPipeline(lunr) {
    if (!lunr.Pipeline.registeredFunctions.huikanNormalize) {
      lunr.Pipeline.registerFunction(huikanNormalize, "huikanNormalize");
    }
  }

  /* Normalised, whitespace-free text plus, for each of its characters, the index of the
   * original character it came from (for highlighting in the original text). */
  function normMap(text) {
    var norm = "";
    var map = [];
    var i = 0;
    for (var ch of String(text)) {
      if (!SPACE.test(ch)) {
        var n = normalize(ch);
        for (var c of n) {
          if (SPACE.test(c)) continue;
          norm += c;
          for (var u = 0; u < c.length; u++) map.push(i);
        }
      }
      i += ch.length;
    }
    map.push(i);
    return { norm: norm, map: map };
  }

  return {
    normalize: normalize,
    squash: squash,
    grams: grams,
    latinWords: latinWords,
    queryGrams: queryGrams,
    wordCandidates: wordCandidates,
    parseQuery: parseQuery,
    shardIn: shardIn,
    shardOf: shardOf,
    termRanges: termRanges,
    groupsFor: groupsFor,
    shardsFor: shardsFor,
    idf: idf,
    registerPipeline: registerPipeline,
    huikanNormalize: huikanNormalize,
    normMap: normMap,
    toSimplified: toSimplified,
    FIELD_PREFIXES: FIELD_PREFIXES,
    MIN_WORD: MIN_WORD,
  };
});
