"""Ingest against the real sample bulletins and their gold annotations.

Every sample bulletin, as text and as each PDF layout, is ingested and scored with the
corpus's own scorer (tests/corpus/score_split.py), exactly as an editor's result would be.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.ingest.textutil import squash

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
STEMS = sorted(p.stem for p in (CORPUS / "gold").glob("0*.yml"))
LAYOUTS = ["text", *sorted(p.name for p in (CORPUS / "pdf").iterdir() if p.is_dir())]


def _source(stem: str, layout: str) -> Path:
    if layout == "text":
        return CORPUS / "seeds" / f"{stem}.txt"
    return CORPUS / "pdf" / layout / f"{stem}.pdf"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "site.yml")


@pytest.fixture(scope="module")
def results(config, tmp_path_factory):
    """Ingest every (bulletin, layout) once; score each with the corpus scorer."""
    out = {}
    tmp = tmp_path_factory.mktemp("pred")
    for layout in LAYOUTS:
        for stem in STEMS:
            res = ingest_file(_source(stem, layout), config, use_sidecar=False)
            pred = tmp / f"{layout}-{stem}.json"
            pred.write_text(json.dumps(res.to_json(), ensure_ascii=False), encoding="utf-8")
            proc = subprocess.run(
                [
                    sys.executable,
                    str(CORPUS / "score_split.py"),
                    str(CORPUS / "gold" / f"{stem}.yml"),
                    str(CORPUS / "seeds" / f"{stem}.txt"),
                    str(pred),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            out[layout, stem] = (res, json.loads(proc.stdout))
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", STEMS)
def test_split_matches_gold(results, layout, stem):
    _, score = results[layout, stem]
    assert score["f1"] >= 0.97, score
    assert score["title_acc"] >= 0.95, score
    assert score["cluster_acc"] >= 0.85, score


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", STEMS)
def test_printed_metadata_found(results, layout, stem):
    """Title, number and date are found where printed, and never invented where not."""
    res, _ = results[layout, stem]
    gold = yaml.safe_load((CORPUS / "gold" / f"{stem}.yml").read_text(encoding="utf-8"))["bulletin"]
    meta = res.bulletin
    for key in ("title", "number"):
        if gold[key] is None:
            assert getattr(meta, key) is None, (key, getattr(meta, key))
        else:
            assert squash(getattr(meta, key) or "") == squash(gold[key]), key
    assert meta.date == gold["date"]


def test_every_article_has_text_and_a_known_cluster(results, config):
    names = set(config.taxonomy.names)
    for (layout, stem), (res, _) in results.items():
        for a in res.articles:
            assert a.text.strip(), (layout, stem, a.title)
            assert a.cluster in names
            assert a.clusters and a.clusters[0] == a.cluster
            assert "**" not in a.text and not a.text.lstrip().startswith("#")


def test_pdf_articles_know_their_page(results):
    for (layout, stem), (res, _) in results.items():
        if layout == "text":
            continue
        pages = [a.page for a in res.articles]
        assert all(isinstance(p, int) and 1 <= p <= res.bulletin.pages for p in pages), (
            layout,
            stem,
            pages,
        )
        assert pages == sorted(pages), (layout, stem, pages)
