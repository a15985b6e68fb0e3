"""Locate each title the TOC (or the PDF outline, or a sidecar) lists in the body."""

from __future__ import annotations

from difflib import SequenceMatcher

from huikan.ingest.split_doc import Doc
from huikan.ingest.textutil import (
    CLOSING,
    ends_sentence,
    squash,
    strip_md,
    width,
)
from huikan.ingest.toc import Toc, TocEntry


def _title_spans(d: Doc, lo: int, hi: int, skip: Toc) -> list[tuple[int, int, str]]:
    """Candidate title spans (start, end, squashed text) of 1–3 short blocks in [lo, hi)."""
    spans = []
    for i in range(lo, hi):
        if skip.covers(i):
            continue
        acc = ""
        for j in range(i, min(i + 3, hi)):
            b = d.blocks[j]
            if width(b.text) > 90 or skip.covers(j):
                break
            acc += squash(b.text)
            spans.append((i, j + 1, acc))
    return spans


def _match_score(span_key: str, entry_key: str, raw: str) -> float:
    if not span_key or not entry_key:
        return 0.0
    if span_key == entry_key:
        return 1.0
    if span_key.startswith(entry_key) and len(entry_key) >= 6:
        rest = span_key[len(entry_key) :]
        # Title and subtitle printed on one line, or a TOC that shortened the title.
        return 0.97 if "——" in raw else max(0.0, 0.93 - 0.01 * len(rest))
    if entry_key.startswith(span_key) and len(span_key) >= 0.7 * len(entry_key):
        return 0.85 * len(span_key) / len(entry_key) + 0.1
    if abs(len(span_key) - len(entry_key)) > 0.3 * len(entry_key):
        return 0.0
    sm = SequenceMatcher(None, span_key, entry_key, autojunk=False)
    if sm.quick_ratio() < 0.8:
        return 0.0
    r = sm.ratio()
    return r * 0.95 if r >= 0.8 else 0.0


def anchor_entries(
    d: Doc, entries: list[TocEntry], lo: int, hi: int, toc: Toc
) -> dict[int, tuple[int, TocEntry]]:
    """Find each TOC title in the body: {start block: (end block, entry)}."""
    spans = _title_spans(d, lo, hi, toc)
    found: dict[int, tuple[int, TocEntry, float]] = {}
    for e in entries:
        key = e.key
        best: tuple[float, int, int] | None = None
        for i, j, k in spans:
            s = _match_score(k, key, "".join(b.text for b in d.blocks[i:j]))
            if s <= 0:
                continue
            if d.styled(d.blocks[i]) or d.title_like(i):
                s += 0.05
            if _body_follows(d, j, hi):
                s += 0.1  # the title in the body, not its line in a TOC or a list of titles
            if best is None or s > best[0] + 1e-9:
                best = (s, i, j)
        if best and best[0] >= 0.8:
            s, i, j = best
            j = _extend_to_entry(d, i, j, hi, key, toc)
            if i not in found or found[i][2] < s:
                found[i] = (j, e, s)
    # Drop anchors that sit inside another anchor's title span.
    out: dict[int, tuple[int, TocEntry]] = {}
    last_end = -1
    for i in sorted(found):
        j, e, _ = found[i]
        if i < last_end:
            continue
        out[i] = (j, e)
        last_end = j
    return out


def _extend_to_entry(d: Doc, i: int, j: int, hi: int, key: str, toc: Toc) -> int:
    """The end of a title span that is the start of its entry, taken on over the blocks that
    continue the entry's text: a long title in large type wraps over more lines than a span
    holds ("建筑信息模型BIM联盟" / "举办“建筑" / "业‘BIM+’…高级" / "研修班”")."""
    acc = "".join(squash(b.text) for b in d.blocks[i:j])
    while j < hi and not toc.covers(j) and acc != key:
        nxt = acc + squash(d.blocks[j].text)
        if len(nxt) > len(acc) and key.startswith(nxt):
            acc, j = nxt, j + 1
        else:
            break
    # a title's closing mark wrapped onto a line of its own ("…（2022-2025年）" / "》")
    while j < hi and acc == key and (t := d.blocks[j].text.strip()) and set(t) <= set(CLOSING):
        j += 1
    return j


def _body_follows(d: Doc, j: int, hi: int) -> bool:
    """Is the span ending at block j followed by prose (after at most a subtitle and a byline)?"""
    for b in d.blocks[j : min(hi, j + 4)]:
        t = strip_md(b.text)
        if width(t) >= 40 or (ends_sentence(t) and width(t) >= 12):
            return True
    return False
