"""The archive as the pages see it: bulletins, articles and clusters with their URLs.

Built once per build from the ingest results (sources are never re-read). Everything here is
ordered deterministically: bulletins newest first (ties by slug), articles in reading order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from huikan.config import GENERAL, Cluster, SiteConfig
from huikan.model import Article, IngestResult
from huikan.model import Warning as IngestWarning
from huikan.site.slugs import safe_file_name, short_hash, slugify, unique_slugs
from huikan.site.textutil import date_key, format_date
from huikan.snapshot import SlimArticle, lead_of, text_sha256

# Top-level names the site itself uses; a bulletin slug never takes one of them.
RESERVED = frozenset(
    {
        "assets",
        "archive",
        "clusters",
        "search",
        "feed.xml",
        "sitemap.xml",
        "sitemaps",
        "robots.txt",
        "404.html",
        "index.html",
        "manifest.json",
        "page",
    }
)
RELATED_COUNT = 5


@dataclass(eq=False)
class BulletinEntry:
    slug: str
    result: IngestResult
    source_path: Path
    file_name: str  # the original's (sanitised) name inside the bulletin folder
    articles: list[ArticleEntry] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    digest: str = ""  # the ingest cache key: names the result's content (see ident)
    # Set when ``result`` is slim (huikan.snapshot: no bodies, no regions): loads the full one.
    loader: Callable[[], IngestResult] | None = field(default=None, repr=False)
    _ident: str | None = field(default=None, repr=False)

    def full(self) -> IngestResult:
        """The full ingest result (bodies, regions), loaded on first use when ``result`` is
        slim, and kept. Only the pages that are rendered need it."""
        if self.loader is not None:
            full = self.peek_full()
            self.result, self.loader = full, None
            for a in self.articles:
                a.article = full.articles[a.index]
        return self.result

    def peek_full(self) -> IngestResult:
        """The full ingest result, without keeping it when it has to be loaded: for a pass
        over the whole archive (the search index) that must not end up holding every body."""
        if self.loader is None:
            return self.result
        full = self.loader()
        if len(full.articles) != len(self.result.articles):
            raise ValueError(f"{self.source_path.name}：缓存的拆分结果与快照不一致")
        return full

    @property
    def url(self) -> str:
        return f"{self.slug}/"

    @property
    def ident(self) -> str:
        """A short string that changes whenever anything a page shows of this bulletin
        does: its ingest result (by the cache key, which covers the file, its sidecar, the
        taxonomy and the ingest code; hashed from the result when there is none), its slug
        and file names. Page keys are made of these instead of the pages' contents, so
        finding that a page is unchanged needs neither its context nor its text."""
        if self._ident is None:
            digest = self.digest or _result_digest(self.result)
            self._ident = _short(f"{digest}|{self.slug}|{self.source_path.name}|{self.file_name}")
        return self._ident

    @property
    def original_url(self) -> str:
        return f"{self.slug}/{self.file_name}"

    @property
    def meta(self):
        return self.result.bulletin

    @property
    def title(self) -> str:
        return self.meta.title or self.source_path.stem

    @property
    def date(self) -> str | None:
        return self.meta.date

    @property
    def is_pdf(self) -> bool:
        return self.source_path.suffix.lower() == ".pdf"

    def display_title(self) -> str:
        """``"科技参考 第8期（总第39期）"`` or, without a number, title and date."""
        if self.meta.number:
            return f"{self.title} {self.meta.number}"
        when = format_date(self.date)
        return f"{self.title}（{when}）" if when else self.title


@dataclass(eq=False)
class ArticleEntry:
    bulletin: BulletinEntry
    index: int  # reading order within the bulletin, 0-based
    slug: str
    article: Article
    cluster: Cluster
    related: list[ArticleEntry] = field(default_factory=list)
    card_cache: dict | None = field(default=None, repr=False)  # cards.article_card's result
    slim: SlimArticle | None = field(default=None, repr=False)  # lead and hash, body not loaded
    _ident: str | None = field(default=None, repr=False)

    @cached_property
    def url(self) -> str:
        """(Made once: slugs are final when the model is built, and a rebuild of a large
        archive asks for every article's URL and page a few times.)"""
        return f"{self.bulletin.slug}/{self.slug}/"

    @cached_property
    def page_path(self) -> str:
        """Its page's file in the site."""
        return f"{self.url}index.html"

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def date(self) -> str | None:
        return self.bulletin.date

    @property
    def text(self) -> str:
        """The body as plain text (loads the bulletin's full result if it is slim). Pages
        read the body only through here, :attr:`lead` and :attr:`body_markdown`."""
        return self.bulletin.full().articles[self.index].text

    @property
    def lead(self) -> str:
        """The body's first characters: enough for any excerpt, without loading it."""
        return self.slim.lead if self.slim is not None else lead_of(self.article.text)

    @property
    def body_markdown(self) -> str:
        art = self.bulletin.full().articles[self.index]
        return art.markdown or art.text

    def text_sha256(self) -> str:
        if self.slim is not None:
            return self.slim.text_sha256
        return text_sha256(self.article.text)

    @property
    def ident(self) -> str:
        """Like :attr:`BulletinEntry.ident`, for what a page shows of this article (its
        card, its own page): the bulletin's, its place, slug and cluster."""
        if self._ident is None:
            c = self.cluster
            self._ident = _short(
                f"{self.bulletin.ident}#{self.index}|{self.slug}|{c.slug}|{c.name}"
            )
        return self._ident


@dataclass
class ClusterEntry:
    cluster: Cluster
    articles: list[ArticleEntry]  # newest first

    @property
    def url(self) -> str:
        return f"clusters/{self.cluster.slug}/"


@dataclass
class SiteModel:
    config: SiteConfig
    bulletins: list[BulletinEntry]  # newest first
    clusters: list[ClusterEntry]  # taxonomy order, only those with articles
    warnings: list[IngestWarning] = field(default_factory=list)  # problems found while rendering

    @property
    def articles(self) -> list[ArticleEntry]:
        return [a for b in self.bulletins for a in b.articles]


def _short(ident: str) -> str:
    """An ident as 32 hex digits (128 bits of BLAKE2b). Idents are hashed again inside page
    and search keys wherever a page shows the article or bulletin (its own page, its
    bulletin's, related articles, cluster and archive lists): as the full strings (~150
    characters each) they were 95 MB of input to the article pages' keys alone at 80,000
    articles, hashed on every build."""
    return hashlib.blake2b(ident.encode(), digest_size=16).hexdigest()


def _result_digest(result: IngestResult) -> str:
    data = json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def bulletin_slugs(paths: list[Path], pinned: list[str | None]) -> list[str]:
    """One slug per bulletin file: the sidecar's ``slug`` or the file stem, sanitised, unique.

    Collisions (``x.pdf`` and ``x.txt``, reserved names) get ``-<hash of the file name>``.
    """
    base = []
    for p, pin in zip(paths, pinned, strict=True):
        s = slugify(pin or p.stem, max_len=80, fallback="issue")
        base.append(f"{s}-{short_hash(p.name)}" if s in RESERVED else s)
    counts: dict[str, int] = {}
    for s in base:
        counts[s] = counts.get(s, 0) + 1
    out = []
    for s, p in zip(base, paths, strict=True):
        out.append(f"{s}-{short_hash(p.name)}" if counts[s] > 1 else s)
    return out


def _cluster_for(name: str, config: SiteConfig, extra: dict[str, Cluster]) -> Cluster:
    c = config.taxonomy.get(name or GENERAL)
    if c is not None:
        return _safe_cluster(c)
    # A name the taxonomy does not know (an old cache, a hand-edited result): keep it visible.
    if name not in extra:
        extra[name] = Cluster(name, "x-" + slugify(name, max_len=40, fallback="cluster"))
    return extra[name]


_SAFE_CLUSTERS: dict[tuple[str, str], Cluster] = {}


def _safe_cluster(c: Cluster) -> Cluster:
    """The cluster with a slug that is a safe URL part (site.yml is edited by hand)."""
    safe = slugify(c.slug, max_len=60, fallback="cluster")
    if safe == c.slug:
        return c
    key = (c.name, c.slug)
    if key not in _SAFE_CLUSTERS:
        _SAFE_CLUSTERS[key] = replace(c, slug=safe)
    return _SAFE_CLUSTERS[key]


def build_model(
    results: list[tuple[Path, IngestResult]],
    config: SiteConfig,
    pinned_slugs: dict[Path, str],
    digests: dict[Path, str] | None = None,
    slim: dict[Path, tuple[list[SlimArticle], Callable[[], IngestResult]]] | None = None,
) -> SiteModel:
    """Assign URLs, order everything, group by cluster and find related articles.

    ``digests``: each result's ingest cache key, when known (see BulletinEntry.ident).
    ``slim``: for results without bodies (huikan.snapshot), their articles' leads and
    hashes and how to load the full result."""
    results = sorted(results, key=lambda r: r[0].name)
    paths = [p for p, _ in results]
    slugs = bulletin_slugs(paths, [pinned_slugs.get(p) for p in paths])
    extra: dict[str, Cluster] = {}
    found: dict[str, Cluster] = {}  # an article's cluster name → its cluster
    model_warnings: list[IngestWarning] = []
    bulletins: list[BulletinEntry] = []
    for (path, res), slug in zip(results, slugs, strict=True):
        b = BulletinEntry(
            slug=slug,
            result=res,
            source_path=path,
            file_name=safe_file_name(path.name),
            warnings=list(res.warnings),
            digest=(digests or {}).get(path, ""),
        )
        bodies: list[SlimArticle | None] = [None] * len(res.articles)
        if slim and path in slim:
            bodies, b.loader = slim[path]
        a_slugs, problems = unique_slugs(
            [a.title for a in res.articles], [a.slug for a in res.articles]
        )
        for s in problems:
            w = IngestWarning(
                "duplicate-slug", f"旁注文件为多篇文章指定了同一网址 “{s}”", path.name
            )
            b.warnings.append(w)
            model_warnings.append(w)
        for i, (a, s) in enumerate(zip(res.articles, a_slugs, strict=True)):
            cluster = found.get(a.cluster)
            if cluster is None:  # once per name, not per article (a slugify each)
                cluster = found[a.cluster] = _cluster_for(a.cluster, config, extra)
            b.articles.append(ArticleEntry(b, i, s, a, cluster, slim=bodies[i]))
        bulletins.append(b)

    # Newest first; equal dates by slug so the order never depends on file-system order.
    bulletins.sort(key=lambda b: b.slug)
    bulletins.sort(key=lambda b: date_key(b.date), reverse=True)

    by_cluster: dict[str, list[ArticleEntry]] = {}
    for b in bulletins:
        for a in b.articles:
            by_cluster.setdefault(a.cluster.name, []).append(a)
    order = [*config.taxonomy.clusters, *sorted(extra.values(), key=lambda c: c.slug)]
    clusters = [
        ClusterEntry(_safe_cluster(c), by_cluster[c.name]) for c in order if c.name in by_cluster
    ]
    for c in clusters:
        _link_related(c.articles)
    return SiteModel(config, bulletins, clusters, model_warnings)


def _link_related(articles: list[ArticleEntry]) -> None:
    """Related = the nearest articles in time from the same cluster, other issues only.

    Taking neighbours (rather than "the newest N") means a new bulletin changes the related
    lists of only a few older pages, which keeps incremental rebuilds small.
    """
    n = len(articles)
    owner = [a.bulletin for a in articles]  # (one list lookup a step: 80,000 articles a build)
    for i, a in enumerate(articles):
        picked: list[int] = []
        lo, hi = i - 1, i + 1
        mine = owner[i]
        while len(picked) < RELATED_COUNT and (lo >= 0 or hi < n):
            # Alternate older (hi) and newer (lo), older first: earlier context reads better.
            if hi < n and owner[hi] is not mine:
                picked.append(hi)
            if lo >= 0 and len(picked) < RELATED_COUNT and owner[lo] is not mine:
                picked.append(lo)
            lo, hi = lo - 1, hi + 1
        picked.sort()
        a.related = [articles[j] for j in picked]
