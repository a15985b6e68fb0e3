"""Content-hash cache of ingest results.

A rebuild after one new bulletin should only ingest that bulletin. The cache key covers
everything the result depends on: the file's bytes, its sidecar's bytes, the taxonomy and
the ingest code itself, so a stale entry can never be served. Entries are written to a
temporary file and renamed into place, so a crash or a concurrent build never leaves a
half-written entry behind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from huikan.config import SiteConfig
from huikan.model import IngestResult


@functools.cache
def code_fingerprint() -> str:
    """Hash of the ingest and classification source, so code changes invalidate the cache."""
    import huikan.classify
    import huikan.ingest

    h = hashlib.sha256(huikan.ingest.INGEST_VERSION.encode())
    pkg = Path(huikan.ingest.__file__).parent
    for p in sorted(pkg.glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    classify = Path(huikan.classify.__file__).parent  # the tagger and its built-in vocabulary
    for p in [*sorted(classify.glob("*.py")), classify.parent / "data" / "cluster_vocab.yml"]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    h.update(Path(huikan.ingest.__file__).parent.parent.joinpath("model.py").read_bytes())
    return h.hexdigest()


def taxonomy_fingerprint(config: SiteConfig) -> str:
    data = [(c.name, c.slug, c.aliases, c.keywords, c.vocabulary) for c in config.taxonomy.clusters]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def cache_key(path: Path, config: SiteConfig, *, use_sidecar: bool = True) -> str:
    from huikan.ingest.sidecar import sidecar_path

    h = hashlib.sha256()
    h.update(code_fingerprint().encode())
    h.update(taxonomy_fingerprint(config).encode())
    h.update(path.suffix.lower().encode())
    h.update(path.name.encode())  # the result records the file name
    h.update(hashlib.sha256(path.read_bytes()).digest())
    sc = sidecar_path(path) if use_sidecar else None
    h.update(sc.read_bytes() if sc else b"\x00no-sidecar")
    return h.hexdigest()


class IngestCache:
    """``IngestCache(dir).ingest(path, config)``: ingest_file, served from disk when unchanged."""

    def __init__(self, directory: Path | str):
        self.dir = Path(directory) / "ingest"
        self.hits = 0
        self.misses = 0

    def _entry(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> IngestResult | None:
        p = self._entry(key)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            return IngestResult.from_json(data)
        except (KeyError, TypeError):
            return None  # an entry from an incompatible version: ingest again

    def put(self, key: str, result: IngestResult) -> None:
        p = self._entry(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def ingest(self, path: Path, config: SiteConfig, *, use_sidecar: bool = True) -> IngestResult:
        from huikan.ingest import ingest_file

        path = Path(path)
        key = cache_key(path, config, use_sidecar=use_sidecar)
        hit = self.get(key)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        result = ingest_file(path, config, use_sidecar=use_sidecar)
        self.put(key, result)
        return result
