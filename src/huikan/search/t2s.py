"""Traditional → simplified characters for queries, from OpenCC's dictionaries.

The archive is printed in simplified characters; a reader typing 集成電路 should find what
集成电路 finds. At build time :func:`build_map` reads OpenCC's ``TSCharacters.txt`` (one
character → its simplified forms) and ``TSPhrases.txt`` (phrases whose simplified form is not
the character-by-character one: 一目瞭然 → 一目了然) as shipped by the
``opencc-python-reimplemented`` package, and keeps only what can matter for this index:

* a character whose simplified form occurs in the index (a traditional character whose own
  form is also simplified text — 乾 in 乾隆, listed as ``乾 → 干 乾`` — is left alone when the
  index holds it);
* a phrase whose simplified form is made of characters the index holds and differs from the
  character-by-character conversion.

The map is written to ``search/t2s.json`` as ``{"c": "與与開开…", "p": {"一目瞭然": "一目了然"}}``
(pairs of code points; phrases). The browser fetches it only when a query has a bigram (or
a prefix character) the index does not hold — a query with every term in the index is
answered as typed — and :func:`to_simplified` (``toSimplified`` in ``static/search-core.js``)
converts the query: longest phrase first at each position, else the character.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any


def opencc_dir() -> Path | None:
    """The dictionary folder of the installed ``opencc`` package (None when not installed)."""
    try:
        import opencc  # opencc-python-reimplemented
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    return folder if (folder / "TSCharacters.txt").is_file() else None


def _read(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values.split():
            out.append((key, values.split()))
    return out


def build_map(index_chars: Iterable[str], folder: Path | None = None) -> dict[str, Any]:
    """``{"c": pairs, "p": phrases}`` restricted to ``index_chars`` (see the module doc)."""
    folder = folder or opencc_dir()
    if folder is None:
        return {"c": "", "p": {}}
    held = set(index_chars)
    chars: dict[str, str] = {}
    for trad, simp in _read(folder / "TSCharacters.txt"):
        if len(trad) != 1 or len(simp[0]) != 1 or simp[0] == trad or simp[0] not in held:
            continue
        if trad in simp and trad in held:
            continue  # also a simplified character, used as such in this archive
        chars[trad] = simp[0]
    phrases: dict[str, str] = {}
    for trad, simp in _read(folder / "TSPhrases.txt"):
        target = simp[0]
        if len(trad) < 2 or not set(target) <= held:
            continue
        if "".join(chars.get(c, c) for c in trad) != target:
            phrases[trad] = target
    return {
        "c": "".join(t + s for t, s in sorted(chars.items())),
        "p": dict(sorted(phrases.items())),
    }


def char_pairs(data: dict[str, Any]) -> dict[str, str]:
    c = list(data.get("c", ""))
    return dict(zip(c[0::2], c[1::2], strict=True))


def to_simplified(text: str, data: dict[str, Any]) -> str:
    """``text`` with traditional characters and phrases replaced (see the module doc)."""
    chars = char_pairs(data)
    phrases: dict[str, str] = data.get("p", {})
    longest = max((len(p) for p in phrases), default=0)
    out = []
    i = 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 1, -1):
            hit = phrases.get(text[i : i + n])
            if hit is not None:
                out.append(hit)
                i += n
                break
        else:
            out.append(chars.get(text[i], text[i]))
            i += 1
    return "".join(out)
