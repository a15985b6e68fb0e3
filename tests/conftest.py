"""Shared fixtures (generic; used by the site, search and CI tests).

* ``REPO`` — the checkout root; ``SAMPLE_ISSUES`` — the sample bulletins in ``issues/``.
* ``make_site_root(dest)`` — copy ``issues/`` and ``site.yml`` into ``dest`` (a site folder
  you may modify); templates, static files and lunr come from the checkout.
* ``build(root, out=None, **options)`` — run :func:`huikan.build.build_site` quietly and
  return the :class:`BuildReport`.
* ``site_root`` (function) — a fresh, modifiable copy of the sample site whose ingest cache is
  already warm (copied from the session build), so building it is fast.
* ``built_site`` (session) — the sample site built once at the root base URL:
  ``.root``, ``.out`` (the site folder), ``.report``, ``.manifest`` (parsed manifest.json).
  Treat it as read-only.
* ``serve_dir(path, prefix="/")`` (function) — serve a folder on a free localhost port in a
  thread (under URL path ``prefix``, e.g. ``"/pr-42/"``); returns the base URL
  (``http://127.0.0.1:PORT/pr-42/``). Stopped at the end of the test.
* ``browser`` (session) — Playwright Chromium (Debian's ``/usr/bin/chromium``, headless);
  skips the test when Chromium or Playwright is missing. ``page`` (function) — a new page
  in a fresh context, closed after the test.
* ``SCREENSHOTS`` — ``tests/artifacts/screenshots/`` (git-ignored), where browser tests save
  PNGs for reviewers.
"""

from __future__ import annotations

import functools
import json
import shutil
import signal
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from huikan.build import BuildOptions, BuildReport, build_site

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.layouts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one set of flags)

SAMPLE_ISSUES = REPO / "issues"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"

# A test run started in the background of a non-interactive shell (`cmd &` in a script) has
# SIGINT ignored, and so would every huikan it starts (an ignored signal stays ignored across
# exec): the tests that interrupt a build or `huikan serve` with SIGINT would see it run on.
# A handled signal is reset to the default at exec, so handle it here.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def make_site_root(dest: Path) -> Path:
    """A site folder with copies of the sample bulletins and site.yml."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SAMPLE_ISSUES, dest / "issues")
    shutil.copy(REPO / "site.yml", dest / "site.yml")
    return dest


def build(root: Path, out: Path | None = None, **options: Any) -> BuildReport:
    """Build ``root`` (quietly, no progress bar) into ``out`` (default ``root/build``)."""
    options.setdefault("progress", False)
    options.setdefault("jobs", 1)
    return build_site(BuildOptions(root=root, out=out, **options), log=_Quiet())


class _Quiet:
    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


@dataclass
class BuiltSite:
    root: Path
    out: Path
    report: BuildReport
    manifest: dict[str, Any]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = make_site_root(tmp_path_factory.mktemp("sample-site"))
    report = build(root)
    out = root / "build"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return BuiltSite(root, out, report, manifest)


@pytest.fixture
def site_root(tmp_path: Path, built_site: BuiltSite) -> Path:
    root = make_site_root(tmp_path / "site")
    cache = built_site.root / ".huikan-cache"
    if cache.is_dir():
        shutil.copytree(cache, root / ".huikan-cache")
    return root


@pytest.fixture
def serve_dir():
    from huikan.commands.serve import make_server

    servers = []

    def serve(path: Path, prefix: str = "/", last_modified_only: bool = False) -> str:
        """``last_modified_only``: Python's plain file server instead, whose only validator
        is a Last-Modified to the second (as some static hosts)."""
        if last_modified_only:
            handler = functools.partial(SimpleHTTPRequestHandler, directory=str(path))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        else:
            server = make_server(Path(path), 0, "127.0.0.1", prefix)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        p = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        return f"http://{host}:{port}{p}"

    yield serve
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (scripts/ensure-chromium.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    p = context.new_page()
    yield p
    context.close()
