"""Where the split put every printed block: the regions ``huikan review`` draws on the pages.

Pure bookkeeping after the split: every block of the document is given a kind (an article's
title or body, masthead, TOC, 编者按, column label, colophon, page number, dropped, leftover)
and its position (PDF boxes or text lines). Nothing here changes a splitting decision.
"""

from __future__ import annotations

from huikan.ingest.split import PREFACE_TITLES, RawArticle, Split, is_noise
from huikan.ingest.textutil import squash, strip_md
from huikan.ingest.toc import is_toc_header
from huikan.model import Block, Document, Region

SNIPPET = 60  # characters of a block's text kept with its region


def _regions(b: Block, kind: str, article: int | None = None) -> list[Region]:
    text = b.text.strip()[:SNIPPET]
    if b.boxes:
        return [
            Region(kind, page=p, bbox=[x0, top, x1, bottom], article=article, text=text)
            for p, x0, top, x1, bottom in b.boxes
        ]
    return [
        Region(
            kind,
            page=b.page,
            line=b.line,
            end_line=b.end_line or b.line,
            article=article,
            text=text,
        )
    ]


def build_regions(
    doc: Document,
    sp: Split,
    kept: list[RawArticle],
    dropped: list[Block],
) -> list[Region]:
    """Regions in document order, then the running heads the PDF reader removed.

    ``kept[n]`` is the raw article behind article ``n``; ``dropped`` are the blocks a sidecar's
    ``drop:`` removed before splitting (they are no longer in ``doc.blocks``).
    """
    kind: dict[int, tuple[str, int | None]] = {}
    plain = [b for b in doc.blocks if not is_noise(b)]
    index = {id(b): k for k, b in enumerate(plain)}
    for n, raw in enumerate(kept):
        i = index.get(id(raw.title_block))
        j = index.get(id(raw.blocks[0])) if raw.blocks else None
        if i is not None:
            end = j if j is not None and j > i else i + 1
            for b in plain[i:end]:
                kind[id(b)] = ("title", n)
        for b in raw.blocks:
            kind.setdefault(id(b), ("body", n))
    kept_ids = {id(r) for r in kept}
    for raw in sp.articles:
        if id(raw) not in kept_ids:  # an article the sidecar drops
            for b in [raw.title_block, *raw.blocks]:
                kind.setdefault(id(b), ("dropped", None))
    leftover = {id(b) for b in sp.leftover}
    front = {id(b) for b in sp.front}
    colophon = {id(b) for b in sp.colophon}
    first_title = min(
        (index[id(r.title_block)] for r in kept if id(r.title_block) in index), default=0
    )
    columns = {squash(r.column) for r in kept if r.column}
    out: list[Region] = []
    for b in doc.blocks:
        k = kind.get(id(b))
        if k is None:
            k = (
                _other_kind(
                    b, index.get(id(b)), sp, front, colophon, leftover, first_title, columns
                ),
                None,
            )
        out.extend(_regions(b, *k))
    for b in dropped:
        out.extend(_regions(b, "dropped"))
    out.extend(doc.dropped)
    return out


def _other_kind(
    b: Block,
    k: int | None,
    sp: Split,
    front: set[int],
    colophon: set[int],
    leftover: set[int],
    first_title: int,
    columns: set[str],
) -> str:
    """What a block in no article is."""
    if k is None or is_noise(b):
        return "page-number"
    if id(b) in colophon:
        return "colophon"
    if sp.toc.covers(k) or is_toc_header(b):
        return "toc"
    if squash(b.text) in PREFACE_TITLES:
        return "preface"
    if squash(strip_md(b.text)) in columns:
        return "column"  # a column label (even the one the splitter counted as masthead)
    if id(b) in front:
        return "masthead"
    if id(b) not in leftover:
        # Consumed by the split without being in an article: 编者按 paragraphs before the
        # articles, or a column label printed above a title.
        text = strip_md(b.text).strip()
        if sp.preface and text and text in sp.preface and k < first_title:
            return "preface"
        return "column"
    return "masthead" if k < first_title else "leftover"
