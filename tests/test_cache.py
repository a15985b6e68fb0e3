"""The ingest cache: served by content hash, invalidated by any input that matters."""

from __future__ import annotations

import shutil
from pathlib import Path

from huikan.cache import IngestCache
from huikan.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "corpus" / "seeds" / "000_16d7673c136be7b7.txt"


def test_hit_after_miss_returns_the_same_result(tmp_path):
    config = load_config(ROOT / "site.yml")
    src = tmp_path / "a.md"
    shutil.copy(SEED, src)
    cache = IngestCache(tmp_path / "cache")
    first = cache.ingest(src, config)
    second = IngestCache(tmp_path / "cache").ingest(src, config)
    assert (cache.misses, cache.hits) == (1, 0)
    assert second.to_json() == first.to_json()


def test_changes_to_file_sidecar_or_taxonomy_invalidate(tmp_path):
    config = load_config(ROOT / "site.yml")
    src = tmp_path / "a.md"
    shutil.copy(SEED, src)
    cache = IngestCache(tmp_path / "cache")
    cache.ingest(src, config)
    cache.ingest(src, config)
    assert (cache.misses, cache.hits) == (1, 1)
    src.with_suffix(".yml").write_text("date: 2024-05\n", encoding="utf-8")
    assert cache.ingest(src, config).bulletin.date == "2024-05"
    config.taxonomy.clusters[0].keywords.append("新关键词")
    cache.ingest(src, config)
    src.write_text(src.read_text(encoding="utf-8") + "\n补记一段。\n", encoding="utf-8")
    cache.ingest(src, config)
    assert (cache.misses, cache.hits) == (4, 1)


def test_corrupt_entry_is_ignored(tmp_path):
    config = load_config(ROOT / "site.yml")
    src = tmp_path / "a.md"
    shutil.copy(SEED, src)
    cache = IngestCache(tmp_path / "cache")
    cache.ingest(src, config)
    for p in (tmp_path / "cache").rglob("*.json"):
        p.write_text("{truncated", encoding="utf-8")
    res = IngestCache(tmp_path / "cache").ingest(src, config)
    assert len(res.articles) == 10


def test_the_code_fingerprint_covers_config_classifier_data_and_version():
    """An upgrade or an edit of anything that shapes an ingest result must miss the cache."""
    import huikan
    from huikan.cache import code_fingerprint, fingerprint_files, package_version

    pkg = Path(huikan.__file__).resolve().parent
    names = {p.relative_to(pkg).as_posix() for p in fingerprint_files()}
    for must in ("model.py", "data/cluster_vocab.yml", "ingest/split.py"):
        assert must in names
    assert {"config.py", "schema.py", "ingest/sidecar.py"} <= names
    # OCR's re-reading of uncertain characters asks jieba's dictionary
    assert {"ingest/ocr/lexicon.py", "jiebautil.py"} <= names
    assert any(n.startswith("classify/") for n in names)
    assert package_version() != "unknown"  # installed (editable or wheel)
    assert package_version("jieba") != "unknown"
    assert len(code_fingerprint()) == 64
