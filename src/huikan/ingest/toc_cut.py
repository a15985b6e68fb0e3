"""Titles the TOC lists but the reader ran into the paragraph above or below them.

A title that starts on the last line of a page can be joined to the paragraph before it when
that paragraph's last line is full ("…互惠互享等。" over "科技部将把…的关" / page break / "键举措").
The TOC still names it, so the wider search looks for each listed title at the *end* of a
paragraph, right after a sentence ends, and cuts the block there. Nothing else is cut: a title
quoted inside a sentence is not preceded by a sentence end and does not end the paragraph.

A title set in the body's size and face, over a paragraph that follows it closely, can be
read as that paragraph's first line (a scan's lines have no font to tell them apart:
"…成功下线仪式近日，航天制造装备…"). A block that *begins* with a listed title and goes on
with a paragraph (:data:`MIN_PROSE` characters or more) is cut after the title. Both cuts
look only for titles that no block prints on its own, after the TOC.
"""

from __future__ import annotations

import dataclasses

from huikan.ingest.textutil import join_cjk, squash
from huikan.model import Block

_SENTENCE_END = "。！？!?；;”」』）)"
_CLOSERS = "”’」』）)》〉】〕"
MIN_KEY = 6  # characters of a title key: shorter titles are too easily found by chance
SEARCH = 160  # characters from a paragraph's end where a run-in title may start
MIN_PROSE = 40  # characters after a leading title for the rest to be a paragraph (not a byline)


def cut_listed_titles(blocks: list[Block], keys: list[str], lo: int) -> list[Block]:
    """``blocks`` with every block from ``lo`` on that ends with a listed title (after a
    sentence end) cut in two: the paragraph, then the title. Returns the same list object
    when nothing is cut."""
    wanted = {k for k in keys if len(k) >= MIN_KEY}
    if not wanted:
        return blocks
    present = {squash(b.text) for b in blocks[lo:]}
    wanted -= present  # printed as a block of its own: nothing to find
    out: list[Block] | None = None
    skip = -1
    for n, b in enumerate(blocks):
        if n == skip:
            continue
        nxt = blocks[n + 1] if n + 1 < len(blocks) and blocks[n + 1].lines == 1 else None
        cut = _cut_at(b, wanted, nxt) if n >= lo and b.lines >= 2 else None
        lead = _lead_at(b.text, wanted) if cut is None and n >= lo and b.lines >= 2 else None
        if lead is not None:
            out = list(blocks[:n]) if out is None else out
            out.append(dataclasses.replace(b, text=b.text[:lead].rstrip(), lines=1))
            rest = b.text[lead:].strip()
            out.append(
                dataclasses.replace(b, text=rest, lines=b.lines - 1, gap_before=0.0, centered=False)
            )
            continue
        if cut is None:
            if out is not None:
                out.append(b)
            continue
        if out is None:
            out = list(blocks[:n])
        k, joined = cut
        tail = b.text[k:].strip()
        if joined and nxt is not None:  # the title's last line came after a page break
            tail = join_cjk(tail, nxt.text.strip())
            skip = n + 1
        out.append(dataclasses.replace(b, text=b.text[:k].rstrip(), lines=b.lines - 1))
        out.append(
            dataclasses.replace(
                b,
                text=tail,
                lines=1 + joined,
                gap_before=0.0,
                indent=False,
                line=b.end_line or b.line,
                end_line=nxt.end_line if joined and nxt else b.end_line,
                boxes=list(b.boxes) + (list(nxt.boxes) if joined and nxt else []),
            )
        )
    return blocks if out is None else out


def _cut_at(b: Block, wanted: set[str], nxt: Block | None) -> tuple[int, bool] | None:
    """Where in ``b.text`` a listed title begins, if the block ends with one (or with its
    first part, the rest being the one-line block after it); and whether it takes that line."""
    text = b.text
    follow = squash(nxt.text) if nxt is not None else ""
    tail_key = squash(text[-SEARCH:])
    ends = [k for k in wanted if tail_key.endswith(k)]
    runs_on = [k for k in wanted if follow and k.endswith(follow) and k[: -len(follow)]]
    if not ends and not any(tail_key.endswith(k[: -len(follow)]) for k in runs_on):
        return None
    for k in range(max(1, len(text) - SEARCH), len(text)):
        if text[k].isspace() or text[:k].rstrip()[-1:] not in _SENTENCE_END:
            continue
        key = squash(text[k:])
        if key in wanted:
            return k, False
        if follow and key + follow in wanted:
            return k, True
    return None


def _lead_at(text: str, wanted: set[str]) -> int | None:
    """Where the paragraph begins in ``text``, if the block begins with a listed title and
    goes on with at least :data:`MIN_PROSE` characters of prose."""
    head = squash(text[:SEARCH])
    for key in sorted((k for k in wanted if head.startswith(k)), key=len, reverse=True):
        ends = range(1, min(len(text), SEARCH) + 1)
        cut = next((k for k in ends if squash(text[:k]) == key), None)
        if cut is None:
            continue
        while cut < len(text) and text[cut] in _CLOSERS:
            cut += 1  # closing marks of the title ("）》”") stay with it
        if len(squash(text[cut:])) >= MIN_PROSE:
            return cut
    return None
