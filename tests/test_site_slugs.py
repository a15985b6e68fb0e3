from hypothesis import given
from hypothesis import strategies as st

from huikan.site.slugs import MAX_SLUG, safe_file_name, slugify, unique_slugs


def test_slugify_keeps_chinese_and_folds_latin():
    assert slugify("推进工程机械电动化 聚力打造") == "推进工程机械电动化-聚力打造"
    assert slugify("ＭＣＵ 的国产加速度") == "mcu-的国产加速度"
    assert slugify("“减污降碳 = 煤电消亡”？——浅析") == "减污降碳-煤电消亡-浅析"


def test_slugify_caps_length_and_is_never_empty():
    assert len(slugify("很" * 100)) == MAX_SLUG
    assert slugify("").startswith("item-")
    assert slugify("？？！！").startswith("item-")
    assert slugify("？？", fallback="article").startswith("article-")


@given(st.text())
def test_slugify_is_a_safe_path_component(text):
    s = slugify(text)
    assert s and "/" not in s and "\\" not in s and "." not in s
    assert s == slugify(text)  # deterministic
    assert not s.startswith("-") and not s.endswith("-")


@given(st.text())
def test_safe_file_name_never_escapes(name):
    f = safe_file_name(name)
    assert f and "/" not in f and "\\" not in f
    assert f not in (".", "..") and not f.startswith(".")


def test_safe_file_name_examples():
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("C:\\x\\简报 第8期.pdf") == "简报-第8期.pdf"
    assert safe_file_name("2024-04-keji.md") == "2024-04-keji.md"


def test_unique_slugs_resolve_collisions_by_title_not_position():
    titles = ["同一个标题", "同一个标题 （续）", "别的"]
    slugs, problems = unique_slugs(titles, [None, None, None])
    assert len(set(slugs)) == 3 and problems == []
    assert slugs[2] == "别的"
    # the same titles in another order get the same slugs
    rev, _ = unique_slugs(titles[::-1], [None, None, None])
    assert dict(zip(titles, slugs, strict=True)) == dict(zip(titles[::-1], rev, strict=True))


def test_long_titles_sharing_a_prefix_get_distinct_hashes():
    a = "徐州牵头成立淮海经济区安全应急装备产教融合共同体之一"
    b = "徐州牵头成立淮海经济区安全应急装备产教融合共同体之二"
    slugs, _ = unique_slugs([a, b], [None, None])
    assert slugs[0] != slugs[1]
    assert all(s.startswith(slugify(a)) for s in slugs)


def test_identical_titles_fall_back_to_ordinals():
    slugs, _ = unique_slugs(["简讯", "简讯", "简讯"], [None, None, None])
    assert len(set(slugs)) == 3
    assert slugs[1] == slugs[0] + "-2" and slugs[2] == slugs[0] + "-3"


def test_pinned_slugs_win_and_duplicates_are_reported():
    slugs, problems = unique_slugs(["甲", "乙", "丙"], ["x", None, "x"])
    assert slugs[0] == "x" and slugs[2] == "x-2" and problems == ["x"]
    # a derived slug colliding with a pinned one moves aside, the pinned one stays
    slugs, _ = unique_slugs(["甲", "乙"], ["乙", None])
    assert slugs[0] == "乙" and slugs[1].startswith("乙-")


@given(st.lists(st.text(max_size=30), max_size=12))
def test_unique_slugs_are_unique(titles):
    slugs, _ = unique_slugs(titles, [None] * len(titles))
    assert len(set(slugs)) == len(slugs)


@given(st.text(max_size=60))
def test_slugify_turns_every_run_of_non_alphanumerics_into_one_hyphen(text):
    """The regex is the per-character rule it replaced (str.isalnum, as \\w less "_")."""
    import re
    import unicodedata

    s = unicodedata.normalize("NFKC", text).lower()
    s = "".join(ch if ch.isalnum() else " " for ch in s)
    s = re.sub(r"[\s\-]+", "-", s).strip("-")[:MAX_SLUG].rstrip("-")
    if s:  # (an empty one falls back to a hash, the same either way)
        assert slugify(text) == s
