"""``manifest.json``: what a build contains, for ``huikan diff`` and PR previews.

Deterministic: sorted keys, no timestamps, paths in sorted order. Shape::

    {"format": 1, "generator": "huikan X.Y.Z",
     "site": {"title", "base_url"},
     "bulletins": [{"slug", "url", "title", "number", "date", "publisher", "source_file",
                    "source_sha256", "articles", "page_count", "ocr_pages" (pages read by OCR),
                    "warnings": [{"code", "message", ...}]}],
     "errors": [{"file", "code", "reason"}],        # bulletins that could not be read
     "pages": [{"path", "url", "kind", "title", "sha256", "size", ...}],
     "search": {docs, terms, shards, files, index_bytes, index_gzip, store_bytes, ...} | null}

Article pages also carry bulletin, source_file, date, cluster, cluster_slug, article_title,
subtitle, column, page, index (reading order) and text_sha256.

``pages`` lists every file of the site but the search index's (``search/`` beside the search
page): those are counted and sized in ``search``. Format 1 listed each of them — 140,000 of
the 240,000 entries at 5,000 bulletins (103 MB; 77 MB without them), which every rebuild
read and wrote and ``huikan diff`` parsed twice, for files no reviewer reads one by one.

A rebuild re-encodes only the entries that changed (:class:`PreviousLines`): at 5,000
bulletins the list has ~100,000 entries, and encoding them all took ~1 s of every rebuild.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import huikan
from huikan.compactjson import dumps as compact
from huikan.review import REVIEW_DIR
from huikan.site.urls import SEARCH_DIR, SEARCH_PAGE

if TYPE_CHECKING:
    from huikan.model import IngestError
    from huikan.model import Warning as IngestWarning
    from huikan.site.model import BulletinEntry, SiteModel
    from huikan.site.output import OutputDir

FORMAT = 2  # 2: the search index's files are counted in "search", not listed


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


def dumps(manifest: dict[str, Any]) -> bytes:
    """Sorted keys, one list item per line: readable in a diff, and fast — ``indent=`` would
    switch json to its pure-Python encoder, seconds for a large archive. Items that are
    bytes (no JSON value is) are taken as they are: entries already encoded."""

    def item(v: Any) -> bytes:
        return v if isinstance(v, bytes) else compact(v)

    lines = [b"{"]
    keys = sorted(manifest)
    for i, k in enumerate(keys):
        v = manifest[k]
        comma = b"," if i < len(keys) - 1 else b""
        if isinstance(v, list) and v:
            lines.append(compact(k) + b":[")
            lines.append(b",\n".join(map(item, v)))  # entries already encoded: not copied
            lines.append(b"]" + comma)
        else:
            lines.append(compact(k) + b":" + compact(v) + comma)
    lines.append(b"}")
    return b"\n".join(lines) + b"\n"


# An entry whose fields other than path, url, sha256 and size are fixed by the file's key:
# the key hashes the page's kind, title and meta (see PreviousLines).
BY_KEY = "key"


def listed(path: str) -> bool:
    """Whether ``pages`` lists the file: all but the search index's and the review pages."""
    if path.startswith(_REVIEW):
        return False
    return not path.startswith(_SEARCH) or path == SEARCH_PAGE


