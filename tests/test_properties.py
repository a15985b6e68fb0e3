"""Property-based tests of the text splitter: never crash, never lose text, deterministic."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huikan.config import load_config
from huikan.ingest import ingest_file
from huikan.model import IngestError, IngestResult

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "site.yml")

# Prose alphabet: CJK, digits, Latin, Chinese punctuation. Markdown marks (# * _ ` > -) are
# left out on purpose: removing them is the reader's job, not a loss.
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
OTHER = st.sampled_from(list("0123456789ABCDEFabcdef，。、；：？！“”（）《》 ·%"))
WORD = st.text(st.one_of(CJK, CJK, CJK, OTHER), min_size=1, max_size=60)
LINE = st.one_of(
    WORD,
    st.builds(lambda t: f"来源：{t}", WORD),
    st.builds(lambda t: f"（{t}供稿）", WORD),
    st.builds(lambda t: f"{t}产业研究团队 张三", st.sampled_from(["新能源", "数字经济", "新材料"])),
    st.builds(lambda t, n: f"{t}……{n}", WORD, st.integers(1, 99)),
    st.sampled_from(
        ["目 录", "编者按", "5", "第 8 期（总第 39 期）", "2024 年 4 月", "一、总体情况"]
    ),
)
BULLETIN = st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n"])), max_size=40)


def _chars(s: str) -> Counter[str]:
    return Counter(ch for ch in s if not ch.isspace())


def _output_chars(res: IngestResult) -> Counter[str]:
    b = res.bulletin
    parts = [*res.leftover, b.preface or ""]
    for a in res.articles:
        parts += [a.title, a.subtitle or "", a.column or "", a.byline or "", a.text]
    return _chars("".join(parts))


def _ingest(tmp_path: Path, text: str) -> IngestResult | None:
    p = tmp_path / "bulletin.txt"
    p.write_text(text, encoding="utf-8", newline="")
    try:
        return ingest_file(p, CONFIG, use_sidecar=False)
    except IngestError as e:
        assert e.code == "empty", e  # only a file with no text at all is refused
        assert not text.strip()
        return None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(BULLETIN)
def test_never_crashes_never_loses_text_and_is_deterministic(tmp_path, lines):
    text = "".join(line + sep for line, sep in lines)
    res = _ingest(tmp_path, text)
    if res is None:
        return
    missing = _chars(text) - _output_chars(res)
    assert not missing, f"lost characters: {missing}"
    again = _ingest(tmp_path, text)
    assert json.dumps(again.to_json(), ensure_ascii=False) == json.dumps(
        res.to_json(), ensure_ascii=False
    )
    for a in res.articles:
        assert a.title.strip()
        assert a.cluster in CONFIG.taxonomy.names


def _levenshtein(a: str, b: str) -> int:
    """The textbook dynamic programme that ``within_one_edit`` replaces (the TOC reprint test
    used it until it showed up at a quarter of ingest time)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


@given(st.text("abc亟函", max_size=8), st.text("abc亟函", max_size=8))
@settings(max_examples=2000, deadline=None)
def test_within_one_edit_is_levenshtein_at_most_one(a: str, b: str) -> None:
    from huikan.ingest.textutil import within_one_edit

    assert within_one_edit(a, b) == (_levenshtein(a, b) <= 1)
    assert within_one_edit(a, a + "x") and within_one_edit(a + "x", a)
