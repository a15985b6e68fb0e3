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
from typing import TYPE_CHECKING

from huikan.config import SiteConfig
from huikan.model import IngestResult

if TYPE_CHECKING:
    from huikan.filedigest import FileDigests
    from huikan.ingest.ocr.pages import OcrOptions

# What an ingest result depends on besides its inputs: these modules and packages of huikan
# (relative to the package folder), every data file, the installed version, and jieba's
# (its dictionary decides how OCR re-reads an uncertain character: ingest/ocr/lexicon.py).
FINGERPRINT_SOURCES = (
    "ingest",
    "classify",
    "config.py",
    "config_errors.py",
    "schema.py",
    "model.py",
    "jiebautil.py",
)


def package_version(name: str = "huikan") -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:  # running from a checkout without installing
        return "unknown"


def fingerprint_files() -> list[Path]:
    """The package files the ingest result depends on (sorted)."""
    import huikan

    pkg = Path(huikan.__file__).resolve().parent
    files: list[Path] = []
    for name in (*FINGERPRINT_SOURCES, "data"):
        p = pkg / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files += [f for f in p.rglob("*") if f.is_file() and f.suffix != ".pyc"]
    return sorted(files)


@functools.cache
def code_fingerprint() -> str:
    """Hash of the installed version and of the ingest, classification and configuration code
    and data (the built-in vocabulary …), so an upgrade or a code change invalidates the cache."""
    import huikan
    import huikan.ingest

    pkg = Path(huikan.__file__).resolve().parent
    h = hashlib.sha256(huikan.ingest.INGEST_VERSION.encode())
    h.update(package_version().encode() + b"\0")
    h.update(package_version("jieba").encode() + b"\0")
    for p in fingerprint_files():
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def taxonomy_fingerprint(config: SiteConfig) -> str:
    data = [(c.name, c.slug, c.aliases, c.keywords, c.vocabulary) for c in config.taxonomy.clusters]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def cache_key(
    path: Path,
    config: SiteConfig,
    *,
    use_sidecar: bool = True,
    digests: FileDigests | None = None,
    taxonomy: str | None = None,
) -> str:
    """The ingest result's key; ``digests`` remembers the file's hash across builds;
    ``taxonomy``: ``taxonomy_fingerprint(config)`` when the caller keys many files."""
    from huikan.ingest.sidecar import sidecar_path

    h = hashlib.sha256()
    h.update(code_fingerprint().encode())
    h.update((taxonomy or taxonomy_fingerprint(config)).encode())
    h.update(path.suffix.lower().encode())
    h.update(path.name.encode())  # the result records the file name
    h.update(digests.digest(path) if digests else hashlib.sha256(path.read_bytes()).digest())
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

    def ocr_options(self, jobs: int = 1, progress: bool | None = None) -> OcrOptions:
        """OCR settings that keep recognised pages next to the ingest results (``ocr/``), so a
        change to the splitter re-splits scanned bulletins without reading them again."""
        from huikan.ingest.ocr.pages import OcrOptions

        return OcrOptions(jobs=jobs, cache_dir=self.dir.parent / "ocr", progress=progress)

    def ingest(
        self,
        path: Path,
        config: SiteConfig,
        *,
        use_sidecar: bool = True,
        ocr: OcrOptions | None = None,
    ) -> IngestResult:
        from huikan.ingest import ingest_file

        path = Path(path)
        key = cache_key(path, config, use_sidecar=use_sidecar)
        hit = self.get(key)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        result = ingest_file(path, config, use_sidecar=use_sidecar, ocr=ocr or self.ocr_options())
        self.put(key, result)
        return result
