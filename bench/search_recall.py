"""Recall of a search engine on a built site: which articles are relevant to a query, and
how many of them the engine returns (bench/search.py, bench/scale.py).

Relevance is judged on the stored texts (``search/`` of the built site): an article is
relevant when every whitespace-separated part of the query, squashed (NFKC, no white
space), occurs in its title or its text — or, for the metadata variant, in its column,
source, byline, bulletin or cluster names.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _aliases(cluster: list) -> list[str]:
    """A manifest cluster entry is [name, slug] or [name, slug, aliases]."""
    return list(cluster[2]) if len(cluster) > 2 else []


def query_parts(query: str) -> list[str]:
    """A query's whitespace-separated parts, squashed as the stored texts are."""
    return [squash(p) for p in query.split()]


def relevant(parts: list[str], text: str) -> bool:
    """The relevance rule of both recall measures: every part of the query
    (:func:`query_parts`) occurs in the text (:func:`stored_text`)."""
    return all(p in text for p in parts)


def recall(browser, base: str, page_name: str, queries: list[str], docs: dict) -> dict:
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base + page_name)
    page.wait_for_function("window.benchReady === true")
    found = wanted = 0
    precision = []
    per_query = {}
    for q in queries:
        answer = page.evaluate("([q]) => window.run(q, 100000)", [q])
        urls = [unquote(u).strip("/") for u in answer["urls"]]
        parts = query_parts(q)
        rel = {u for u, t in docs.items() if relevant(parts, t)}
        hit = len(rel & set(urls))
        found += hit
        wanted += len(rel)
        top = urls[:10]
        if top:
            precision.append(sum(relevant(parts, docs.get(u, "")) for u in top) / len(top))
        per_query[q] = (hit, len(rel), len(urls))
    ctx.close()
    return {
        "recall": found / wanted if wanted else 1.0,
        "precision": statistics.mean(precision) if precision else 0.0,
        "per_query": per_query,
    }


def stored_text(record: dict) -> str:
    """What a query is matched against for relevance: the article's title and text, each
    squashed (:func:`squash`), joined by NUL. A query is not expected to match across the
    title's end and the text's start (generated titles are cut from the text, so some
    would)."""
    return squash(record["title"]) + "\0" + squash(record["text"])


def stored_texts(search_dir: Path) -> list[str]:
    """:func:`stored_text` of every stored article of a built ``search/`` folder, in
    document order."""
    sys.path.insert(0, str(REPO / "src"))
    from huikan.search.store import read_store

    return [stored_text(d) for d in read_store(search_dir)]


def match_recall(browser, base: str, page_name: str, queries: list[str], texts: list[str]) -> dict:
    """Recall over every match, at any archive size: the engine's matches (``window: 0``, so
    no records are fetched — :func:`recall` asks for every result's record, tens of
    thousands at 80,000 articles) by document number, against the articles whose title or
    text (``texts``: :func:`stored_texts`) holds every whitespace-separated part of the
    query."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base + page_name)
    page.wait_for_function("window.benchReady === true")
    found = wanted = 0
    for q in queries:
        ids = set(
            page.evaluate(
                """async ([q]) => {
                  const r = await new huikanSearchEngine("search/").search(q, {window: 0});
                  return r.all.map((h) => h.id);
                }""",
                [q],
            )
        )
        parts = query_parts(q)
        rel = {i for i, t in enumerate(texts) if relevant(parts, t)}
        found += len(rel & ids)
        wanted += len(rel)
    ctx.close()
    return {"recall": found / wanted if wanted else 1.0, "found": found, "wanted": wanted}


def relevance_texts(site: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Per article URL, what relevance is judged on: its title and text
    (:func:`stored_text`), and that plus the article's metadata (column, source, byline,
    bulletin) and its cluster's names — what huikan's search fields cover (issue 13)."""
    sys.path.insert(0, str(REPO / "src"))
    from huikan.search.store import read_store

    store = read_store(site / "search")
    docs = {d["url"].strip("/"): stored_text(d) for d in store}
    clusters = json.loads((site / "search" / "manifest.json").read_text("utf-8"))["clusters"]
    meta_docs = {
        d["url"].strip("/"): docs[d["url"].strip("/")]
        + "|"
        + "|".join(squash(d.get(k, "")) for k in ("column", "source", "byline", "bulletin"))
        + "|"
        + "|".join(
            squash(n) for n in [clusters[d["cluster"]][0], *_aliases(clusters[d["cluster"]])]
        )
        for d in store
    }
    return docs, meta_docs
