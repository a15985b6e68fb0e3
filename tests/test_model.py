"""huikan.model: the records every stage shares."""

import json
from dataclasses import asdict
from pathlib import Path

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.model import IngestResult, plain

REPO = Path(__file__).resolve().parents[1]


def test_plain_is_asdict_on_real_results():
    """plain() replaces asdict() in to_json: equal values, equal JSON, for a text and a PDF
    bulletin (nested cluster reasons, block boxes as tuples, regions)."""
    config = load_config(REPO / "site.yml")
    sources = [
        sorted((REPO / "tests" / "corpus" / "pdf" / "a4-two-column").glob("*.pdf"))[0],
        sorted((REPO / "tests" / "corpus" / "seeds").glob("*.txt"))[0],
    ]
    for src in sources:
        result = ingest_file(src, config)
        records = [result.bulletin, *result.articles, *result.warnings, *result.regions]
        assert len(records) > 3
        for r in records:
            assert plain(r) == asdict(r)
            assert json.dumps(plain(r), ensure_ascii=False) == json.dumps(
                asdict(r), ensure_ascii=False
            )
        assert IngestResult.from_json(result.to_json()) == result


def test_plain_keeps_containers_and_shares_strings():
    box = (1, 2.0, 3.0, 4.0, 5.0)
    assert plain({"a": [box], "b": "x"}) == {"a": [box], "b": "x"}
    assert isinstance(plain([box])[0], tuple)
