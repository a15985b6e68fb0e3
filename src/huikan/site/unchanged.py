"""Nothing changed: recognise it before any work and leave the published site alone.

A rebuild with nothing changed used to load every cached ingest result, plan and key every
page, and re-check every file — a cost growing with the archive (73 s at 5,000 bulletins)
for a result known in advance: the same site. :func:`build_key` hashes everything a build
reads — huikan's code, the templates and static files, site.yml and the build options,
each bulletin's name, bytes and sidecar — and the build records it in the output's state
file together with the figures of its report. When the next build's key is the same and
the site is intact (its last commit finished, see huikan.site.state), the site is left as
it is and the report (warnings and unreadable bulletins included, so nothing is hidden) is
the recorded one.

The check only reads; a build that goes ahead takes the output folder's lock as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import huikan
from huikan.model import IngestError
from huikan.model import Warning as IngestWarning
from huikan.site import state

KEY_VERSION = "huikan-build-input/1"


# libraries whose version can change what a build writes (ingest, tokens, pages, index)
LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "jieba",
    "rjieba",
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "pyyaml",
    "lunr",
    "charset-normalizer",
    "numpy",
    "opencc-python-reimplemented",
    "orjson",
)


def _library_versions() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in LIBRARIES:
        try:
            out.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}: not installed")
    return out


@cache
def package_fingerprint() -> str:
    """Hash of every file of the installed huikan package (code and data) and of the
    versions of the libraries it builds with."""
    root = Path(huikan.__file__).resolve().parent
    h = hashlib.sha256(huikan.__version__.encode())
    h.update("\n".join(_library_versions()).encode())
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def build_key(
    *,
    options: dict[str, Any],
    config_bytes: bytes,
    config_repr: str,
    templates: str,
    assets: list[tuple[str, str]],
    bulletins: list[tuple[str, str]],
) -> str:
    """Hash of a build's inputs; ``bulletins``: (path under issues/, ingest cache key)."""
    data = json.dumps(
        [KEY_VERSION, package_fingerprint(), options, config_repr, templates, assets, bulletins],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    h = hashlib.sha256(data.encode("utf-8"))
    h.update(hashlib.sha256(config_bytes).digest())
    return h.hexdigest()


@dataclass
class Recorded:
    """What a build recorded of its report, to be told again when nothing changed."""

    bulletins: int = 0
    articles: int = 0
    files: int = 0
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[list[Any]] = field(default_factory=list)  # [file, reason, code, page]
    search_summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "bulletins": self.bulletins,
            "articles": self.articles,
            "files": self.files,
            "warnings": self.warnings,
            "errors": self.errors,
            "search_summary": self.search_summary,
            "notes": self.notes,
        }

    def warning_objects(self) -> list[IngestWarning]:
        return [IngestWarning(**w) for w in self.warnings]

    def error_objects(self) -> list[IngestError]:
        return [IngestError(f, r, code=c, page=p) for f, r, c, p in self.errors]


def record(
    bulletins: int,
    articles: int,
    files: int,
    warnings: list[IngestWarning],
    errors: list[IngestError],
    search_summary: list[str],
    notes: list[str],
) -> Recorded:
    return Recorded(
        bulletins,
        articles,
        files,
        [{k: v for k, v in vars(w).items() if v is not None} for w in warnings],
        [[e.file, e.reason, e.code, e.page] for e in errors],
        [line for line in search_summary if "沿用上次" not in line],
        list(notes),
    )


def unchanged_site(out: Path, key: str) -> Recorded | None:
    """The recorded report when ``out`` was built from inputs hashing to ``key`` and is
    intact (huikan.site.state: its commit finished and no top-level file or folder is
    missing; the ~200,000 files are not stat-ed one by one); None otherwise."""
    header = state.read_header(out)
    if header is None or not state.intact(out, header):
        return None
    build = header.get("build")
    if not isinstance(build, dict) or build.get("key") != key:
        return None
    try:
        return Recorded(**build["report"])
    except (KeyError, TypeError):
        return None
