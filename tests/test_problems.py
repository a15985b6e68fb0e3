"""Telling warnings: each one when few, a summary that counts every one when many."""

import io

from huikan.model import IngestError
from huikan.model import Warning as IngestWarning
from huikan.problems import FIRST, FULL_LIST, tell, warning_lines


def _many(n: int) -> list[IngestWarning]:
    out = []
    for i in range(n):
        code = "uncertain-cluster" if i % 3 else "no-date"
        out.append(IngestWarning(code, f"问题 {i}", file=f"b{i // 10:05d}.md", line=i + 1))
    return out


def test_few_warnings_are_printed_one_a_line():
    ws = _many(FULL_LIST)
    assert warning_lines(ws) == [f"警告：{w}" for w in ws]


def test_many_warnings_are_summarised_with_every_kind_counted():
    ws = _many(1000)
    lines = warning_lines(ws)
    assert len(lines) < 30
    assert lines[:FIRST] == [f"警告：{w}" for w in ws[:FIRST]]
    text = "\n".join(lines)
    assert "警告共 1000 条" in text
    assert "uncertain-cluster：666 条（首条 b00000.md:2）" in text
    assert "no-date：334 条（首条 b00000.md:1）" in text
    assert "--all-warnings" in text


def test_every_warning_on_request():
    ws = _many(1000)
    assert warning_lines(ws, every=True) == [f"警告：{w}" for w in ws]


def test_unreadable_bulletins_are_always_listed_in_full():
    errors = [IngestError(f"x{i}.pdf", "坏了", code="broken") for i in range(200)]
    log = io.StringIO()
    tell(_many(1000), errors, log)
    text = log.getvalue()
    assert all(f"无法读取：x{i}.pdf：坏了" in text for i in range(200))
    assert "警告共 1000 条" in text
