"""The structure of a gold bulletin, read from its gold YAML and seed text.

The seed is a text dump of the original PDF (page breaks as blank runs, Markdown marks left by
the converter); the gold says which lines are the masthead, TOC, 编者按, colophon and each
article's title, title block and body. Producers typeset *this* structure, so every generated
file carries exactly the seed's article text and the gold stays valid: score_split.py compares
whitespace-stripped, NFKC-normalised 5-grams with ``*`` and ``#`` removed, so joining lines,
re-wrapping and dropping Markdown marks never change what it sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_END = tuple("。！？；：”’）)」』】.!?;:…")


def squash(s: str) -> str:
    """What the scorer compares: NFKC, no whitespace, no ``*``/``#``."""
    s = unicodedata.normalize("NFKC", s or "").replace("*", "").replace("#", "")
    return re.sub(r"\s+", "", s)


def clean(line: str) -> str:
    """A seed line without the converter's Markdown marks and trailing spaces."""
    s = _MD_HEADING.sub("", line)
    s = s.replace("**", "")
    if s.lstrip().startswith("- "):
        s = s.lstrip()[2:]
    return s.strip()


@dataclass
class Para:
    """A body paragraph; ``heading`` marks a sub-heading (一、…, ### 亮点一, a bold lead line)."""

    text: str
    heading: bool = False


@dataclass
class Article:
    title: str
    subtitle: str | None
    column: str | None
    cluster: str
    byline: str | None
    extra: list[str]  # title-block lines that are neither title nor subtitle (bylines, decks)
    paras: list[Para]
    line: int  # gold title_line, to keep the seed's order


@dataclass
class Front:
    """A non-article block: masthead, toc, preface, colophon or contacts."""

    kind: str
    title: str | None
    lines: list[str]
    line: int


@dataclass
class Bulletin:
    stem: str
    title: str | None
    publisher: str | None
    number: str | None
    date: str | None
    items: list[Article | Front] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        return [i for i in self.items if isinstance(i, Article)]

    def fronts(self, kind: str) -> list[Front]:
        return [i for i in self.items if isinstance(i, Front) and i.kind == kind]


def stems() -> list[str]:
    return sorted(p.stem for p in (CORPUS / "gold").glob("0*.yml"))


def gold_path(stem: str) -> Path:
    return CORPUS / "gold" / f"{stem}.yml"


def seed_path(stem: str) -> Path:
    return CORPUS / "seeds" / f"{stem}.txt"


def _paras(lines: list[str]) -> list[Para]:
    """Body lines → paragraphs; a paragraph cut by a page break is joined again."""
    out: list[Para] = []
    for raw in lines:
        if not raw.strip():
            continue
        stripped = raw.strip()
        heading = bool(_MD_HEADING.match(raw)) or (
            stripped.startswith("**") and stripped.endswith("**") and stripped.count("**") == 2
        )
        text = clean(raw)
        if not text:
            continue
        prev = out[-1] if out else None
        if prev and not heading and not prev.heading and not prev.text.endswith(_END):
            sep = " " if prev.text[-1:].isascii() and text[:1].isascii() else ""
            prev.text += sep + text
            continue
        out.append(Para(text, heading))
    return out


def _title_block(lines: list[str], title: str, subtitle: str | None) -> list[str]:
    """The title block's lines that are not the title or the subtitle."""
    want = squash(title) + squash(subtitle or "")
    got = ""
    extra = []
    for raw in lines:
        s = squash(raw)
        if not s:
            continue
        if len(got) < len(want) and want.startswith(got + s[: max(1, len(want) - len(got))]):
            got += s
            continue
        extra.append(clean(raw))
    return extra


@cache
def load(stem: str) -> Bulletin:
    """Parse ``gold/<stem>.yml`` + ``seeds/<stem>.txt`` (cached: the corpus never changes)."""
    g_all = gold(stem)
    seed = seed_path(stem).read_text("utf-8").split("\n")
    g = g_all["bulletin"]
    b = Bulletin(stem, g.get("title"), g.get("publisher"), g.get("number"), g.get("date"))
    for f in g_all.get("front_matter") or []:
        lo, hi = f["lines"]
        lines = [clean(x) for x in seed[lo - 1 : hi] if clean(x)]
        b.items.append(Front(f["kind"], f.get("title"), lines, lo))
    for a in g_all["articles"]:
        block = seed[a["title_line"] - 1 : a["body_start"] - 1]
        b.items.append(
            Article(
                title=a["title"],
                subtitle=a.get("subtitle"),
                column=a.get("column"),
                cluster=a["cluster"],
                byline=a.get("byline"),
                extra=_title_block(block, a["title"], a.get("subtitle")),
                paras=_paras(seed[a["body_start"] - 1 : a["end_line"]]),
                line=a["title_line"],
            )
        )
    b.items.sort(key=lambda i: i.line)
    return b


@cache
def gold(stem: str) -> dict:
    """The parsed gold YAML (cached: treat it as read-only)."""
    return yaml.safe_load(gold_path(stem).read_text("utf-8"))


def gold_body(stem: str, index: int) -> str:
    """The squashed gold body of article ``index`` (what the scorer matches against)."""
    seed = seed_path(stem).read_text("utf-8").split("\n")
    a = gold(stem)["articles"][index]
    return squash("".join(seed[a["body_start"] - 1 : a["end_line"]]))
