"""Re-reading the characters OCR hesitated over (huikan.ingest.ocr.lexicon), and where the
recogniser's runners-up come from (engine.runners) and go (the OCR cache, the page's boxes).

The candidate lists below are of the kind the recogniser gave on the scanned dev bulletins
(probe of the decoder's columns): the printed character second, or third after the blank.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from huikan.ingest.ocr.engine import RUNNER_BELOW, OcrLine, OcrPage, runners
from huikan.ingest.ocr.glyphs import page_boxes
from huikan.ingest.ocr.lexicon import correct


@pytest.mark.parametrize(
    "read, at, cands, printed",
    [
        ("中国科学院院土", 6, [("土", 0.53), ("士", 0.47)], "中国科学院院士"),
        ("周期安全函待提升", 4, [("函", 0.65), ("亟", 0.10)], "周期安全亟待提升"),
        ("不断更新选代还对", 4, [("选", 0.72), ("迭", 0.22), ("送", 0.06)], "不断更新迭代还对"),
        ("企业。临胸县立足", 4, [("胸", 0.36), ("朐", 0.35)], "企业。临朐县立足"),
    ],
)
def test_the_runner_up_that_makes_a_word_is_taken(read, at, cands, printed):
    assert correct(read, [(at, cands)]) == printed


@pytest.mark.parametrize(
    "read, at, cands",
    [
        # the reading already makes a word, far more frequent than the runner-up's
        ("面，对自己的情绪", 4, [("己", 0.83), ("已", 0.17)]),
        ("的创新更迭。这有", 4, [("迭", 0.49), ("选", 0.47), ("送", 0.03)]),
        ("科学院院士、生物", 4, [("士", 0.53), ("土", 0.47)]),
        # neither reading makes a word: the recogniser's first choice stands
        ("杨爱国表示", 1, [("爱", 0.6), ("受", 0.3)]),
    ],
)
def test_a_reading_that_is_a_word_or_the_likelier_shape_stays(read, at, cands):
    assert correct(read, [(at, cands)]) == read


def test_only_han_characters_are_replaced_and_only_by_han_characters():
    assert correct("2O23年", [(1, [("O", 0.5), ("0", 0.4)])]) == "2O23年"  # normalize's job
    assert correct("院土", [(1, [("土", 0.5), ("+", 0.45)])]) == "院土"
    assert correct("院土", [(5, [("土", 0.5), ("士", 0.45)])]) == "院土"  # out of range: ignored
    assert correct("院土", []) == "院土"


def test_a_correction_keeps_the_lines_length():
    """One character for one, so the recogniser's per-character boxes still fit the text."""
    rng = random.Random(7)
    pool = "院士土亟函待迭选代临朐胸县己已人参政经界"
    for _ in range(300):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        alts = [
            (i, [(text[i], 0.5), (rng.choice(pool), 0.3)])
            for i in sorted(rng.sample(range(len(text)), rng.randint(0, len(text))))
        ]
        assert len(correct(text, alts)) == len(text)


def _columns(path: list[tuple[int, float]], classes: int = 6) -> np.ndarray:
    """CTC output: per column, its top class and probability; the rest spread over the
    others (class 0 is the blank)."""
    preds = np.zeros((len(path), classes), dtype=np.float32)
    for t, (c, p) in enumerate(path):
        preds[t, :] = (1 - p) / (classes - 1)
        preds[t, c] = p
    return preds


def test_runners_are_kept_for_uncertain_characters_only():
    alphabet = ["blank", "院", "士", "土", "十", " "]
    # 院 院 _ 土(0.5, runner-up 士 0.4) _ 士(0.99): text "院土士"
    preds = _columns([(1, 0.99), (1, 0.98), (0, 0.9), (3, 0.5), (0, 0.9), (2, 0.99)])
    preds[3, 2] = 0.4
    preds[3] /= preds[3].sum()
    got = runners(preds, alphabet)
    assert [at for at, _ in got] == [1]  # index in the decoded text, repeats collapsed
    ((_, cands),) = got
    assert [c for c, _ in cands][:2] == ["土", "士"]
    assert "blank" not in [c for c, _ in cands]
    assert all(p >= 0.02 for _, p in cands)
    assert cands[0][1] < RUNNER_BELOW


def test_runners_survive_the_ocr_cache_and_reach_the_page_text():
    line = OcrLine(
        "中国科学院院土",
        0.9,
        [[100, 100], [400, 100], [400, 130], [100, 130]],
        [],
        [(6, [("土", 0.53), ("士", 0.47)])],
    )
    page = OcrPage.from_json(OcrPage(1, 1000, 1400, [line], [0.1]).to_json())
    assert page.lines[0].alts == [(6, [("土", 0.53), ("士", 0.47)])]
    assert page_boxes(page, 1.0)[0].text == "中国科学院院士"
    # a page cached before runners were kept reads as it did
    old = OcrPage(1, 1000, 1400, [line], [0.1]).to_json()
    del old["lines"][0]["alts"]
    assert page_boxes(OcrPage.from_json(old), 1.0)[0].text == "中国科学院院土"
