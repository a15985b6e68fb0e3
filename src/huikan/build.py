"""``huikan build``: ingest every bulletin, render the site, write it atomically.

Stages: find bulletins → ingest (from the content-hash cache; misses in a process pool) →
site model (URLs, clusters, related articles) → pages (rendered only when their inputs
changed) → assets and originals → search index → manifest → atomic swap. Sources are never
re-read after ingest. Writing and publishing the site is huikan.site.publish.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from huikan.collect import (
    BuildError,
    Ingested,
    check_sidecars,
    duplicate_bulletins,
    find_bulletins,
    ingest_all,
    ingest_keys,
)
from huikan.config import SiteConfig, load_config
from huikan.filedigest import FileDigests
from huikan.model import IngestError
from huikan.model import Warning as IngestWarning
from huikan.problems import tell
from huikan.site import assets as site_assets
from huikan.site.render import Renderer, fingerprint_dirs
from huikan.site.unchanged import Recorded, build_key, unchanged_site
from huikan.site.urls import is_absolute, normalize_base_url

if TYPE_CHECKING:  # the rest is imported once a build goes ahead (see _build_site)
    from huikan.site.model import SiteModel

__all__ = ["BuildError", "BuildOptions", "BuildReport", "build_site"]  # callers import these here


@dataclass
class BuildOptions:
    root: Path = field(default_factory=Path.cwd)  # the site folder (site.yml, issues/, ...)
    config_path: Path | None = None  # default <root>/site.yml
    out: Path | None = None  # default <root>/build
    base_url: str | None = None  # default: site.yml's base_url
    strict: bool = False
    jobs: int | None = None  # ingest processes; default os.cpu_count()
    issues_dir: Path | None = None  # default <root>/issues
    cache_dir: Path | None = None  # default <root>/.huikan-cache
    progress: bool | None = None  # None: only when stderr is a terminal
    review: bool = False  # also write each bulletin's split review under _review/<slug>/
    all_warnings: bool = False  # print every warning, not a summary (huikan.problems)


@dataclass
class BuildReport:
    out: Path
    bulletins: int = 0
    articles: int = 0
    written: int = 0
    unchanged: int = 0
    warnings: list[IngestWarning] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    ingested: int = 0  # cache misses
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    search_summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ok: bool = True

    def summary_lines(self) -> list[str]:
        lines = [
            f"构建完成：{self.bulletins} 期简报，{self.articles} 篇文章 → {self.out}",
            f"文件：写入 {self.written} 个，未变 {self.unchanged} 个"
            f"（共 {self.written + self.unchanged} 个）",
            f"警告 {len(self.warnings)} 条；无法读取的简报 {len(self.errors)} 期；"
            f"本次拆分 {self.ingested} 期（其余来自缓存）",
            *self.search_summary,
            *self.notes,
            f"用时 {self.seconds:.1f} 秒（"
            + "，".join(f"{k} {v:.1f}" for k, v in self.timings.items())
            + "）",
        ]
        return lines


# -- what a build reads ----------------------------------------------------------------------
@dataclass
class BuildInputs:
    """The options with every default applied and site.yml read, resolved once so the
    stages below neither repeat the defaults nor read site.yml again."""

    root: Path
    config: SiteConfig
    config_file: Path
    base_url: str
    issues_dir: Path
    cache_dir: Path
    out_path: Path
    jobs: int
    dirs: list[Path]  # template folders, the site's before the theme's
    assets: list[Any]  # static files (huikan.site.assets)


@dataclass
class _Found:
    """The bulletins found, each one's ingest cache key, and the key of everything the build
    reads: computed before the nothing-changed check, reused by ingest if the build goes on."""

    paths: list[Path]
    digests: FileDigests
    keys: dict[Path, str]
    key: str


def _resolve_inputs(opts: BuildOptions) -> BuildInputs:
    """Apply the defaults and load site.yml, the theme and the static files; a missing
    templates folder or theme fails here, before any bulletin is read."""
    root = Path(opts.root)
    config_file = opts.config_path if opts.config_path else root / "site.yml"
    config = load_config(config_file)
    base_url = normalize_base_url(opts.base_url or config.base_url)
    issues_dir = opts.issues_dir or root / "issues"
    cache_dir = opts.cache_dir or root / ".huikan-cache"
    out_path = opts.out or root / "build"
    jobs = opts.jobs or os.cpu_count() or 1

    override = (root / config.templates) if config.templates else None
    if override is not None and not override.is_dir():
        raise BuildError(f"site.yml 指定的模板文件夹 {override} 不存在")
    try:
        theme = site_assets.default_theme()
    except site_assets.AssetError as e:
        raise BuildError(str(e)) from e
    dirs = site_assets.theme_template_dirs(root, override, theme)
    assets = site_assets.collect_assets(
        site_assets.site_dirs(root, "static", theme.static), theme.lunr
    )
    return BuildInputs(
        root, config, config_file, base_url, issues_dir, cache_dir, out_path, jobs, dirs, assets
    )


def _find_and_key(opts: BuildOptions, inputs: BuildInputs) -> _Found:
    """Find the bulletins and key the whole build by its inputs (the file digests spare
    re-reading unchanged bulletins), so an unchanged site is recognised before any work."""
    paths = find_bulletins(inputs.issues_dir)
    options = {"base_url": inputs.base_url, "strict": opts.strict, "review": opts.review}
    digests = FileDigests(inputs.cache_dir / "file-digests.json")
    keys = ingest_keys(paths, inputs.config, digests)
    return _Found(paths, digests, keys, _input_key(options, inputs, paths, keys))


def _input_key(
    options: dict[str, Any], inputs: BuildInputs, paths: list[Path], keys: dict[Path, str]
) -> str:
    """Hash of everything this build reads (see huikan.site.unchanged)."""
    try:
        config_bytes = inputs.config_file.read_bytes()
    except OSError:
        config_bytes = b""
    return build_key(
        options=options,
        config_bytes=config_bytes,
        config_repr=repr(inputs.config),
        templates=fingerprint_dirs(inputs.dirs),
        assets=[(a.rel, a.sha256) for a in inputs.assets],
        bulletins=[(p.relative_to(inputs.issues_dir).as_posix(), keys[p]) for p in paths],
    )


# -- nothing changed -------------------------------------------------------------------------
def _unchanged_report(
    recorded: Recorded, out_path: Path, strict: bool, log: TextIO, t0: float, every: bool
) -> BuildReport:
    """The report of a build that found nothing changed: the recorded figures, warnings
    and unreadable bulletins told again."""
    errors, warnings = recorded.error_objects(), recorded.warning_objects()
    tell(warnings, errors, log, every=every)
    if strict and (warnings or errors):
        raise _strict_refusal(warnings, errors)
    seconds = time.perf_counter() - t0
    return BuildReport(
        out=out_path,
        bulletins=recorded.bulletins,
        articles=recorded.articles,
        written=0,
        unchanged=recorded.files,
        warnings=warnings,
        errors=errors,
        seconds=seconds,
        timings={"检查": seconds},
        search_summary=recorded.search_summary,
        notes=[*recorded.notes, "自上次构建以来没有任何变化：网站保持原样，未重新生成"],
        ok=not errors,
    )


def _strict_refusal(warnings: list[Any], errors: list[Any]) -> BuildError:
    """The error ``--strict`` fails a build with, whether it went ahead or found nothing
    changed: either way nothing is published."""
    return BuildError(f"--strict：{len(warnings)} 条警告、{len(errors)} 期无法读取，未发布任何内容")


# -- the build -------------------------------------------------------------------------------
def build_site(opts: BuildOptions, *, log: TextIO | None = None) -> BuildReport:
    """Build the site; raises BuildError (nothing published) or returns a report.

    Under ``strict``, any warning or unreadable bulletin fails the build before anything is
    published; otherwise they are reported and the rest of the archive is published.
    """
    with _few_collections():
        return _build_site(opts, log)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Let Python's cyclic garbage collector run rarely during a build.

    A build makes millions of small objects (the model of an archive, its pages' keys), few
    of them in cycles; at the default threshold the collector walked them all again and
    again: 6 of the 14.5 s a rebuild took to load, model and plan 5,000 bulletins (same
    steps, default vs this threshold: 14.5 → 8.5 s). Reference counting still frees almost
    everything at once."""
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _build_site(opts: BuildOptions, log: TextIO | None) -> BuildReport:
    """The stages in order, each a function below: reading this one tells the order of the
    side effects (file digests saved, output folder locked, site swapped in last)."""
    log = log or sys.stderr
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    inputs = _resolve_inputs(opts)

    # 0. nothing changed since the last build into out_path: leave the site as it is
    found = _find_and_key(opts, inputs)
    recorded = unchanged_site(inputs.out_path, found.key)
    if recorded is not None:
        found.digests.save()
        return _unchanged_report(recorded, inputs.out_path, opts.strict, log, t0, opts.all_warnings)

    # 1. ingest. What a build needs from here on is imported here: a build that finds
    # nothing changed never loads the page, model and search code (jieba, numpy, jinja2…).
    from huikan.site import publish

    renderer = Renderer(inputs.dirs)
    ingested = _ingest(opts, inputs, found)
    timings["拆分"] = time.perf_counter() - t0
    model, warnings = _model(opts, inputs, ingested, log, timings)

    # 2. render into a temporary folder next to the output
    report = BuildReport(
        out=inputs.out_path, errors=ingested.errors, warnings=warnings, ingested=ingested.misses
    )
    if not is_absolute(inputs.base_url):
        report.notes.append(
            f"提示：base_url 为 {inputs.base_url}，不是完整网址；feed 与 sitemap 中使用相对地址。"
        )
    publish.write_site(opts, inputs, found.key, model, renderer, report, log, timings)

    report.bulletins = len(model.bulletins)
    report.articles = sum(len(b.articles) for b in model.bulletins)
    report.timings = timings
    report.seconds = time.perf_counter() - t0
    report.ok = not report.errors
    return report


