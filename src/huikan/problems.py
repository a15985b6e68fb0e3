"""Telling the editor about a build's warnings and unreadable bulletins.

An archive of thousands of bulletins carries tens of thousands of warnings (61,000 at 5,000
bulletins, most of them "cluster uncertain"); printing every one on every build buried the
summary and cost seconds even when nothing had changed. Up to :data:`FULL_LIST` warnings are
printed one a line as before. Above that the terminal gets a summary: the count of each kind
(with its first occurrence, file:line) and the first :data:`FIRST` warnings in full, and says
where the rest is: every warning stays in the build report (``BuildReport.warnings``), each
bulletin's in ``manifest.json`` (``bulletins[].warnings``), and ``huikan build
--all-warnings`` prints them all. Nothing is dropped silently, and ``--strict`` fails on
warnings however they are printed. Unreadable bulletins are always listed in full: each one
is a bulletin missing from the site.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from huikan.model import IngestError
from huikan.model import Warning as IngestWarning

FULL_LIST = 50  # up to this many warnings, each is printed
FIRST = 10  # above it: this many in full, then the count of each kind


def warning_lines(warnings: list[IngestWarning], *, every: bool = False) -> list[str]:
    """The lines telling ``warnings``: each one, or (when there are many and ``every`` is
    not asked for) a summary that still counts every one of them."""
    if every or len(warnings) <= FULL_LIST:
        return [f"警告：{w}" for w in warnings]
    counts = Counter(w.code for w in warnings)
    first: dict[str, IngestWarning] = {}
    for w in warnings:
        first.setdefault(w.code, w)
    lines = [f"警告：{w}" for w in warnings[:FIRST]]
    lines.append(f"警告共 {len(warnings)} 条，上面只列出前 {FIRST} 条；按类型（条数，首条位置）：")
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {code}：{n} 条（首条 {_where(first[code])}）")
    lines.append(
        "  全部警告：huikan build --all-warnings；各期简报的警告也在 manifest.json 的"
        " bulletins[].warnings 中"
    )
    return lines


def _where(w: IngestWarning) -> str:
    where = w.file or "（无文件）"
    if w.page:
        where += f" 第{w.page}页"
    if w.line:
        where += f":{w.line}"
    return where


def tell(
    warnings: list[IngestWarning],
    errors: list[IngestError],
    log: TextIO,
    *,
    every: bool = False,
) -> None:
    """Print the unreadable bulletins (all of them) and the warnings (see warning_lines)."""
    lines = [f"无法读取：{e.file}：{e.reason}（已跳过）" for e in errors]
    lines += warning_lines(warnings, every=every)
    if lines:
        log.write("\n".join(lines) + "\n")
