"""Write a built site model into the output folder, and publish it in one swap.

The second half of ``huikan build`` (huikan.build runs the first: inputs, the nothing-changed
check, ingest, model). Everything is written under the output folder's lock into a temporary
folder (huikan.site.output): the search process (huikan.site.search_step) starts first and
works while the pages are planned and rendered (only those whose key changed) and the static
files, originals and reviews are copied; the manifest and the state the next build compares
against are written last, then the new files are swapped into place. Any failure before the
swap leaves the published site as it was.

It lives in this package because huikan.site.keys.code_fingerprint hashes the code of this
package (and build.py): code that decides what is kept from the previous build must be in it.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from huikan.collect import BuildError
from huikan.review import REVIEW_DIR, make_review
from huikan.site import assets as site_assets
from huikan.site.keys import article_group_key, code_fingerprint, page_key
from huikan.site.manifest import BY_KEY, PreviousLines, add_reviews, dumps, site_manifest
from huikan.site.model import SiteModel
from huikan.site.output import OutputDir
from huikan.site.pages import PagePlanner
from huikan.site.progress import Progress
from huikan.site.render import Renderer, fingerprint_dirs
from huikan.site.search_step import SearchStep, SearchStepError
from huikan.site.unchanged import record

if TYPE_CHECKING:
    from huikan.build import BuildInputs, BuildOptions, BuildReport


@dataclass
class _Made:
    """What writing the site gathers for its manifest and for the next build: each file's
    kind and title, what fixes its manifest entry (``how``, huikan.site.manifest), the
    previous manifest's lines, each bulletin's article group key and the review folders."""

    code: str  # the code that wrote manifest.json
    kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    previous: Any = None  # huikan.site.manifest.PreviousLines
    groups: dict[str, str] = field(default_factory=dict)
    reviews: dict[str, str] | None = None  # only with --review


def write_site(
    opts: BuildOptions,
    inputs: BuildInputs,
    key: str,
    model: SiteModel,
    renderer: Renderer,
    report: BuildReport,
    log: TextIO,
    timings: dict[str, float],
) -> None:
    """Write everything under the output folder's lock into a temporary folder, swapped in
    as the last step: any failure or Ctrl-C leaves the published site as it was."""
    salt = code_fingerprint() + fingerprint_dirs(inputs.dirs)
    made = _Made(code=f"{code_fingerprint()} {sys.version}")
    with OutputDir(inputs.out_path) as out:
        # The search process starts first: it needs only the model, and on a large archive
        # it is the longest stage, so it runs while the pages are planned and rendered.
        t3 = time.perf_counter()
        # --jobs workers tokenise new text there (a cold archive: thousands of lines), even
        # while the pages render here: the pages take half as long as the search index, and
        # the search process would otherwise finish alone on one core
        step = SearchStep(model, out, inputs.config, inputs.cache_dir, inputs.jobs)
        try:
            _plan_and_render(opts, inputs, model, out, salt, renderer, made, timings)
        except BaseException:
            step.cancel()
            raise
        _write_files(out, inputs.assets, model, made.kinds, timings)
        if opts.review:
            t5 = time.perf_counter()
            made.reviews = _write_reviews(
                model, out, inputs.dirs, inputs.cache_dir, report, log, opts.progress
            )
            timings["核对页"] = time.perf_counter() - t5
        search = _finish_search(step, report)
        timings["搜索"] = time.perf_counter() - t3  # overlaps with 页面
        t4 = time.perf_counter()
        _manifest_and_commit(out, model, search, inputs.base_url, key, made, report)
        timings["清单"] = time.perf_counter() - t4


def _plan_and_render(
    opts: BuildOptions,
    inputs: BuildInputs,
    model: SiteModel,
    out: OutputDir,
    salt: str,
    renderer: Renderer,
    made: _Made,
    timings: dict[str, float],
) -> None:
    """Plan the pages and render those whose key changed, while the search process works;
    a step of its own so that a failure in either cancels that process (write_site)."""
    t1 = time.perf_counter()
    planner = PagePlanner(
        model, base_url=inputs.base_url, asset_version=site_assets.asset_version(inputs.assets)
    )
    # read while the search process works (it is the longer branch)
    made.previous = PreviousLines.load(out, made.code)
    pages, made.groups = _plan(planner, model, out, salt, made.previous, made.how)
    timings["规划"] = time.perf_counter() - t1
    _render_all(out, pages, salt, renderer, made, opts.progress, timings)


def _write_files(
    out: OutputDir, assets: list[Any], model: SiteModel, kinds: dict, timings: dict[str, float]
) -> None:
    """Copy the static files and every bulletin's original (linked from its pages) into the
    site; a file whose bytes are unchanged is kept as it is (huikan.site.output)."""
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


def _finish_search(step: SearchStep, report: BuildReport) -> Any:
    """Wait for the search process and put its summary in the report; its failure fails
    the build like any other (nothing published)."""
    try:
        search, reused = step.finish()
    except SearchStepError as e:
        raise BuildError(str(e)) from e
    report.search_summary = list(search.summary_lines())
    if reused:
        report.search_summary.append("  （搜索索引的输入未变：沿用上次构建的索引文件）")
    return search


def _manifest_and_commit(
    out: OutputDir,
    model: SiteModel,
    search: Any,
    base_url: str,
    key: str,
    made: _Made,
    report: BuildReport,
) -> None:
    """Write manifest.json, record what the next build's nothing-changed check tells again,
    and swap the new files into place: the one step that publishes anything."""
    errors = report.errors
    manifest = site_manifest(
        model, out, made.kinds, errors, search, base_url, made.how, made.previous
    )
    if made.reviews is not None:
        add_reviews(manifest, made.reviews)
    out.put_bytes("manifest.json", dumps(manifest))
    report.written, report.unchanged = out.counts()
    n_articles = sum(len(b.articles) for b in model.bulletins)
    recorded = record(
        len(model.bulletins),
        n_articles,
        out.file_count(),
        report.warnings,
        errors,
        _timeless_summary(search),
        report.notes,
    )
    build = {"key": key, "report": recorded.to_json(), "search": manifest["search"]}
    build["article_groups"] = made.groups
    out.commit({**build, "code": made.code})


def _plan(planner, model, out, salt, previous, how) -> tuple[list[Any], dict[str, str]]:
    """The pages to render, and each bulletin's article group key (kept in the state for
    the next build). A bulletin whose key is the previous build's keeps its article pages'
    files as they are, when the previous manifest has their entries (site_manifest takes
    them from there); a file that cannot be kept is planned and made again."""
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


def _render_all(
    out: OutputDir,
    pages: list[Any],
    salt: str,
    renderer: Renderer,
    made: _Made,
    progress: bool | None,
    timings: dict[str, float],
) -> None:
    """Render the planned pages, skipping those whose key is the previous build's
    (OutputDir.put_rendered keeps their files), and note each page's manifest fields: a
    keyed page's entry is fixed by its key (BY_KEY), so site_manifest may keep the old one."""
    t1 = time.perf_counter()
    with Progress("生成页面", len(pages), enabled=progress) as bar:
        for page in pages:
            out.put_rendered(page.path, page_key(salt, page), lambda p=page: renderer.render(p))
            made.kinds[page.path] = {"kind": page.kind, "title": page.title, **page.meta}
            if page.inputs is not None:
                made.how[page.path] = BY_KEY
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


def _timeless_summary(search: Any) -> list[str]:
    """The search summary without its timing (the state file stays deterministic)."""
    if is_dataclass(search) and hasattr(search, "seconds"):
        search = replace(search, seconds=0.0)
    return list(search.summary_lines())