def _ingest(opts: BuildOptions, inputs: BuildInputs, found: _Found) -> Ingested:
    """Every bulletin's ingest result (from the cache when its key is known), and the file
    digests learnt meanwhile saved for the next build."""
    # A cached result was made with its sidecar as it is now, and ingest refuses a sidecar
    # with any mistake: only the sidecars of bulletins to ingest need checking (parsing
    # every sidecar of a large archive took seconds on every rebuild).
    ingested = ingest_all(
        found.paths,
        inputs.config,
        inputs.cache_dir,
        inputs.jobs,
        opts.progress,
        found.digests,
        found.keys,
        before=lambda misses: check_sidecars(misses, inputs.config, inputs.root),
    )
    found.digests.save()
    return ingested


def _model(
    opts: BuildOptions, inputs: BuildInputs, ingested: Ingested, log: TextIO, timings: dict
) -> tuple[SiteModel, list[IngestWarning]]:
    """The site model, and the build's warnings, told (and refused under ``strict``) before
    the output folder is even locked."""
    from huikan.site.model import build_model

    t_model = time.perf_counter()
    results, errors = ingested.results, ingested.errors
    pinned = {p: getattr(r.bulletin, "slug", None) for p, r in results}
    model = build_model(
        results, inputs.config, {p: s for p, s in pinned.items() if s}, ingested.keys, ingested.slim
    )
    warnings = [w for b in model.bulletins for w in b.warnings]
    warnings += duplicate_bulletins(results)
    tell(warnings, errors, log, every=opts.all_warnings)
    if opts.strict and (warnings or errors):
        raise _strict_refusal(warnings, errors)
    timings["模型"] = time.perf_counter() - t_model
    return model, warnings
