"""A title the TOC lists, run into the paragraph above it, is cut out of that paragraph."""

from __future__ import annotations

from huikan.ingest.textutil import squash
from huikan.ingest.toc_cut import cut_listed_titles
from huikan.model import Block

TITLE = "科技部将把强化企业科技创新主体地位作为深化科技体制改革的关键举措"
PARA = "探索互利共赢的全球科技创新合作新模式，促进科技创新成果互惠互享等。"


def test_a_listed_title_at_the_end_of_a_paragraph_is_cut_out():
    blocks = [Block(PARA + TITLE, lines=3), Block("科技部副部长指出，" + PARA)]
    out = cut_listed_titles(blocks, [squash(TITLE)], 0)
    assert [b.text for b in out] == [PARA, TITLE, "科技部副部长指出，" + PARA]
    assert out[0].lines == 2 and out[1].lines == 1


def test_the_title_may_end_in_the_one_line_block_after_a_page_break():
    head, tail = TITLE[:-4], TITLE[-4:]
    blocks = [Block(PARA + head, lines=3), Block(tail), Block("科技部副部长指出，" + PARA)]
    out = cut_listed_titles(blocks, [squash(TITLE)], 0)
    assert [b.text for b in out] == [PARA, TITLE, "科技部副部长指出，" + PARA]


def test_nothing_is_cut_inside_a_sentence_or_before_the_toc_ends():
    quoted = Block("会议指出，" + TITLE + "，意义重大。", lines=2)
    before_toc = Block(PARA + TITLE, lines=2)
    blocks = [before_toc, quoted]
    assert cut_listed_titles(blocks, [squash(TITLE)], 1) is blocks


def test_a_title_printed_on_its_own_is_left_alone():
    blocks = [Block(PARA + TITLE, lines=2), Block(TITLE)]
    assert cut_listed_titles(blocks, [squash(TITLE)], 0) is blocks
