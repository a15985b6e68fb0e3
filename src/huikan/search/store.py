"""The document store: what a result needs (title, URL, date, cluster, text for the snippet).

Small JSON files of a few consecutive articles each (numbered by date, then cluster), in the
folder of their index segment (``i/<segment>/d<chunk>.json``), fetched only for the results
on screen (and for checking an exact phrase), so a query never downloads much text it does
not show. A record: ``url`` (site-relative),
``title``, ``date`` ("" when unknown), ``cluster`` (number in the manifest's list),
``bulletin`` (display title) and ``text`` (:func:`plain_text` of the body, also what is
indexed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from huikan.compactjson import dumps as compact

# Markdown-light marks that would look odd in a snippet (headings, bold, list bullets, rules).
_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|>\s?|(?:[-*_]\s*){3,}$)|\*\*|__")


def plain_text(body: str) -> str:
    """Article text for snippets: Markdown marks removed, blank lines dropped."""
    text = _MARKS.sub("", body.replace("\r\n", "\n"))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def dumps(data: Any) -> bytes:
    """Compact, deterministic JSON (sorted keys, no ASCII escaping of Chinese): 80,000
    store records on a cold build of 5,000 bulletins (huikan.compactjson)."""
    return compact(data)


def read_store(search_dir: Path) -> list[dict[str, Any]]:
    """Every stored article of a built ``search/`` folder, in document-number order (the
    store's files ``i/<segment>/d<chunk>.json`` are numbered across the segments)."""
    chunks = sorted((search_dir / "i").glob("*/d*.json"), key=lambda p: int(p.stem[1:]))
    return [d for c in chunks for d in json.loads(c.read_text("utf-8"))["docs"]]
