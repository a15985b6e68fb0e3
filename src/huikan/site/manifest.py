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
from typing import Any

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
