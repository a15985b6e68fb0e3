"""``huikan build``: ingest every bulletin, render the site, write it atomically.

Stages: find bulletins → ingest (from the content-hash cache; misses in a process pool) →
site model (URLs, clusters, related articles) → pages (rendered only when their inputs
changed) → assets and originals → search index → manifest → atomic swap. Sources are never
re-read after ingest.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from huikan.collect import (
    BuildError,
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
from huikan.review import REVIEW_DIR
from huikan.site import assets as site_assets
from huikan.site.keys import article_group_key, code_fingerprint, page_key
from huikan.site.progress import Progress
from huikan.site.render import fingerprint_dirs
from huikan.site.unchanged import Recorded, build_key, record, unchanged_site
from huikan.site.urls import is_absolute, normalize_base_url

if TYPE_CHECKING:  # the rest is imported once a build goes ahead (see _build_site)
    from huikan.site.model import SiteModel
    from huikan.site.output import OutputDir


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


# -- render ----------------------------------------------------------------------------------
def _plan(planner, model, out, salt, previous, how) -> tuple[list[Any], dict[str, str]]:
    """The pages to render, and each bulletin's article group key (kept in the state for
    the next build). A bulletin whose key is the previous build's keeps its article pages'
    files as they are, when the previous manifest has their entries (site_manifest takes
    them from there); a file that cannot be kept is planned and made again."""
    from huikan.site.manifest import BY_KEY

    before = out.prev_build.get("article_groups")
    before = before if isinstance(before, dict) and previous.lines else {}
    inputs = planner.article_inputs
    groups = {b.slug: article_group_key(salt, b, inputs) for b in model.bulletins}

    def kept(b: Any) -> bool:
        return before.get(b.slug) == groups[b.slug] and all(
            a.page_path in previous.lines for a in b.articles
        )

    pages = planner.pages(kept=kept)
    for a in planner.kept_articles:
        if out.keep_as_before(a.page_path):
            how[a.page_path] = BY_KEY
        else:
            pages.append(planner.article(a))
    return pages, groups


def _render_all(out, pages, salt, renderer, kinds, how, opts, timings, t1) -> None:
    from huikan.site.manifest import BY_KEY

    with Progress("生成页面", len(pages), enabled=opts.progress) as bar:
        for page in pages:
            out.put_rendered(page.path, page_key(salt, page), lambda p=page: renderer.render(p))
            kinds[page.path] = {"kind": page.kind, "title": page.title, **page.meta}
            if page.inputs is not None:
                how[page.path] = BY_KEY
            bar.advance()
    timings["页面"] = time.perf_counter() - t1


def _write_reviews(
    model: SiteModel,
    out: OutputDir,
    dirs: list[Path],
    cache_dir: Path,
    report: BuildReport,
    log: TextIO,
    progress: bool | None,
) -> dict[str, str]:
    """``_review/<slug>/``: each bulletin's split drawn on its pages (huikan review).

    Page images come from the cache (rendered once per file content). A bulletin whose review
    cannot be made is reported and skipped; the site itself is not affected.
    """
    from huikan.review import make_review

    done: dict[str, str] = {}
    with Progress("生成核对页", len(model.bulletins), enabled=progress) as bar:
        for b in model.bulletins:
            folder = f"{REVIEW_DIR}/{b.slug}/"
            try:
                review = make_review(
                    b.source_path, b.full(), template_dirs=dirs, cache_dir=cache_dir
                )
            except Exception as e:  # pdfium refusing a page must not fail the build
                print(f"无法生成核对页：{b.source_path.name}：{type(e).__name__}: {e}", file=log)
                bar.advance()
                continue
            out.put_bytes(folder + "index.html", review.html)
            for name, src in review.files():
                out.put_file(folder + name, src)
            done[b.slug] = folder
            bar.advance()
    report.notes.append(f"拆分核对页：{len(done)} 期，见 {REVIEW_DIR}/（不在公开网站中链接）")
    return done


# -- nothing changed -------------------------------------------------------------------------
def _input_key(
    options: dict[str, Any],
    config: SiteConfig,
    config_file: Path,
    dirs: list[Path],
    assets: list[Any],
    paths: list[Path],
    issues_dir: Path,
    keys: dict[Path, str],
) -> str:
    """Hash of everything this build reads (see huikan.site.unchanged)."""
    try:
        config_bytes = config_file.read_bytes()
    except OSError:
        config_bytes = b""
    return build_key(
        options=options,
        config_bytes=config_bytes,
        config_repr=repr(config),
        templates=fingerprint_dirs(dirs),
        assets=[(a.rel, a.sha256) for a in assets],
        bulletins=[(p.relative_to(issues_dir).as_posix(), keys[p]) for p in paths],
    )


def _timeless_summary(search: Any) -> list[str]:
    """The search summary without its timing (the state file stays deterministic)."""
    if is_dataclass(search) and hasattr(search, "seconds"):
        search = replace(search, seconds=0.0)
    return list(search.summary_lines())


def _unchanged_report(
    recorded: Recorded, out_path: Path, strict: bool, log: TextIO, t0: float, every: bool
) -> BuildReport:
    """The report of a build that found nothing changed: the recorded figures, warnings
    and unreadable bulletins told again."""
    errors, warnings = recorded.error_objects(), recorded.warning_objects()
    tell(warnings, errors, log, every=every)
    if strict and (warnings or errors):
        raise BuildError(
            f"--strict：{len(warnings)} 条警告、{len(errors)} 期无法读取，未发布任何内容"
        )
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
    log = log or sys.stderr
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    root = Path(opts.root)
    config = load_config(opts.config_path if opts.config_path else root / "site.yml")
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

    # 0. nothing changed since the last build into out_path: leave the site as it is
    paths = find_bulletins(issues_dir)
    config_file = opts.config_path if opts.config_path else root / "site.yml"
    options = {"base_url": base_url, "strict": opts.strict, "review": opts.review}
    digests = FileDigests(cache_dir / "file-digests.json")
    keys = ingest_keys(paths, config, digests)
    key = _input_key(options, config, config_file, dirs, assets, paths, issues_dir, keys)
    recorded = unchanged_site(out_path, key)
    if recorded is not None:
        digests.save()
        return _unchanged_report(recorded, out_path, opts.strict, log, t0, opts.all_warnings)

    # 1. ingest. What a build needs from here on is imported here: a build that finds
    # nothing changed never loads the page, model and search code (jieba, numpy, jinja2…).
    from huikan.site.manifest import PreviousLines, add_reviews, dumps, site_manifest
    from huikan.site.model import build_model
    from huikan.site.output import OutputDir
    from huikan.site.pages import PagePlanner
    from huikan.site.render import Renderer
    from huikan.site.search_step import SearchStep, SearchStepError

    renderer = Renderer(dirs)
    # A cached result was made with its sidecar as it is now, and ingest refuses a sidecar
    # with any mistake: only the sidecars of bulletins to ingest need checking (parsing
    # every sidecar of a large archive took seconds on every rebuild).
    ingested = ingest_all(
        paths,
        config,
        cache_dir,
        jobs,
        opts.progress,
        digests,
        keys,
        before=lambda misses: check_sidecars(misses, config, root),
    )
    results, errors = ingested.results, ingested.errors
    digests.save()
    timings["拆分"] = time.perf_counter() - t0
    t_model = time.perf_counter()
    pinned = {p: getattr(r.bulletin, "slug", None) for p, r in results}
    model = build_model(
        results, config, {p: s for p, s in pinned.items() if s}, ingested.keys, ingested.slim
    )
    warnings = [w for b in model.bulletins for w in b.warnings]
    warnings += duplicate_bulletins(results)
    tell(warnings, errors, log, every=opts.all_warnings)
    if opts.strict and (warnings or errors):
        raise BuildError(
            f"--strict：{len(warnings)} 条警告、{len(errors)} 期无法读取，未发布任何内容"
        )
    timings["模型"] = time.perf_counter() - t_model

    # 2. render into a temporary folder next to the output
    report = BuildReport(out=out_path, errors=errors, warnings=warnings, ingested=ingested.misses)
    if not is_absolute(base_url):
        report.notes.append(
            f"提示：base_url 为 {base_url}，不是完整网址；feed 与 sitemap 中使用相对地址。"
        )
    salt = code_fingerprint() + fingerprint_dirs(dirs)
    kinds: dict[str, dict[str, Any]] = {}
    how: dict[str, str] = {}  # what fixes a file's manifest entry (site.manifest)
    code = f"{code_fingerprint()} {sys.version}"  # the code that wrote manifest.json
    with OutputDir(out_path) as out:
        # The search process starts first: it needs only the model, and on a large archive
        # it is the longest stage, so it runs while the pages are planned and rendered.
        t3 = time.perf_counter()
        # --jobs workers tokenise new text there (a cold archive: thousands of lines), even
        # while the pages render here: the pages take half as long as the search index, and
        # the search process would otherwise finish alone on one core
        step = SearchStep(model, out, config, cache_dir, jobs)
        try:
            t1 = time.perf_counter()
            planner = PagePlanner(
                model, base_url=base_url, asset_version=site_assets.asset_version(assets)
            )
            # read while the search process works (it is the longer branch)
            previous = PreviousLines.load(out, code)
            pages, groups = _plan(planner, model, out, salt, previous, how)
            timings["规划"] = time.perf_counter() - t1
            _render_all(out, pages, salt, renderer, kinds, how, opts, timings, time.perf_counter())
        except BaseException:
            step.cancel()
            raise
        t2 = time.perf_counter()
        for a in assets:
            if a.data is not None:
                out.put_bytes(a.rel, a.data)
            else:
                out.put_file(a.rel, a.src, sha256=a.sha256)
            kinds[a.rel] = {"kind": "asset", "title": a.rel.rsplit("/", 1)[-1]}
        for b in model.bulletins:
            out.put_file(b.original_url, b.source_path, sha256=b.result.sha256 or None)
            kinds[b.original_url] = {
                "kind": "original",
                "title": b.display_title(),
                "bulletin": b.slug,
                "source_file": b.source_path.name,
            }
        timings["文件"] = time.perf_counter() - t2
        if opts.review:
            t5 = time.perf_counter()
            reviews = _write_reviews(model, out, dirs, cache_dir, report, log, opts.progress)
            timings["核对页"] = time.perf_counter() - t5
        try:
            search, reused = step.finish()
        except SearchStepError as e:
            raise BuildError(str(e)) from e
        report.search_summary = list(search.summary_lines())
        if reused:
            report.search_summary.append("  （搜索索引的输入未变：沿用上次构建的索引文件）")
        timings["搜索"] = time.perf_counter() - t3  # overlaps with 页面
        t4 = time.perf_counter()
        manifest = site_manifest(model, out, kinds, errors, search, base_url, how, previous)
        if opts.review:
            add_reviews(manifest, reviews)
        out.put_bytes("manifest.json", dumps(manifest))
        report.written, report.unchanged = out.counts()
        n_articles = sum(len(b.articles) for b in model.bulletins)
        recorded = record(
            len(model.bulletins),
            n_articles,
            out.file_count(),
            warnings,
            errors,
            _timeless_summary(search),
            report.notes,
        )
        build = {"key": key, "report": recorded.to_json(), "search": manifest["search"]}
        build["article_groups"] = groups
        out.commit({**build, "code": code})
        timings["清单"] = time.perf_counter() - t4

    report.bulletins = len(model.bulletins)
    report.articles = sum(len(b.articles) for b in model.bulletins)
    report.timings = timings
    report.seconds = time.perf_counter() - t0
    report.ok = not errors
    return report
