"""Sample articles for the search tests, straight from the gold corpus (no build needed):
each gold article's title and its body lines from the seed text."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from huikan.search import SearchDoc

CORPUS = Path(__file__).resolve().parent / "corpus"
DEV_QUERIES = CORPUS / "queries" / "dev.txt"


@cache
def gold_docs() -> tuple[SearchDoc, ...]:
    docs = []
    for gold in sorted((CORPUS / "gold").glob("*.yml")):
        g = yaml.safe_load(gold.read_text("utf-8"))
        lines = (CORPUS / "seeds" / g["source"]).read_text("utf-8").split("\n")
        b = g["bulletin"]
        for i, a in enumerate(g["articles"]):
            docs.append(
                SearchDoc(
                    url=f"{gold.stem}/{i:02d}/",
                    title=a["title"],
                    body="\n".join(lines[a["body_start"] - 1 : a["end_line"]]),
                    date=b.get("date") or b.get("date_guess"),
                    cluster=a["cluster"],
                    cluster_slug="x",
                    bulletin=" ".join(x for x in (b.get("title"), b.get("number")) if x),
                    bulletin_slug=gold.stem,
                    column=a.get("column") or "",
                    source=a.get("source") or "",
                    byline=a.get("byline") or "",
                )
            )
    return tuple(docs)


def dev_queries() -> list[str]:
    lines = DEV_QUERIES.read_text("utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]
