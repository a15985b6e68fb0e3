"""What the site needs of every cached ingest result, in one file: no article bodies.

A rebuild after one new issue used to read every cached ingest result back (one JSON file
per bulletin, bodies twice over as text and Markdown, plus the page regions of the review)
only to find that almost every page was unchanged: at 5,000 bulletins that alone outgrew the
whole rebuild's budget. The pages that stay unchanged need only what lists and keys show —
titles, metadata, clusters, warnings — and an article's opening for excerpts; the few
pages that are rendered load their bulletin's full result on demand (``BulletinEntry.full``).

``.huikan-cache/results-snapshot.marshal`` maps each ingest cache key to that slim result
(marshal: the fastest Python reader for plain data). The key names the content, so an entry
can never be stale; the file is rewritten only when the set of keys changed, and losing it
only costs one slower build. An article's ``text`` in a slim result is empty: its opening
(the ~200 characters excerpts are cut from) and its hash travel beside it (``SlimArticle``).
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

FILE = "results-snapshot.marshal"
FORMAT = "huikan-results-snapshot/2"


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


class ResultSnapshot:
    """The slim results of the last build, by ingest cache key."""

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / FILE
        self.entries: dict[str, dict] = {}
        self._loaded: frozenset[str] = frozenset()
        try:  # loads(read()): load(file) reads the file in many small pieces
            data = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(data, dict) and data.get("format") == FORMAT:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = entries
                self._loaded = frozenset(entries)

    def take(self, key: str) -> tuple[IngestResult, list[SlimArticle]] | None:
        """The slim result under ``key`` (it can be taken once), or None."""
        data = self.entries.get(key)
        if data is None:
            return None
        try:
            return unslim({**data, "articles": [dict(a) for a in data["articles"]]})
        except (KeyError, TypeError):
            return None

    def save(self, results: dict[str, IngestResult | dict]) -> None:
        """Keep exactly ``results`` (key → full result, or the slim data already held);
        nothing is written when the keys are those loaded."""
        if frozenset(results) == self._loaded:
            return
        entries = {k: v if isinstance(v, dict) else slim(v) for k, v in sorted(results.items())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(marshal.dumps({"format": FORMAT, "entries": entries}))
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
