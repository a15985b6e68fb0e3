"""``manifest.json``: what a build contains, for ``huikan diff`` and PR previews.

Deterministic: sorted keys, no timestamps, paths in sorted order. Shape::

    {"format": 1, "generator": "huikan X.Y.Z",
     "site": {"title", "base_url"},
     "bulletins": [{"slug", "url", "title", "number", "date", "publisher", "source_file",
                    "source_sha256", "articles", "page_count", "ocr_pages" (pages read by OCR),
                    "warnings": [{"code", "message", ...}]}],
     "errors": [{"file", "code", "reason"}],        # bulletins that could not be read
     "pages": [{"path", "url", "kind", "title", "sha256", "size", ...}],
     "search": {docs, terms, shards, index_bytes, index_gzip, store_bytes, ...} | null}

Article pages also carry bulletin, source_file, date, cluster, cluster_slug, article_title,
subtitle, column, page, index (reading order) and text_sha256.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any

import huikan
from huikan.review import REVIEW_DIR

if TYPE_CHECKING:
    from huikan.model import IngestError
    from huikan.model import Warning as IngestWarning
    from huikan.site.model import SiteModel
    from huikan.site.output import OutputDir

FORMAT = 1


def search_stats_json(stats: Any) -> dict[str, Any] | None:
    """Whatever the search module returns, as JSON data plus its summary lines."""
    if stats is None:
        return None
    data: dict[str, Any] = {}
    if is_dataclass(stats) and not isinstance(stats, type):
        data = {k: v for k, v in asdict(stats).items() if _jsonable(v)}
    elif isinstance(stats, dict):
        data = {k: v for k, v in stats.items() if _jsonable(v)}
    if hasattr(stats, "summary_lines"):
        data["summary"] = list(stats.summary_lines())
    return data


def _jsonable(v: Any) -> bool:
    try:
        json.dumps(v)
    except (TypeError, ValueError):
        return False
    return True


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(manifest: dict[str, Any]) -> bytes:
    """Sorted keys, one list item per line: readable in a diff, and fast — ``indent=`` would
    switch json to its pure-Python encoder, seconds for a large archive."""

    enc = _ENCODER.encode  # one encoder: json.dumps with options makes one per call

    lines = ["{"]
    keys = sorted(manifest)
    for i, k in enumerate(keys):
        v = manifest[k]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(v, list) and v:
            lines.append(f"{enc(k)}:[")
            lines += [enc(item) + ("," if j < len(v) - 1 else "") for j, item in enumerate(v)]
            lines.append("]" + comma)
        else:
            lines.append(f"{enc(k)}:{enc(v)}{comma}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def site_manifest(
    model: SiteModel,
    out: OutputDir,
    kinds: dict[str, dict[str, Any]],
    errors: list[IngestError],
    search: Any,
    base_url: str,
) -> dict[str, Any]:
    pages = []
    for path, rec in sorted(out.records.items()):
        if path.startswith(REVIEW_DIR + "/"):
            continue  # editors' review pages: not part of the public site (see _add_reviews)
        info = kinds.get(path, {"kind": "search-index", "title": path})
        entry = {
            "path": path,
            "url": _url_of(path),
            "sha256": rec.sha256,
            "size": rec.size,
            **info,
        }
        pages.append(entry)
    bulletins = [
        {
            "slug": b.slug,
            "url": b.url,
            "title": b.title,
            "number": b.meta.number,
            "date": b.date,
            "publisher": b.meta.publisher,
            "source_file": b.source_path.name,
            "source_sha256": b.result.sha256,
            "articles": len(b.articles),
            "page_count": b.meta.pages,
            "ocr_pages": list(b.meta.ocr_pages),
            "warnings": [_warning_json(w) for w in b.warnings],
        }
        for b in sorted(model.bulletins, key=lambda b: b.slug)
    ]
    search_json = None
    if search is not None:
        search_json = search.to_json() if hasattr(search, "to_json") else search_stats_json(search)
        # Timings and cache hit counts differ from run to run: keep only what the site is.
        search_json = {
            k: v
            for k, v in search_json.items()
            if not any(w in k for w in ("seconds", "time", "cache", "hits", "misses"))
        }
    return {
        "format": FORMAT,
        "generator": f"huikan {huikan.__version__}",
        "site": {"title": model.config.title, "base_url": base_url},
        "bulletins": bulletins,
        "errors": [{"file": e.file, "code": e.code, "reason": e.reason} for e in errors],
        "pages": pages,
        "search": search_json,
    }


def add_reviews(manifest: dict[str, Any], reviews: dict[str, str]) -> None:
    """The review folders, kept apart from the public pages: per bulletin and as a list."""
    for b in manifest["bulletins"]:
        if b["slug"] in reviews:
            b["review"] = reviews[b["slug"]]
    manifest["reviews"] = [{"bulletin": s, "url": u} for s, u in sorted(reviews.items())]


def _url_of(path: str) -> str:
    if path == "index.html":
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def _warning_json(w: IngestWarning) -> dict[str, Any]:
    return {k: v for k, v in vars(w).items() if v is not None}
