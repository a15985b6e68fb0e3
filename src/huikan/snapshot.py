"""What the site needs of every cached ingest result, in one file: no article bodies.

A rebuild after one new issue used to read every cached ingest result back (one JSON file
per bulletin, bodies twice over as text and Markdown, plus the page regions of the review)
only to find that almost every page was unchanged: at 5,000 bulletins that alone outgrew the
whole rebuild's budget. The pages that stay unchanged need only what lists and keys show —
titles, metadata, clusters, warnings — and an article's opening for excerpts; the few
pages that are rendered load their bulletin's full result on demand (``BulletinEntry.full``).

``.huikan-cache/results-snapshot/<shard>.marshal`` map each ingest cache key to that slim
result (marshal: the fastest Python reader for plain data), the keys spread over
:data:`SHARDS` files by a hash of the key. The key names the content, so an entry can never
be stale; a shard is rewritten only when its set of keys changed — a new issue rewrites one
sixteenth of the archive's results, not all of it (0.5–0.7 s a rebuild at 5,000 bulletins) —
and losing them only costs one slower build. An article's ``text`` in a slim result is
empty: its opening (the ~200 characters excerpts are cut from) and its hash travel beside it
(``SlimArticle``).
The snapshot's format names the excerpt rule's version: a change to it must change FORMAT.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from huikan.model import IngestResult

DIR = "results-snapshot"
OLD_FILE = "results-snapshot.marshal"  # the one-file snapshot of earlier versions
FORMAT = "huikan-results-snapshot/3"
SHARDS = 16


def shard_of(key: str) -> str:
    """The shard file name of ``key`` (any string; ingest keys are hex digests)."""
    return f"{hashlib.blake2b(key.encode(), digest_size=2).digest()[0] % SHARDS:02d}.marshal"


@dataclass(frozen=True)
class SlimArticle:
    """What a slim result keeps of an article's body."""

    lead: str  # what its excerpts are cut from (site.markup.excerpt_source)
    text_sha256: str


def lead_of(text: str) -> str:
    from huikan.site.markup import excerpt_source

    return excerpt_source(text)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slim(result: IngestResult) -> dict:
    """The plain data of a slim result (see :func:`unslim`)."""
    data = result.to_json()
    data["regions"], data["leftover"], data["page_sizes"] = [], [], []
    for a in data["articles"]:
        text = a["text"]
        a["lead"], a["text_sha256"] = lead_of(text), text_sha256(text)
        a["text"], a["markdown"], a["cluster_why"] = "", "", None
    return data


def unslim(data: dict) -> tuple[IngestResult, list[SlimArticle]]:
    """The slim result (bodies empty, no regions) and its articles' leads and hashes."""
    bodies = [SlimArticle(a.pop("lead"), a.pop("text_sha256")) for a in data["articles"]]
    return IngestResult.from_json(data), bodies


def thaw(data: dict) -> tuple[IngestResult, list[SlimArticle]]:
    """:func:`unslim` of a copy: ``data`` stays as it is, to be saved."""
    return unslim({**data, "articles": [dict(a) for a in data["articles"]]})


class ResultSnapshot:
    """The slim results of the last build, by ingest cache key."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir) / DIR
        self.old_file = Path(cache_dir) / OLD_FILE
        self.entries: dict[str, dict] = {}
        self._loaded: dict[str, frozenset[str]] = {}  # shard → the keys it held
        for i in range(SHARDS):
            name = f"{i:02d}.marshal"
            try:  # loads(read()): load(file) reads the file in many small pieces
                data = marshal.loads((self.dir / name).read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                continue
            if isinstance(data, dict) and data.get("format") == FORMAT:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self.entries.update(entries)
                    self._loaded[name] = frozenset(entries)

    def take(self, key: str) -> tuple[IngestResult, list[SlimArticle]] | None:
        """The slim result under ``key`` (it can be taken once), or None."""
        data = self.entries.get(key)
        if data is None:
            return None
        try:
            return thaw(data)
        except (KeyError, TypeError):
            return None

    def save(self, results: dict[str, IngestResult | dict]) -> None:
        """Keep exactly ``results`` (key → full result, or the slim data already held);
        only the shards whose keys changed are written."""
        shards: dict[str, dict[str, IngestResult | dict]] = {}
        for k, v in results.items():
            shards.setdefault(shard_of(k), {})[k] = v
        for i in range(SHARDS):
            name = f"{i:02d}.marshal"
            part = shards.get(name, {})
            if self._loaded.get(name) == frozenset(part):
                continue
            entries = {k: v if isinstance(v, dict) else slim(v) for k, v in sorted(part.items())}
            self._write(name, {"format": FORMAT, "entries": entries})
        self.old_file.unlink(missing_ok=True)

    def _write(self, name: str, data: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(marshal.dumps(data))
            os.replace(tmp, self.dir / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
