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


def sample_terms(config) -> tuple[list[str], list[dict[str, list[str]]]]:
    """(urls, [{field: terms}]) of the gold sample articles, every index field, tokenised
    with ``config``'s tokenizer."""
    from huikan.search.index import FIELDS
    from huikan.search.indexing import field_values
    from huikan.search.store import plain_text
    from huikan.search.tokenize import Tokenizer

    tok = Tokenizer.for_config(config)
    docs = list(gold_docs())
    values = field_values(docs, [plain_text(d.body) for d in docs], config)
    return [d.url for d in docs], [
        {f: tok.terms(values[f][i]) for f in FIELDS} for i in range(len(docs))
    ]


def encode(token_docs):
    """A vocabulary of the documents' terms, and each document's fields encoded in it."""
    from huikan.search.vocab import Vocabulary

    vocab = Vocabulary()
    return vocab, [{f: vocab.encode(t) for f, t in d.items()} for d in token_docs]