@dataclass
class PreviousLines:
    """The previous build's ``manifest.json`` entries, encoded, by path: reused for the files
    whose entry cannot have changed.

    An entry is the file's path, URL, hash and size plus its ``kinds`` fields. For a page
    keyed by its inputs the key hashes those fields too (``site.keys.page_key``): such an entry
    is the same when the file's hash, size and key are the ones the previous build recorded.
    The previous manifest is used only when it is the file that build recorded (its hash) and
    was written by the same code (``code``, kept in the state file), so its lines are in the
    recorded files' order, one per :func:`listed` file.
    """

    lines: dict[str, bytes] = field(default_factory=dict)
    previous: dict[str, tuple] = field(default_factory=dict)  # rel → (key, sha, size, files)

    @classmethod
    def load(cls, out: OutputDir, code: str) -> PreviousLines:
        prev = out.previous_records()
        rec = prev.get("manifest.json")
        if rec is None or out.prev_build.get("code") != code:
            return cls()
        try:
            data = (Path(out.out) / "manifest.json").read_bytes()
        except OSError:
            return cls()
        if len(data) != rec[2] or hashlib.sha256(data).hexdigest() != rec[1]:
            return cls()
        # the recorded files are in path order (huikan.site.state): no sort needed
        paths = [p for p in prev if p != "manifest.json" and listed(p)]
        start = data.find(b'\n"pages":[\n')
        if start < 0 or not paths or any(a >= b for a, b in itertools.pairwise(paths)):
            return cls()
        # no raw newline inside a JSON line: the entries are the first len(paths) lines
        lines = data[start + len(b'\n"pages":[\n') :].split(b",\n", len(paths) - 1)
        last, newline, rest = lines[-1].partition(b"\n")
        if len(lines) != len(paths) or not newline or not rest.startswith(b"]"):
            return cls()
        lines[-1] = last
        return cls(dict(zip(paths, lines, strict=True)), prev)

    def get(self, path: str, rec: Any) -> bytes | None:
        """The previous line of a BY_KEY entry when it cannot have changed (the same file,
        made from the same key); else None."""
        line = self.lines.get(path)
        if line is None:
            return None
        key, sha, size, _ = self.previous[path]
        return line if sha == rec.sha256 and size == rec.size and key == rec.key else None


_REVIEW = REVIEW_DIR + "/"
_SEARCH = SEARCH_DIR + "/"


def site_manifest(
    model: SiteModel,
    out: OutputDir,
    kinds: dict[str, dict[str, Any]],
    errors: list[IngestError],
    search: Any,
    base_url: str,
    how: dict[str, str] | None = None,
    previous: PreviousLines | None = None,
) -> dict[str, Any]:
    """The manifest; ``how`` tells which entries are fixed by their file's key (BY_KEY), so
    that those found unchanged are taken from ``previous``. The review pages (editors', not
    part of the public site, see add_reviews) and the search index's files (counted in
    ``search``) are not listed."""
    how = how or {}
    previous = previous or PreviousLines()
    pages: list[Any] = []
    index_files = 0
    for path, rec in sorted(out.records.items()):
        if not listed(path):
            index_files += rec.files if path.startswith(_SEARCH) else 0
            continue
        line = previous.get(path, rec) if how.get(path) == BY_KEY else None
        if line is not None:
            pages.append(line)
            continue
        info = kinds.get(path, {"kind": "other", "title": path})
        entry = {
            "path": path,
            "url": _url_of(path),
            "sha256": rec.sha256,
            "size": rec.size,
            **info,
        }
        pages.append(entry)
    bulletins = [_bulletin_json(b) for b in sorted(model.bulletins, key=lambda b: b.slug)]
    search_json = None if search is None else _search_json(search, index_files)
    return {
        "format": FORMAT,
        "generator": f"huikan {huikan.__version__}",
        "site": {"title": model.config.title, "base_url": base_url},
        "bulletins": bulletins,
        "errors": [{"file": e.file, "code": e.code, "reason": e.reason} for e in errors],
        "pages": pages,
        "search": search_json,
    }


def _bulletin_json(b: BulletinEntry) -> dict[str, Any]:
    """A bulletin's entry: what ``huikan diff`` compares between two builds."""
    return {
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


def _search_json(search: Any, index_files: int) -> dict[str, Any]:
    """The search step's figures without those that differ from run to run (timings, cache
    hits, articles indexed again), so that the manifest names only what the site is; plus the
    index's file count."""
    search_json = search.to_json() if hasattr(search, "to_json") else search_stats_json(search)
    search_json = {
        k: v
        for k, v in search_json.items()
        if not any(w in k for w in ("seconds", "time", "cache", "hits", "misses", "reindexed"))
    }
    search_json["files"] = index_files
    return search_json


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
