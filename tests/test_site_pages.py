"""Page planning (huikan.site.pages): the page links of a paginated cluster."""

from __future__ import annotations

from huikan.site.pages import page_window


def test_short_lists_link_every_page():
    assert page_window(1, 1) == [1]
    assert page_window(3, 5) == [1, 2, 3, 4, 5]


def test_long_lists_link_the_ends_and_the_neighbourhood_with_gaps():
    assert page_window(1, 10) == [1, 2, 3, 0, 10]
    assert page_window(6, 10) == [1, 0, 4, 5, 6, 7, 8, 9, 10]
    assert page_window(10, 10) == [1, 0, 8, 9, 10]


def test_the_link_count_does_not_grow_with_the_page_count():
    sizes = {len(page_window(n, 4000)) for n in range(1, 4001)}
    assert max(sizes) <= 9
