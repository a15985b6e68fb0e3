"""`huikan ingest FILE [--json]`: the documented JSON shape and the editor's table."""

from __future__ import annotations

import json
from pathlib import Path

from huikan.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "corpus" / "seeds" / "001_28e078b2854192ad.txt"


def test_json_shape(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert (
        main(["--config", str(ROOT / "site.yml"), "ingest", str(SEED), "--json", "--no-cache"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    b = data["bulletin"]
    assert set(b) >= {"title", "publisher", "number", "date", "source_file", "pages"}
    assert (b["title"], b["date"], b["source_file"]) == ("江苏创业投资", "2024-12-31", SEED.name)
    for a in data["articles"]:
        assert set(a) >= {
            "title",
            "subtitle",
            "column",
            "cluster",
            "clusters",
            "byline",
            "source",
            "page",
            "text",
        }
        assert isinstance(a["clusters"], list) and a["cluster"] == a["clusters"][0]
    assert len(data["articles"]) == 10


def test_table_for_editors(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(ROOT / "site.yml"), "ingest", str(SEED), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "共 10 篇文章" in out
    assert "加快推进电力市场建设" in out and "新能源" in out and "经济参考报" in out


def test_missing_file_and_bad_file(capsys, tmp_path):
    assert main(["ingest", str(tmp_path / "nope.pdf")]) == 2
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    assert main(["ingest", str(bad), "--no-cache"]) == 1
    assert "bad.pdf" in capsys.readouterr().err
