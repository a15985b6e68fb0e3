"""The theme's static files in the site: scripts and style sheets minified, others as they are."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
from pathlib import Path

from huikan.site.assets import collect_assets, default_theme

REPO = Path(__file__).resolve().parents[1]


def test_scripts_and_style_sheets_are_minified_others_copied(tmp_path):
    own = tmp_path / "static"
    own.mkdir()
    (own / "extra.min.js").write_text("var a  =  1; // kept as it is\n", "utf-8")
    (own / "note.txt").write_text("/* not a style sheet */\n", "utf-8")
    theme = default_theme()
    assets = {a.rel: a for a in collect_assets([own, theme.static], theme.lunr)}
    for name in (
        "search.js",
        "search-view.js",
        "search-engine.js",
        "search-files.js",
        "search-judge.js",
        "search-trend.js",
        "search-core.js",
        "search-postings.js",
        "search-rank.js",
        "site.css",
        "search.css",
    ):
        a = assets[f"assets/{name}"]
        source = a.src.read_bytes()
        assert a.data is not None and len(a.data) < 0.85 * len(source), name
        assert len(gzip.compress(a.data)) < len(gzip.compress(source)), name
        assert b"/*" not in a.data.replace(b"*/*", b""), name  # comments out
    for rel in ("assets/extra.min.js", "assets/note.txt", "assets/lunr.min.js"):
        assert assets[rel].data is None, rel
    # a file's sha256 is of what the site gets (the build's reuse and its state compare it)
    search = assets["assets/search.js"]
    assert search.sha256 == hashlib.sha256(search.data).hexdigest()


def test_minified_scripts_still_load_in_node(tmp_path):
    """The core, postings, rank and judge scripts, minified, export the same functions and answer
    alike."""
    theme = default_theme()
    assets = {a.rel: a for a in collect_assets(theme.static, theme.lunr)}
    for name in ("search-core.js", "search-postings.js", "search-rank.js", "search-judge.js"):
        (tmp_path / name).write_bytes(assets[f"assets/{name}"].data)
    script = (
        "const a = require(process.argv[1] + '/search-core.js');"
        "const b = require(process.argv[2] + '/search-core.js');"
        "require(process.argv[1] + '/search-postings.js');"
        "require(process.argv[1] + '/search-rank.js');"
        "const ja = require(process.argv[1] + '/search-judge.js');"
        "const jb = require(process.argv[2] + '/search-judge.js');"
        "const q = '“半导体” 来源:经济参考报 AI芯片';"
        "const clauses = (core, j) => j.queryClauses(core.parseQuery(q).map("
        "  (p) => Object.assign(p, {words: j.partWords(p, (t) => t.length > 2)})));"
        "const same = JSON.stringify(a.parseQuery(q)) === JSON.stringify(b.parseQuery(q))"
        " && Object.keys(a).join() === Object.keys(b).join()"
        " && Object.keys(ja).join() === Object.keys(jb).join()"
        " && JSON.stringify(clauses(a, ja)) === JSON.stringify(clauses(b, jb));"
        "process.stdout.write(same ? 'same' : 'different');"
    )
    out = subprocess.run(
        ["node", "-e", script, str(tmp_path), str(REPO / "static")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "same"


def test_the_search_scripts_come_as_one_bundle_too(tmp_path):
    """assets/search.bundle.js: the six search scripts as the site gets them, in order, and
    smaller gzipped than the six files; a site's own search.js goes into it."""
    from huikan.site.assets import SEARCH_BUNDLE, SEARCH_SCRIPTS

    theme = default_theme()
    assets = {a.rel: a for a in collect_assets(theme.static, theme.lunr)}
    bundle = assets[SEARCH_BUNDLE]
    files = [assets[f"assets/{name}"] for name in SEARCH_SCRIPTS]
    texts = [a.data if a.data is not None else a.src.read_bytes() for a in files]
    assert bundle.data == b";\n".join(texts)
    assert bundle.sha256 == hashlib.sha256(bundle.data).hexdigest()
    assert len(gzip.compress(bundle.data)) < sum(len(gzip.compress(t)) for t in texts)
    own = tmp_path / "static"
    own.mkdir()
    (own / "search.js").write_text("window.ownSearch = 1;\n", "utf-8")
    mine = {a.rel: a for a in collect_assets([own, theme.static], theme.lunr)}
    assert mine[SEARCH_BUNDLE].data.endswith(b";\nwindow.ownSearch=1;")
    # a static folder without the other five scripts: no bundle
    assert SEARCH_BUNDLE not in {a.rel for a in collect_assets(own, theme.lunr)}
