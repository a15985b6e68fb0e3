"""``huikan check``: find every mistake in ``site.yml`` and the sidecars before a build.

A typo in a sidecar must stop a pull request early with a message an editor can act on, so
this reports *all* problems at once, each as ``file:line: message``. It reuses the rules of
:func:`huikan.ingest.sidecar.load_sidecar` (keys, slug pattern; anything that function refuses
is reported too) and adds what only a look at the whole archive can see: two bulletins or two
articles pinned to the same URL, a sidecar without its bulletin, a slug the site reserves.
With ``deep=True`` it also ingests (through the cache) each bulletin whose sidecar corrects
articles, and reports corrections whose title matches no article — they would silently do
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from huikan.collect import BuildError, find_bulletins, issue_files, relative_name
from huikan.config import ConfigError, SiteConfig, Taxonomy, config_problems, load_config
from huikan.ingest.sidecar import load_sidecar, parse_sidecar
from huikan.schema import date_problem, slug_problem

__all__ = ["CheckReport", "Problem", "check_site", "date_problem", "slug_problem"]

SIDECAR_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Problem:
    file: str  # as shown to the editor: relative to the site folder when possible
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    sidecars: int = 0
    bulletins: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Pin:
    slug: str
    line: int


@dataclass
class _SidecarInfo:
    """What the cross-file checks need from one sidecar."""

    slug: _Pin | None = None
    article_slugs: list[tuple[str, _Pin]] = field(default_factory=list)  # (title, pin)
    article_titles: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)


# -- one sidecar -----------------------------------------------------------------------------
def sidecar_problems(
    path: Path, taxonomy: Taxonomy | None
) -> tuple[list[ConfigError], _SidecarInfo]:
    """Every mistake in one sidecar, with lines (the loader's own: one schema), plus its slug
    pins and corrected titles for the archive checks."""
    sc, errors = parse_sidecar(path, taxonomy)
    info = _SidecarInfo()
    if "slug" in sc.meta and sc.slug_line:
        info.slug = _Pin(sc.meta["slug"], sc.slug_line)
    for title, o in sc.articles.items():
        if title in sc.article_slug_lines and "slug" in o:
            info.article_slugs.append((title, _Pin(o["slug"], sc.article_slug_lines[title])))
        fields = {k: str(v).lower() if k == "drop" else str(v) for k, v in o.items()}
        info.article_titles.append((title, sc.article_lines.get(title, 0), fields))
    return errors, info


# -- the archive -----------------------------------------------------------------------------
@dataclass
class _Sidecars:
    """The sidecars that take effect, by the bulletin each belongs to: what the URL and deep
    checks read (a sidecar that is ignored pins nothing)."""

    infos: dict[Path, _SidecarInfo] = field(default_factory=dict)  # bulletin -> its info
    sidecar_of: dict[Path, Path] = field(default_factory=dict)  # bulletin -> its sidecar

    def pin(self, bulletin: Path) -> _Pin | None:
        """The slug the bulletin's sidecar pins, if any."""
        return self.infos[bulletin].slug if bulletin in self.infos else None


def check_site(
    root: Path,
    *,
    config_path: Path | None = None,
    issues_dir: Path | None = None,
    deep: bool = False,
) -> CheckReport:
    """Check ``site.yml`` and every sidecar under ``issues/``; never raises for bad input."""
    root = Path(root)
    config_path = config_path or root / "site.yml"
    issues_dir = issues_dir or root / "issues"
    report = CheckReport()
    config = _check_config(config_path, root, report)
    try:
        bulletins = find_bulletins(issues_dir)
    except BuildError as e:
        report.problems.append(Problem(relative_name(issues_dir, root), None, str(e)))
        return report
    report.bulletins = len(bulletins)
    taxonomy = config.taxonomy if config else None
    sidecars = _check_sidecars(issues_dir, bulletins, taxonomy, root, report)
    _check_bulletin_urls(bulletins, sidecars, root, report)
    if deep and config is not None:
        _unmatched_articles(root, config, bulletins, sidecars.infos, sidecars.sidecar_of, report)
    report.problems.sort(key=lambda p: (p.file, p.line or 0, p.message))
    return report


def _add_error(report: CheckReport, e: ConfigError, fallback: Path, root: Path) -> None:
    """Report a loader's error under its own file, or ``fallback`` when it names none, so
    every problem points the editor at a file."""
    file = Path(e.file) if e.file else fallback
    report.problems.append(Problem(relative_name(file, root), e.line, e.reason))


def _check_config(config_path: Path, root: Path, report: CheckReport) -> SiteConfig | None:
    """Report site.yml's mistakes; the config when it has none (the sidecars are then checked
    against its taxonomy, else against none rather than a wrong one)."""
    cfg_errors = config_problems(config_path)
    for e in cfg_errors:
        _add_error(report, e, config_path, root)
    if cfg_errors:
        return None
    return load_config(config_path)


def _check_sidecars(
    issues_dir: Path,
    bulletins: list[Path],
    taxonomy: Taxonomy | None,
    root: Path,
    report: CheckReport,
) -> _Sidecars:
    """Report every sidecar's own mistakes, and those the build would ignore; the ones that
    take effect, for the checks that look across bulletins."""
    from huikan.site.slugs import slugify

    stems: dict[Path, list[Path]] = {}
    for b in bulletins:
        stems.setdefault(b.with_suffix(""), []).append(b)
    found = _Sidecars()
    for sc in issue_files(issues_dir, SIDECAR_SUFFIXES):
        report.sidecars += 1
        errors, info = sidecar_problems(sc, taxonomy)
        for e in errors:
            _add_error(report, e, sc, root)
        owners = stems.get(sc.with_suffix(""), [])
        ignored = _ignored_sidecar(sc, owners, root)
        if ignored is not None:
            report.problems.append(ignored)
            continue
        for b in owners:
            found.infos[b] = info
            found.sidecar_of[b] = sc
        _duplicate_article_slugs(sc, info, root, report, slugify)
    return found


def _ignored_sidecar(sc: Path, owners: list[Path], root: Path) -> Problem | None:
    """Why the build would silently skip sidecar ``sc`` (no bulletin of its name, or a .yml
    beside this .yaml), if it would: an editor's corrections there would do nothing."""
    if not owners:
        return Problem(
            relative_name(sc, root),
            None,
            "没有同名的简报文件（.pdf、.txt 或 .md），这个旁注文件不会生效；文件名是否拼错？",
        )
    if sc.suffix.lower() == ".yaml" and sc.with_suffix(".yml").exists():
        return Problem(
            relative_name(sc, root),
            None,
            f"同一期简报已有 {sc.with_suffix('.yml').name}，这个 .yaml 文件会被忽略",
        )
    return None


def _check_bulletin_urls(
    bulletins: list[Path], sidecars: _Sidecars, root: Path, report: CheckReport
) -> None:
    """Bulletin URLs: a pinned slug the site reserves, and URLs two bulletins share (the
    build silently renames a colliding slug)."""
    by_slug = _bulletin_slugs(bulletins, sidecars, root, report)
    for slug, group in sorted(by_slug.items()):
        if len(group) >= 2:
            _colliding_url(slug, group, sidecars, root, report)


def _bulletin_slugs(
    bulletins: list[Path], sidecars: _Sidecars, root: Path, report: CheckReport
) -> dict[str, list[Path]]:
    """The bulletins by the URL slug the build would give them, reporting pinned slugs the
    site reserves for its own pages."""
    from huikan.site.model import RESERVED
    from huikan.site.slugs import slugify

    by_slug: dict[str, list[Path]] = {}
    for b in bulletins:
        pin = sidecars.pin(b)
        slug = slugify(pin.slug if pin else b.stem, max_len=80, fallback="issue")
        if pin and slug in RESERVED:
            report.problems.append(
                Problem(
                    relative_name(sidecars.sidecar_of[b], root),
                    pin.line,
                    f"slug “{pin.slug}” 是网站自用的名字"
                    f"（{'、'.join(sorted(RESERVED))}），请换一个",
                )
            )
        by_slug.setdefault(slug, []).append(b)
    return by_slug


def _colliding_url(
    slug: str, group: list[Path], sidecars: _Sidecars, root: Path, report: CheckReport
) -> None:
    """One problem per bulletin of a group sharing a URL, at its slug pin when it has one
    (the line to change), else at the bulletin itself."""
    names = "、".join(relative_name(b, root) for b in group)
    for b in group:
        pin = sidecars.pin(b)
        if pin:
            where = (relative_name(sidecars.sidecar_of[b], root), pin.line)
        else:
            where = (relative_name(b, root), None)
        report.problems.append(
            Problem(
                *where,
                f"{len(group)} 期简报的网址都是 “{slug}/”（{names}）；"
                "请在旁注文件中用 slug 给每期指定不同的网址",
            )
        )


def _duplicate_article_slugs(
    sc: Path,
    info: _SidecarInfo,
    root: Path,
    report: CheckReport,
    slugify: Callable[..., str],
) -> None:
    """Two articles of one sidecar pinned to the same URL: the build would rename one."""
    seen: dict[str, tuple[str, int]] = {}
    for title, pin in info.article_slugs:
        s = slugify(pin.slug, max_len=80, fallback="article")
        if s in seen:
            other, line = seen[s]
            report.problems.append(
                Problem(
                    relative_name(sc, root),
                    pin.line,
                    f"文章 “{title}” 的 slug “{pin.slug}” 与第 {line} 行 “{other}” 的相同",
                )
            )
        else:
            seen[s] = (title, pin.line)


def unmatched_corrections(sidecar, result) -> list[tuple[str, int]]:
    """``(title, line)`` of each article correction of ``sidecar`` that matches no article of
    the ingested ``result``: it would silently do nothing."""
    from huikan.ingest.textutil import squash

    titles = {squash(a.title) for a in result.articles}
    matched = {id(o) for a in result.articles if (o := sidecar.article_overrides(a.title))}
    out = []
    for title, o in sidecar.articles.items():
        if o.get("drop") is True:
            continue  # a dropped article is gone from the result: nothing to compare
        if id(o) in matched or squash(str(o.get("title", ""))) in titles:
            continue
        out.append((title, sidecar.article_lines.get(title, 0)))
    return out


def _unmatched_articles(root, config, bulletins, infos, sidecar_of, report) -> None:
    """Sidecar corrections whose title matches no article of the ingested bulletin."""
    from huikan.cache import IngestCache
    from huikan.model import IngestError

    cache = IngestCache(config.root / ".huikan-cache")
    for b in bulletins:
        info = infos.get(b)
        if info is None or not info.article_titles:
            continue
        sc = sidecar_of[b]
        if any(p.file == relative_name(sc, root) for p in report.problems):
            continue  # a broken sidecar: its errors say enough
        try:
            res = cache.ingest(b, config)
            sidecar = load_sidecar(sc, config.taxonomy)
        except (IngestError, ConfigError) as e:
            report.problems.append(Problem(relative_name(b, root), None, f"无法拆分：{e}"))
            continue
        for title, line in unmatched_corrections(sidecar, res):
            report.problems.append(
                Problem(
                    relative_name(sc, root),
                    line,
                    f"没有标题为 “{title}” 的文章，这一项修改不会生效（可用 huikan ingest "
                    f"{relative_name(b, root)} 查看拆分出的标题）",
                )
            )
