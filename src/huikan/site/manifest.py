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

A rebuild re-encodes only the entries that changed (:class:`PreviousLines`): at 5,000
bulletins the list has ~200,000 entries, and encoding them all took ~1.7 s of every rebuild.
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


# How an entry's fields other than path, url, sha256 and size are fixed (see PreviousLines).
BY_KEY = "key"  # by the file's key: the key hashes the page's kind, title and meta
BY_PATH = "path"  # by its path alone: a search index file (kind and file name), see _search_line


def _search_line(path: str, sha256: str, size: int) -> bytes:
    """A search index file's entry, formatted directly: what the encoder makes of
    ``{"kind": "search-index", "title": <file name>, "path", "url", "sha256", "size"}`` (keys
    sorted), at a fifth of its cost; ~100,000 such entries at 5,000 bulletins."""
    return b'{"kind":"search-index","path":%b,"sha256":%b,"size":%d,"title":%b,"url":%b}' % (
        compact(path),
        compact(sha256),
        int(size),
        compact(path.rsplit("/", 1)[-1]),
        compact(_url_of(path)),
    )


@dataclass
class PreviousLines:
    """The previous build's ``manifest.json`` entries, encoded, by path: reused for the files
    whose entry cannot have changed.

    An entry is the file's path, URL, hash and size plus its ``kinds`` fields. For a page
    keyed by its inputs the key hashes those fields too (``build.page_key``), and a search
    index file's are its kind and name: such an entry is the same when the file's hash and
    size (and for a page its key) are the ones the previous build recorded. The previous
    manifest is used only when it is the file that build recorded (its hash) and was written
    by the same code (``code``, kept in the state file), so its lines are in the recorded
    files' order, one per file.
    """

    lines: dict[str, bytes] = field(default_factory=dict)
    previous: dict[str, tuple] = field(default_factory=dict)  # rel → (key, sha, size)

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
        paths = [p for p in prev if p != "manifest.json" and not p.startswith(_REVIEW)]
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

    def same_file(self, path: str, rec: Any) -> bytes | None:
        """The previous line of a BY_PATH entry (path, hash and size are all it holds) when
        the file's hash and size are the recorded ones: ~140,000 search index files at 5,000
        bulletins, most of them unchanged by a new issue, were formatted again each build."""
        line = self.lines.get(path)
        if line is None:
            return None
        _key, sha, size = self.previous[path]
        return line if sha == rec.sha256 and size == rec.size else None

    def get(self, path: str, rec: Any) -> bytes | None:
        """The previous line of a BY_KEY entry when it cannot have changed (the same file,
        made from the same key); else None."""
        line = self.same_file(path, rec)
        return line if line is not None and self.previous[path][0] == rec.key else None


_REVIEW = REVIEW_DIR + "/"


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
    """The manifest; ``how`` tells what fixes each file's entry (BY_KEY, BY_PATH), so that
    entries found unchanged are taken from ``previous``."""
    how = how or {}
    previous = previous or PreviousLines()
    pages: list[Any] = []
    for path, rec in sorted(out.records.items()):
        if path.startswith(_REVIEW):
            continue  # editors' review pages: not part of the public site (see _add_reviews)
        way = how.get(path)
        line = None
        if way == BY_PATH:  # the same bytes at the same path: the same line
            line = previous.same_file(path, rec) or _search_line(path, rec.sha256, rec.size)
        elif way == BY_KEY:
            line = previous.get(path, rec)
        if line is not None:
            pages.append(line)
            continue
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
