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


LEAD = "航天制造装备联盟举办上海航天第100件充液拉深整体箱底成功下线仪式"
BODY = "近日，航天制造装备产业技术创新战略联盟召开航天轻质高效结构整体成形技术研讨会，与会专家围绕技术发展交流。"


def test_a_listed_title_run_into_the_paragraph_below_is_cut_off():
    """A scan read the title as the first line of its paragraph: cut after the title, its
    closing mark kept with it; a title printed on its own elsewhere, a short rest (a byline
    under the title) and a title before the TOC ends are left alone."""
    out = cut_listed_titles([Block(LEAD + BODY, lines=4)], [squash(LEAD)], 0)
    assert [(b.text, b.lines) for b in out] == [(LEAD, 1), (BODY, 3)]
    quoted = "《关于加快推进科技成果转化的若干意见》"
    out = cut_listed_titles([Block(quoted + "“" + BODY, lines=3)], [squash(quoted)], 0)
    assert [b.text for b in out] == [quoted, "“" + BODY]
    printed = [Block(LEAD), Block(LEAD + BODY, lines=4)]
    assert cut_listed_titles(printed, [squash(LEAD)], 0) is printed
    byline = [Block(LEAD + " 联盟秘书处 张三", lines=2)]
    assert cut_listed_titles(byline, [squash(LEAD)], 0) is byline
    before_toc = [Block(LEAD + BODY, lines=4)]
    assert cut_listed_titles(before_toc, [squash(LEAD)], 1) is before_toc
