// Node side of tests/test_search_js.py: runs static/search-core.js and lunr.js (npm) on a
// JSON request read from stdin and prints a JSON answer.
"use strict";
const path = require("path");
const core = require(path.join(__dirname, "..", "..", "static", "search-core.js"));
const lunr = require(path.join(__dirname, "..", "..", "node_modules", "lunr"));

function required(plan) {
  return plan.filter((c) => c.required).map((c) => ({ term: c.term, prefix: !!c.prefix, fields: c.fields || null }));
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
      return core.decodeShards(req.shards, req.manifest, keep && ((t) => keep.has(t)));
    }
    case "query": {
      if (req.register) core.registerPipeline(lunr);
      // with `shards`, each plan runs on the shards decoded for it (its required clauses)
      const whole = req.index && lunr.Index.load(req.index);
      return req.plans.map((plan) =>
        (whole || lunr.Index.load(core.decodeShards(req.shards, req.manifest, null, required(plan))))
          .query((q) => {
            for (const c of plan) {
              q.term(c.term, {
                presence: c.required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL,
                wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE,
                usePipeline: !c.prefix,
                boost: c.boost,
                ...(c.fields ? { fields: c.fields } : {}),
              });
            }
          })
          .map((r) => [r.ref, r.score])
      );
    }
    case "t2s":
      return req.texts.map((t) => core.toSimplified(t, req.map));
    case "trend":
      return req.keys.map((k) => {
        const t = core.trendBins(k);
        return Object.assign({}, t, core.trendGeometry(t));
      });
    case "shardOf":
      return req.terms.map((t) => core.shardOf(t, req.separators));
    case "lookup": {
      // the two-level lookup of search.js: [groups fetched, shards found] per query
      const dirs = req.dirs.map((d) => ({ k: d.k, separators: d.seps ? d.seps.split(" ") : [] }));
      return req.queries.map((q) => {
        const ranges = core.termRanges(core.parseQuery(q));
        const groups = core.groupsFor(ranges, req.coarse);
        const dirOf = (j) => {
          if (groups.indexOf(j) < 0) throw new Error("directory " + j + " was not fetched");
          return dirs[j];
        };
        return [groups, core.shardsFor(ranges, req.coarse, dirOf)];
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
