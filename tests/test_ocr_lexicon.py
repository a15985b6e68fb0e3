"""Re-reading the characters OCR hesitated over or dropped (huikan.ingest.ocr.lexicon), the
doubted dots and Latin letters among them too, and where the recogniser's candidates come
from (engine.runners, engine.gaps) and go (the OCR cache, the page's boxes, the pieces of a
line cut at a gutter).

The candidate lists below are of the kind the recogniser gave on the scanned dev bulletins
(probe of the decoder's columns): the printed character second, or third after the blank.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from huikan.ingest.ocr.engine import RUNNER_BELOW, OcrLine, OcrPage, gaps, runners
from huikan.ingest.ocr.glyphs import page_boxes
from huikan.ingest.ocr.gutters import _piece
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


def test_han_characters_are_replaced_only_by_han_characters():
    assert correct("院土", [(1, [("土", 0.5), ("+", 0.45)])]) == "院土"
    assert correct("院土", [(5, [("土", 0.5), ("士", 0.45)])]) == "院土"  # out of range: ignored
    assert correct("院土", []) == "院土"


@pytest.mark.parametrize(
    "read, k, cands, printed",
    [
        ("储能全生命周期安全待提升", 9, [("亟", 0.21)], "储能全生命周期安全亟待提升"),
        ("技术质量良不齐", 5, [("莠", 0.38)], "技术质量良莠不齐"),
    ],
)
def test_a_dropped_character_that_makes_a_word_is_put_back(read, k, cands, printed):
    assert correct(read, [], [(k, cands)]) == printed


@pytest.mark.parametrize(
    "read, k, cands",
    [
        ("人工智能、三维打印", 4, [("能", 0.46)]),  # not between two Han characters
        ("发展人工智能产业", 6, [("能", 0.46)]),  # a neighbour's shape spilling over
        ("全新的方剂", 1, [("新", 0.45)]),
        ("发展的战略", 2, [("性", 0.1)]),  # 展性 is no word: the blank stands
    ],
)
def test_no_character_is_put_back_where_it_makes_no_new_word(read, k, cands):
    assert correct(read, [], [(k, cands)]) == read


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


def test_gaps_are_blank_runs_where_a_character_was_seen():
    alphabet = ["blank", "安", "全", "亟", "待", " "]
    # 安 _ 全 _ _(亟 0.3) 待: text "安全待", a dropped 亟 before index 2
    preds = _columns([(1, 0.99), (0, 0.99), (2, 0.99), (0, 0.95), (0, 0.6), (4, 0.99)])
    preds[4, 3] = 0.3
    preds[4] /= preds[4].sum()
    assert gaps(preds, alphabet) == [(2, [("亟", round(float(preds[4, 3]), 3))])]
    # nothing seen in the blanks: no gap
    assert gaps(_columns([(1, 0.99), (0, 0.99), (2, 0.99)]), alphabet) == []


def test_runners_survive_the_ocr_cache_and_reach_the_page_text():
    line = OcrLine(
        "中国科学院院土",
        0.9,
        [[100, 100], [400, 100], [400, 130], [100, 130]],
        [],
        [(6, [("土", 0.53), ("士", 0.47)])],
        [(7, [("亟", 0.3)])],
    )
    line.text += "待"
    page = OcrPage.from_json(OcrPage(1, 1000, 1400, [line], [0.1]).to_json())
    assert page.lines[0].alts == [(6, [("土", 0.53), ("士", 0.47)])]
    assert page.lines[0].gaps == [(7, [("亟", 0.3)])]
    assert page_boxes(page, 1.0)[0].text == "中国科学院院士亟待"
    # a page cached before runners were kept reads as it did
    old = OcrPage(1, 1000, 1400, [line], [0.1]).to_json()
    del old["lines"][0]["alts"], old["lines"][0]["gaps"]
    assert page_boxes(OcrPage.from_json(old), 1.0)[0].text == "中国科学院院土待"


def test_a_line_cut_at_a_gutter_keeps_its_doubts_in_each_piece():
    # two columns read as one line: "院土" in the left piece, a dropped 亟 in the right one
    text = "中国科学院院土 安全待提升"
    chars = [(10.0 * i, 10.0 * i + 9) for i in range(len(text))]
    ln = OcrLine(
        text,
        0.9,
        [[0, 0], [130, 0], [130, 10], [0, 10]],
        chars,
        alts=[(6, [("土", 0.53), ("士", 0.47)])],
        gaps=[(10, [("亟", 0.21)]), (8, [("的", 0.3)])],  # 8: the place between the pieces
    )
    left = _piece(ln, list(range(7)), 0, 69)
    right = _piece(ln, list(range(8, 13)), 80, 129)
    assert (left.alts, left.gaps) == (ln.alts, [])
    assert right.alts == [] and right.gaps == [(2, [("亟", 0.21)])]
    assert correct(left.text, left.alts, left.gaps) == "中国科学院院士"
    assert correct(right.text, right.alts, right.gaps) == "安全亟待提升"


@pytest.mark.parametrize(
    "read, at, cands, printed",
    [
        # a full stop read as a dot, 。 the runner-up (cid-nonembedded scans)
        ("体系·打造高能级", 2, [("·", 0.553), ("。", 0.274), ("?", 0.037)], "体系。打造高能级"),
        # an interpunct the recogniser doubted, but with no 。 among its candidates
        ("执行董事马克·乌赞认为", 6, [("·", 0.93), ("?", 0.041)], "执行董事马克·乌赞认为"),
        # a dot at the start of a line follows no text: not a full stop
        ("·产业科技动态", 0, [("·", 0.5), ("。", 0.4)], "·产业科技动态"),
        # 1 and 0 among capitals are I and O; I and O among digits are 1 and 0
        ("建筑信息模型B1M产业", 7, [("1", 0.529), ("I", 0.453)], "建筑信息模型BIM产业"),
        ("超过（EFL0PS是指", 6, [("0", 0.6), ("O", 0.3)], "超过（EFLOPS是指"),
        ("到2O25年", 2, [("O", 0.6), ("0", 0.35)], "到2025年"),
        # other kinds, other pairs and short tokens keep what was read
        ("LiPF6电解液", 4, [("6", 0.5), ("o", 0.45)], "LiPF6电解液"),
        ("CO2排放", 2, [("2", 0.6), ("Z", 0.35)], "CO2排放"),
        ("H1N1流感", 1, [("1", 0.5), ("I", 0.45)], "H1N1流感"),
        ("A1纸张", 1, [("1", 0.6), ("I", 0.35)], "A1纸张"),
        ("发展5G网络", 2, [("5", 0.9), ("S", 0.05)], "发展5G网络"),
        # the letter four times less likely than the digit read: kept
        ("IP0上市", 2, [("0", 0.942), ("O", 0.034)], "IP0上市"),
    ],
)
def test_dots_and_latin_letters_follow_their_neighbours(read, at, cands, printed):
    assert correct(read, [(at, cands)]) == printed
