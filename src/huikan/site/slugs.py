"""URL slugs: readable, stable, and unable to escape the output folder.

An article's slug comes from its title, never its position, so an article keeps its URL when
the splitter changes elsewhere in the bulletin. CJK characters are kept (readable Chinese
paths); anything that could mean something to a file system or a URL is removed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from huikan.textnorm import nfkc

MAX_SLUG = 24  # characters; long titles are cut, the collision hash keeps them unique

# A run of anything but letters and digits (CJK included): ``re``'s \w is str.isalnum() or "_".
_SEPARATORS = re.compile(r"[\W_]+")
_SAFE_FILE = re.compile(r"[^\w.\-]+", re.UNICODE)


def short_hash(text: str, n: int = 6) -> str:
    """A short, stable hash (not Python's seeded ``hash``) used to tell slugs apart."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def slugify(text: str, *, max_len: int = MAX_SLUG, fallback: str = "item") -> str:
    """``"推进工程机械电动化 聚力打造…"`` → ``"推进工程机械电动化-聚力打造…"``; never empty.

    NFKC folds full-width Latin and digits, Latin is lower-cased, runs of punctuation and
    spaces become one ``-``. Characters outside letters/digits (emoji, symbols) are dropped.
    """
    s = nfkc(text or "").lower()
    s = _SEPARATORS.sub("-", s).strip("-")
    if len(s) > max_len:
        s = s[:max_len].rstrip("-")
    if not s:
        return f"{fallback}-{short_hash(text or '')}"
    return s


def safe_file_name(name: str) -> str:
    """A file name that is a single, harmless path component (keeps the extension).

    ``"../../etc/passwd"`` → ``"passwd"``; ``"简报 第8期.pdf"`` → ``"简报-第8期.pdf"``.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _SAFE_FILE.sub("-", base).strip("-.")
    base = re.sub(r"\.{2,}", ".", base)
    return base or f"file-{short_hash(name or '')}"


def unique_slugs(titles: list[str], pinned: list[str | None]) -> tuple[list[str], list[str]]:
    """Slugs for the articles of one bulletin, unique within it.

    Pinned slugs (from a sidecar) are kept when they are unique. A derived slug that collides
    gets ``-<hash of the full title>``; articles with identical titles then get ``-2``, ``-3``
    in reading order (the only case where position decides). Returns (slugs, problems): the
    problems name pinned slugs that had to be changed.
    """
    problems: list[str] = []
    base: list[str] = []
    is_pinned: list[bool] = []
    for title, pin in zip(titles, pinned, strict=True):
        if pin:
            base.append(slugify(pin, max_len=80, fallback="article"))
            is_pinned.append(True)
        else:
            base.append(slugify(title, fallback="article"))
            is_pinned.append(False)

    counts: dict[str, int] = {}
    for s in base:
        counts[s] = counts.get(s, 0) + 1
    pinned_set = {s for s, p in zip(base, is_pinned, strict=True) if p}

    out: list[str] = []
    for s, title, p in zip(base, titles, is_pinned, strict=True):
        if p or (counts[s] == 1 and s not in pinned_set):
            out.append(s)
        else:
            out.append(f"{s}-{short_hash(title)}")

    taken = set(out)
    used: set[str] = set()
    final: list[str] = []
    for s, p in zip(out, is_pinned, strict=True):
        if s not in used:
            used.add(s)
            final.append(s)
            continue
        n = 2
        while f"{s}-{n}" in taken or f"{s}-{n}" in used:
            n += 1
        used.add(f"{s}-{n}")
        if p:
            problems.append(s)
        final.append(f"{s}-{n}")
    return final, problems
