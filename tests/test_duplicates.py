"""huikan.collect.duplicate_bulletins squashes every title only where two bulletins could
match: its warnings are those of the plain rule (every title squashed), on any archive."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from huikan.collect import duplicate_bulletins
from huikan.ingest.textutil import squash
from huikan.model import Article, BulletinMeta, IngestResult


def _reference(results):
    """The rule as it was written first: every bulletin's titles squashed."""
    seen, out = {}, []
    for p, r in results:
        b = r.bulletin
        keys = []
        if b.title and b.number and b.date:
            keys.append(("masthead", b.title, b.number, b.date))
        titles = tuple(squash(a.title) for a in r.articles)
        if len(titles) >= 2:
            keys.append(("articles", titles))
        for key in keys:
            if key in seen:
                out.append((p.name, key[0], seen[key].name))
                break
            seen[key] = p
    return out


TITLES = st.lists(st.sampled_from(["芯片", "芯 片", "**芯片**", "电池", "电池。", "Ab", "ab"]))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(TITLES, st.sampled_from(["", "科技参考"]), st.sampled_from(["", "1"])),
        max_size=8,
    )
)
def test_duplicate_warnings_are_those_of_the_plain_rule(bulletins):
    results = [
        (
            Path(f"b{i}.md"),
            IngestResult(
                bulletin=BulletinMeta(title=masthead, number=number, date="2024-04"),
                articles=[Article(title=t, text="") for t in titles],
            ),
        )
        for i, (titles, masthead, number) in enumerate(bulletins)
    ]
    got = duplicate_bulletins(results)
    want = _reference(results)
    assert [w.file for w in got] == [f for f, _, _ in want]
    for w, (_, kind, other) in zip(got, want, strict=True):
        assert other in w.message
        assert ("全部文章标题" in w.message) == (kind == "articles")
