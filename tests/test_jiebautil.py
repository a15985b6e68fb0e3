"""jiebautil: the compiled cutter (rjieba) must cut exactly as jieba does."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikan.config import load_config
from huikan.jiebautil import engine, search_cutter
from huikan.search.tokenize import CJK_RUN, Tokenizer, squash

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "tests" / "corpus" / "seeds").glob("*.txt")) + sorted(
    (ROOT / "issues").glob("*.txt")
)
pytest.importorskip("rjieba")


def _runs() -> list[str]:
    """Every distinct Chinese run of the sample bulletins, as the search tokenizer cuts them."""
    runs: set[str] = set()
    for path in TEXTS:
        for line in path.read_text("utf-8").splitlines():
            runs.update(CJK_RUN.findall(squash(line)))
    return sorted(runs)


RUNS = _runs()
WORDS = Tokenizer.for_config(load_config(ROOT / "site.yml")).user_words


@pytest.fixture(scope="module")
def cutters():
    return search_cutter(WORDS, "rjieba"), search_cutter(WORDS, "jieba")


def test_samples_are_there():
    assert len(RUNS) > 1000 and WORDS  # a real comparison, with the site's own words


def test_rjieba_cuts_every_sample_sentence_as_jieba(cutters):
    fast, slow = cutters
    differ = [r for r in RUNS if fast(r) != slow(r)]
    assert differ == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_rjieba_cuts_spliced_text_as_jieba(cutters, data):
    """Text that is in no sample: pieces of different sentences joined together. The draws
    are fixed (derandomize): the engines differ on routes of equal probability (below), and
    a random draw that happens on one must not turn CI red at random."""
    fast, slow = cutters
    pieces = data.draw(st.lists(st.sampled_from(RUNS), min_size=1, max_size=4))
    cuts = [data.draw(st.integers(0, len(p))) for p in pieces]
    text = "".join(
        p[c:] if i % 2 else p[:c] for i, (p, c) in enumerate(zip(pieces, cuts, strict=True))
    )
    assert fast(text) == slow(text)


def test_added_words_stay_in_their_own_cutter():
    word = "汇刊测检词"
    text = f"这是{word}。"
    assert word in search_cutter([word], "rjieba")(text)
    assert word not in search_cutter([], "rjieba")(text)
    assert word in search_cutter([word], "jieba")(text)
    assert word not in jieba.dt.FREQ


def test_engine_can_be_forced_to_jieba(monkeypatch):
    assert engine() == "rjieba"
    monkeypatch.setenv("HUIKAN_JIEBA", "python")
    assert engine() == "jieba"


@pytest.mark.xfail(strict=True, reason="rjieba and jieba break ties between equal routes apart")
def test_the_engines_break_ties_between_equal_routes_alike(cutters):
    """Known difference (hypothesis found it): in 个个个主多元, 个个+个 and 个+个个 are equally
    likely; jieba takes 个 / 个个 / 主, rjieba 个个 then 个主 (two single characters, which its
    HMM joins). Only words of equal standing differ; the index's bigrams find the text either
    way. Strict: should the engines ever agree here, this fails and the note can go."""
    fast, slow = cutters
    assert fast("个个个主多元") == slow("个个个主多元")
