"""Tokenisation for the search index (Python side; tests/test_search_js.py checks the JS side)."""

from __future__ import annotations

import jieba
from hypothesis import given, settings
from hypothesis import strategies as st

from huikan.config import Cluster, SiteConfig, Taxonomy
from huikan.search.tokenize import (
    Tokenizer,
    dictionary_words,
    grams,
    latin_words,
    normalize,
    query_grams,
    squash,
)


def test_normalize_full_width_and_case():
    assert normalize("ＡＩ芯片２０２４年") == "ai芯片2024年"
    assert squash("集成电路与 ICT\n产业") == "集成电路与ict产业"


def test_grams_are_bigrams_plus_last_character():
    assert grams("集成电路") == ["集成", "成电", "电路", "路"]
    # whitespace does not break a run (PDF text has spaces inside words), punctuation does
    assert grams("国内 动态，光伏") == ["国内", "内动", "动态", "态", "光伏", "伏"]


def test_grams_mixed_chinese_latin_and_full_width_digits():
    assert grams("AI芯片") == ["ai", "i芯", "芯片", "片"]
    assert grams("５Ｇ通信") == ["5g", "g通", "通信", "信"]
    assert grams("CAR-T疗法") == ["ca", "ar", "r", "t疗", "疗法", "法"]


def test_latin_words_whole_lower_cased_with_compound_parts():
    text = "HBM3E、CoWoS 与 CAR-T，MCU 和 5G；１６．５％，2024-2026 年"
    assert latin_words(text) == [
        "hbm3e",
        "cowos",
        "car-t",
        "car",
        "mcu",
        "16.5",
        "2024-2026",
        "2024",
        "2026",
    ]  # 5g (two characters) is a gram already
    assert latin_words("中文没有拉丁词") == []


def test_query_grams_required_terms():
    assert list(query_grams("成电路")) == [("成电", False), ("电路", False)]
    assert list(query_grams("电")) == [("电", True)]
    assert list(query_grams("CAR-T")) == [("ca", False), ("ar", False), ("t", True)]
    assert list(query_grams("哈哈哈")) == [("哈哈", False)]  # duplicates once
    assert list(query_grams("，。")) == []
    long = "数字经济成为发展新质生产力的主战场"  # 17 characters: every other bigram + the last
    assert [g for g, _ in query_grams(long)] == [long[i : i + 2] for i in (*range(0, 16, 2), 15)]


def _config(user_dict=(), keywords=()):
    clusters = [Cluster("数字经济", "digital", ["数字产业"], list(keywords))]
    return SiteConfig(user_dict=list(user_dict), taxonomy=Taxonomy(clusters))


def test_dictionary_words_from_taxonomy_and_site_yml():
    words = dictionary_words(_config(["新质生产力", "4D打印"], ["数据要素"]))
    assert {"新质生产力", "数据要素", "数字经济", "数字产业", "打印"} <= set(words)
    assert "4D打印" not in words  # jieba only sees Chinese runs


def test_user_dictionary_keeps_domain_terms_whole():
    text = "徐州聚力发展新质生产力，培育耐心资本和人形机器人产业。"
    plain = Tokenizer([]).words(text)
    site = Tokenizer(["新质生产力", "耐心资本", "人形机器人"]).words(text)
    assert {"新质生产力", "耐心资本", "人形机器人"} <= set(site)
    assert "耐心资本" not in plain  # not in jieba's own dictionary
    assert all(len(w) >= 3 for w in site)  # two-character words are grams already


def test_tokenizers_do_not_leak_into_each_other_or_jieba_global_state():
    word = "汇刊测检词"
    with_word = Tokenizer([word])
    without = Tokenizer([])
    assert word in with_word.words(f"这是{word}。")
    assert word not in without.words(f"这是{word}。")
    assert word not in jieba.dt.FREQ
    assert with_word.key != without.key


def test_terms_combine_grams_words_and_latin():
    terms = Tokenizer(["集成电路"]).terms("我国集成电路与HBM")
    assert terms[:3] == ["我国", "国集", "集成"]
    assert "集成电路" in terms and "hbm" in terms and "路与" in terms


# Any string of two or more word characters that occurs in a text (after NFKC, lower-casing,
# deleting whitespace) has all its query bigrams among the text's grams, and any single
# character starts some gram: that is why a query never misses an article that contains it.
_alphabet = st.sampled_from(list("集成电路芯片出口新质生产力光伏ＡＢａｂAB12３， 。-\n𠀀"))


@settings(max_examples=300, deadline=None)
@given(st.text(_alphabet, min_size=1, max_size=40), st.data())
def test_every_substring_is_found_by_its_grams(text, data):
    flat = squash(text)
    if not flat:
        return
    i = data.draw(st.integers(0, len(flat) - 1))
    j = data.draw(st.integers(i + 1, len(flat)))
    query = flat[i:j]
    index = set(grams(text))
    for term, prefix in query_grams(query):
        if prefix:
            assert any(g.startswith(term) for g in index)
        else:
            assert term in index
