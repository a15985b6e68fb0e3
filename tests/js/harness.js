// Node side of tests/test_search_js.py: runs static/search-core.js, search-postings.js,
// search-rank.js, search-trend.js, search-judge.js and lunr.js (npm) on a JSON request read
// from stdin and prints a JSON answer.
"use strict";
const path = require("path");
const core = require(path.join(__dirname, "..", "..", "static", "search-core.js"));
const rank = require(path.join(__dirname, "..", "..", "static", "search-rank.js"));
const postings = require(path.join(__dirname, "..", "..", "static", "search-postings.js"));
const trend = require(path.join(__dirname, "..", "..", "static", "search-trend.js"));
const judge = require(path.join(__dirname, "..", "..", "static", "search-judge.js"));
const lunr = require(path.join(__dirname, "..", "..", "node_modules", "lunr"));

function applyPlan(q, plan) {
  for (const c of plan) {
    q.term(c.term, {
      presence: c.required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
      wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
      usePipeline: !c.prefix,
      boost: c.boost,
      ...(c.fields ? { fields: c.fields } : {}),
    });
  }
}

// [ref, score, sorted "term field" match pairs] by document number
function lunrAnswer(index, plan) {
  return index
    .query((q) => applyPlan(q, plan))
    .map((r) => {
      const md = r.matchData.metadata;
      const pairs = [];
      for (const t of Object.keys(md)) for (const f of Object.keys(md[t])) pairs.push(t + " " + f);
      return [r.ref, r.score, pairs.sort()];
    })
    .sort((a, b) => +a[0] - +b[0]);
}

function rankAnswer(dec, manifest, plan, expand) {
  const r = rank.rank(dec, manifest, plan, expand);
  const terms = new Set();
  for (const c of plan) (c.prefix ? expand(c.term) : [core.normalize(c.term)]).forEach((t) => terms.add(t));
  return r.docs.map((d, i) => {
    const pairs = [];
    for (const t of terms) for (const f of manifest.fields) if (r.bitmap(t, f)[d] === 1) pairs.push(t + " " + f);
    return [String(d), r.scores[i], pairs.sort()];
  });
}

function run(req) {
  switch (req.op) {
    case "tokenize":
      return req.texts.map((t) => ({
        squash: core.squash(t),
        grams: core.grams(t),
        latin: core.latinWords(t),
        query: core.queryGrams(t).map((g) => [g.term, g.prefix]),
        candidates: core.wordCandidates(core.squash(t)),
      }));
    case "parse":
      return req.queries.map((q) =>
        core.parseQuery(q).map((p) => ({ norm: p.norm, quoted: p.quoted, text: p.text, field: p.field }))
      );
    case "decode": {
      const keep = req.keep ? new Set(req.keep) : null;
      const dec = postings.decodePostings(req.shards, req.manifest, keep && ((t) => keep.has(t)));
      return rank.toLunr(dec, req.manifest, null);
    }
    case "join": // split shards with their levels files, decoded as the engine does
      req.shards.forEach((sh, i) => postings.joinLevels(sh, req.levels[i]));
      return rank.toLunr(postings.decodePostings(req.shards, req.manifest, null), req.manifest, null);
    case "query": {
      if (req.register) core.registerPipeline(lunr);
      const index = lunr.Index.load(req.index);
      return req.plans.map((plan) => index.query((q) => applyPlan(q, plan)).map((r) => [r.ref, r.score]));
    }
    case "rank": {
      // per plan: rank() on the decoded shards, lunr.js on the whole index made of them, and
      // lunr.js on an index of every `every`-th result only (the page's window)
      core.registerPipeline(lunr);
      const dec = postings.decodePostings(req.shards, req.manifest, null);
      const whole = lunr.Index.load(rank.toLunr(dec, req.manifest, null));
      const expand = rank.lunrExpander(lunr, dec.terms);
      return req.plans.map((plan) => {
        const answer = lunrAnswer(whole, plan);
        const ids = answer.filter((a, i) => i % req.every === 0).map((a) => +a[0]).sort((x, y) => x - y);
        const window = lunrAnswer(lunr.Index.load(rank.toLunr(dec, req.manifest, ids)), plan);
        return { lunr: answer, rank: rankAnswer(dec, req.manifest, plan, expand), window: window };
      });
    }
    case "t2s":
      return req.texts.map((t) => core.toSimplified(t, req.map));
    case "trend":
      return req.keys.map((k) => {
        const t = trend.trendBins(k);
        return Object.assign({}, t, trend.trendGeometry(t));
      });
    case "sortHits": // [sortHits' order, Array.sort(order)'s], as ids
      return [
        judge.sortHits(req.hits.map((h) => Object.assign({}, h))).map((h) => h.id),
        req.hits.map((h) => Object.assign({}, h)).sort(judge.order).map((h) => h.id),
      ];
    case "topHits": // [topHits' ids, sortHits' first n ids, the hits' ids after topHits]
      return req.ns.map((n) => {
        const hits = req.hits.map((h) => Object.assign({}, h));
        const top = judge.topHits(hits, n).map((h) => h.id);
        const sorted = judge.sortHits(req.hits.map((h) => Object.assign({}, h))).slice(0, n);
        return [top, sorted.map((h) => h.id), hits.map((h) => h.id)];
      });
    case "sortFirst": // per n: [sortFirst's ids, sortHits' ids, `sorted`], then n2's [ids, sorted]
      return req.ns.map((n) => {
        const hits = req.hits.map((h) => Object.assign({}, h));
        judge.sortFirst(hits, n);
        const once = [hits.map((h) => h.id), hits.sorted];
        judge.sortFirst(hits, req.n2); // a page's next window, on the same list
        const full = judge.sortHits(req.hits.map((h) => Object.assign({}, h))).map((h) => h.id);
        return [once, full, [hits.map((h) => h.id), hits.sorted]];
      });
    case "rangeKeys": // [putRangeKeys' keys, rangeKey's], for hits in the order given
      return req.orders.map((ids) => {
        const hits = ids.map((id) => ({ id: id }));
        judge.putRangeKeys(hits, req.ranges, "key");
        return [hits.map((h) => h.key), ids.map((id) => judge.rangeKey(req.ranges, id))];
      });
    case "shardOf":
      return req.terms.map((t) => core.shardOf(t, req.separators));
    case "lookup": {
      // the two-level lookup of search.js: [groups fetched, shards found] per query
      // (segment req.s's part of each directory, as Engine.group in search.js reads it)
      const dirs = req.dirs.map((d) => ({
        k: d.k[req.s],
        separators: d.seps[req.s] ? d.seps[req.s].split(" ") : [],
      }));
      return req.queries.map((q) => {
        const ranges = core.termRanges(core.parseQuery(q));
        const groups = core.groupsFor(ranges, req.bounds);
        const dirOf = (j) => {
          if (groups.indexOf(j) < 0) throw new Error("directory " + j + " was not fetched");
          return dirs[j];
        };
        return [groups, core.shardsFor(ranges, req.bounds, dirOf)];
      });
    }
    default:
      throw new Error("unknown op " + req.op);
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  try {
    process.stdout.write(JSON.stringify(run(JSON.parse(input))));
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  }
});
