"""How a cluster's articles are spread over its landing page and numbered pages, and which
pages each of them links to.

Pages are numbered from the oldest article (page 1 holds the first ``per_page``), so a new
issue appends to the newest pages and never moves an article to another page: the numbered
pages it changes are a few at the newest end, not the whole cluster. Kept apart from the page
planner (huikan.site.pages) because this arithmetic is what decides how many pages a rebuild
touches, and is tested on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

PAGE_WINDOW = 2  # page links either side of the current page


@dataclass(frozen=True)
class ClusterPaging:
    """The numbering of one cluster's pages. The landing page shows the two newest numbered
    pages (``per_page`` + 1 to 2 × ``per_page`` articles; all of them when there are no
    more); the numbered pages ``1 … landing_n`` hold the rest and link to their neighbours,
    page 1 and the landing page, never to the last page."""

    url: str  # the cluster's landing page
    per: int  # articles per numbered page
    count: int  # the cluster's articles
    landing_n: int  # the highest numbered page not on the landing page

    @classmethod
    def of(cls, url: str, count: int, per_page: int) -> ClusterPaging:
        """The paging of ``count`` articles at ``per_page`` a page (at least one)."""
        per = max(1, per_page)
        total = math.ceil(count / per)  # numbered pages, counted from the oldest
        return cls(url, per, count, max(0, total - 2))

    @property
    def on_landing(self) -> int:
        """How many of the newest articles the landing page shows."""
        return self.count - self.landing_n * self.per

    def chunk(self, articles: Sequence[T], k: int) -> Sequence[T]:
        """The articles of numbered page ``k`` from the cluster's, newest first: the k-th
        oldest ``per`` of them, shown newest first."""
        n = len(articles)
        return articles[n - k * self.per : n - (k - 1) * self.per]

    def page_url(self, k: int) -> str:
        """URL of numbered page ``k``; the pages past ``landing_n`` are the landing page."""
        return self.url if k > self.landing_n else f"{self.url}page/{k}/"

    def nav(self, k: int) -> dict[str, Any]:
        """Links of page k (landing: k = landing_n + 1)."""
        links = (
            [
                {"label": str(n), "url": self.page_url(n) if n else None, "current": n == k}
                for n in page_window(k, self.landing_n)
            ]
            if self.landing_n
            else []
        )
        latest = {"label": "最新", "url": self.url, "current": k > self.landing_n}
        return {
            "prev": self.page_url(k + 1) if k <= self.landing_n else None,
            "next": self.page_url(k - 1) if k > 1 else None,
            "pages": [latest, *links],
        }


def page_window(n: int, last: int) -> list[int]:
    """Numbered pages to link from page ``n`` of a cluster whose numbered pages are
    ``1 … last`` (the landing page, linked as 最新, shows the newer ones): page 1 and those
    near ``n``, with 0 where pages are left out (shown as …). ``last`` only clips the
    neighbourhood, so a new page at the end changes the links of the few pages next to it,
    not of every page; and their number never grows with the cluster (linking every page made
    each page's size, and the work of planning them all, grow with the square of a cluster's
    size)."""
    keep = {1, *range(max(1, n - PAGE_WINDOW), min(last, n + PAGE_WINDOW) + 1)}
    out: list[int] = []
    for k in sorted(keep):
        if out and k == out[-1] + 2:  # a gap of one page: link it rather than write …
            out.append(k - 1)
        elif out and k > out[-1] + 2:
            out.append(0)
        out.append(k)
    return out
