/* huikan search index files: the manifest (and whether the site was rebuilt since), the
 * lookup directories, the term shards, levels and whole files of every segment, the stored
 * records, the facets and the traditional → simplified map — each fetched once and memoised,
 * a failed fetch retried by the next query. What a query looks up and how it ranks is
 * static/search-engine.js's (Engine builds on IndexFiles); this file only knows where each
 * part of the index lives. window.huikanSearchFiles is the IndexFiles constructor.
 */
(function () {
  "use strict";
  var core = window.huikanSearchCore;
  var postings = window.huikanSearchPostings;
  var lunr = window.lunr;
  // the index format these scripts read (FORMAT in src/huikan/search/__init__.py): a page left
  // open across an upgrade that changed it says so instead of misreading the new files
  var FORMAT = "huikan-search/10";

  function IndexFiles(indexUrl) {
    this.base = new URL(indexUrl, document.baseURI);
    this._manifest = null;
    this._checked = 0; // when the manifest was last fetched or compared (Date.now())
    this._shards = new Map();
    this._groups = new Map();
    this._docs = new Map();
    this._facets = null;
    this._levels = new Map();
    this._whole = new Map();
    this._dirs = new Map(); // the directories fetched, by number (group's, once resolved)
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
  IndexFiles.RECHECK_MS = 60000;

  function buildOf(m) {
    return [m.format, m.dv, m.fv, m.t2s, m.docs, JSON.stringify(m.segs)].join("|");
  }

  IndexFiles.prototype.reset = function () {
    this._manifest = null;
    this._t2s = null;
    this._facets = null;
    this._shards.clear();
    this._groups.clear();
    this._docs.clear();
    this._levels.clear();
    this._whole.clear();
    this._dirs = new Map(); // new: one of the old build that arrives late goes to the old map
  };

  /* Resolves to true when the site was rebuilt since the manifest in hand was fetched (the
   * engine is then reset); `now`: look even if the last look is recent. */
  IndexFiles.prototype.recheck = function (now) {
    var self = this;
    var old = this._manifest;
    if (!old || (!now && Date.now() - this._checked < this.constructor.RECHECK_MS)) {
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

  IndexFiles.prototype.manifest = function () {
    var self = this;
    if (!this._manifest) {
      this._checked = Date.now();
      this._manifest = fetchJSON(new URL("manifest.json", this.base), "no-cache").then(function (m) {
        if (m.format !== FORMAT) {
          var err = new Error("本站搜索索引已更新为新格式（" + m.format + "），请刷新页面后再搜索。");
          err.reload = true; // the page says this as it is: no network fault to retry
          throw err;
        }
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
   * the range's lowest term, separators: its shards' separators inside the range, big: the
   * terms in the range whose shard is split (a shard, a levels and a whole file: frequent
   * ones)}. */
  IndexFiles.prototype.group = function (m, j) {
    var dirs = this._dirs;
    var base = this.base;
    return memo(this._groups, j, function () {
      return fetchJSON(new URL("g/" + j + ".json?v=" + m.dv, base)).then(function (d) {
        var dir = d.k.map(function (k, s) {
          var big = d.big && d.big[s] ? d.big[s].split(" ") : [];
          return { k: k, separators: d.seps[s] ? d.seps[s].split(" ") : [], big: new Set(big) };
        });
        dirs.set(j, dir);
        return dir;
      });
    });
  };

  /* The shards of every segment holding `ranges` (core.termRanges): the directories the
   * manifest points to, fetched in parallel, then the shards they point to, in parallel.
   * `optional(term)`: true for a word the query needs only to know is in the index unless
   * it is the longest one (a sub-word of the query); such a word a directory lists as
   * split (frequent) is not fetched: the result's `known` holds it, and Engine._run
   * (search-engine.js) fetches it if it scores. `onKnown(known)` is called as soon as the directories tell. */
  IndexFiles.prototype.shardsFor = function (m, ranges, optional, onKnown) {
    var self = this;
    var groups = core.groupsFor(ranges, m.bounds);
    var known = new Set();
    return Promise.all(
      groups.map(function (j) {
        return self.group(m, j);
      })
    ).then(function (dirs) {
      var byGroup = new Map(groups.map(function (j, i) { return [j, dirs[i]]; }));
      ranges.forEach(function (r) {
        if (!optional || r[0] !== r[1] || !optional(r[0])) return;
        var dir = byGroup.get(core.shardOf(r[0], m.bounds));
        if (dir.some(function (d) { return d.big.has(r[0]); })) known.add(r[0]);
      });
      ranges = ranges.filter(function (r) { return r[0] !== r[1] || !known.has(r[0]); });
      if (onKnown) onKnown(known);
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
      var shards = [].concat.apply([], perSegment);
      shards.known = known;
      return shards;
    });
  };

  /* Shard k of segment s (each segment of documents has its own term shards). A split
   * shard whose whole file is asked for already comes from it, with its levels: a query
   * that surely scores a frequent term makes one request for it, not two. */
  IndexFiles.prototype.shard = function (m, s, k) {
    var self = this;
    var base = this.base;
    var key = s + "/" + k;
    return memo(this._shards, key, function () {
      var whole = self._whole.get(key);
      var got = whole
        ? whole.then(function (f) {
            var sh = { t: f.t, l: 1, p: f.p };
            postings.joinLevels(sh, f);
            return sh;
          })
        : fetchJSON(new URL("i/" + s + "/" + k + ".json?v=" + m.segs[s][2], base));
      return got.then(function (sh) {
        sh.s = s;
        sh.key = key;
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
  IndexFiles.prototype.doc = function (m, id) {
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
  IndexFiles.prototype.t2s = function (m) {
    if (!this._t2s) {
      var self = this;
      this._t2s = fetchJSON(new URL("t2s.json?v=" + m.t2s, this.base));
      this._t2s.catch(function () {
        self._t2s = null;
      });
    }
    return this._t2s;
  };

  IndexFiles.prototype.facets = function (m) {
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

  /* The levels file of split shard k of segment s, {l: per field, the levels of the shard's
   * documents}: for a term the query turns out to score once its shard is in hand. */
  IndexFiles.prototype.levelsFile = function (m, s, k) {
    var base = this.base;
    return memo(this._levels, s + "/" + k, function () {
      return fetchJSON(new URL("i/" + s + "/l" + k + ".json?v=" + m.segs[s][2], base));
    });
  };

  /* The whole file of split shard k of segment s: {t: [its term], p: its documents, as the
   * shard's, l: their levels}. */
  IndexFiles.prototype.wholeFile = function (m, s, k) {
    var base = this.base;
    return memo(this._whole, s + "/" + k, function () {
      return fetchJSON(new URL("i/" + s + "/w" + k + ".json?v=" + m.segs[s][2], base));
    });
  };

  /* Ask for the whole files of `words` (terms the query surely scores) where a directory
   * lists them as split, in the round of the shards rather than a round after it: the
   * directories say which shard holds a term in each segment. With the directory in hand
   * (the query's directories have come when Engine.surelyScored asks), at once: the term's
   * shard, asked for afterwards in the same task, comes from its whole file
   * (IndexFiles.shard) — no request for the shard, none for its levels. */
  IndexFiles.prototype.prefetchWhole = function (m, words) {
    var self = this;
    function ask(w, dir) {
      dir.forEach(function (d, s) {
        if (!d.big.has(w)) return;
        var k = core.shardIn(w, d);
        if (!self._shards.has(s + "/" + k)) self.wholeFile(m, s, k).catch(function () {});
      });
    }
    words.forEach(function (w) {
      var j = core.shardOf(w, m.bounds);
      var dir = self._dirs.get(j);
      if (dir) ask(w, dir);
      else self.group(m, j).then(function (d) { ask(w, d); }, function () {});
    });
  };

  window.huikanSearchFiles = IndexFiles;
})();
