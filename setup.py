"""Package build hook: the wheel carries the default theme.

The repository keeps the default theme where editors and designers look for it — the top-level
``templates/`` and ``static/`` — and lunr.js comes from npm (``node_modules/lunr``). Building
the package (``pip wheel .``, ``python -m build --wheel``) copies them into ``huikan/theme/`` of
the wheel, with lunr's licence, after checking that the installed lunr is the version
``package-lock.json`` pins. An editable install (``pip install -e .``, what ``make setup``
does) copies nothing: huikan then finds the theme in the checkout itself.

Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def lunr_files() -> list[tuple[Path, str]]:
    """``(source, name in theme/lunr/)`` for lunr.min.js and its licence; SystemExit with the
    fix when node_modules is missing or holds another version than package-lock.json."""
    lock = json.loads((HERE / "package-lock.json").read_text("utf-8"))
    want = lock["packages"]["node_modules/lunr"]["version"]
    pkg = HERE / "node_modules" / "lunr"
    meta = pkg / "package.json"
    if not meta.is_file():
        raise SystemExit(
            "huikan package build: node_modules/lunr is missing; run `npm ci` first "
            "(the wheel carries lunr.min.js for the search page)"
        )
    have = json.loads(meta.read_text("utf-8"))["version"]
    if have != want:
        raise SystemExit(
            f"huikan package build: node_modules/lunr is {have} but package-lock.json pins "
            f"{want}; run `npm ci`"
        )
    return [(pkg / "lunr.min.js", "lunr.min.js"), (pkg / "LICENSE", "LICENSE")]


class build_py_with_theme(build_py):  # noqa: N801 — setuptools command naming
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # editable: the theme is read from the checkout
        theme = Path(self.build_lib) / "huikan" / "theme"
        if theme.exists():
            shutil.rmtree(theme)
        for name in ("templates", "static"):
            shutil.copytree(
                HERE / name, theme / name, ignore=shutil.ignore_patterns(".*", "__pycache__")
            )
        (theme / "lunr").mkdir(parents=True)
        for src, name in lunr_files():
            shutil.copy2(src, theme / "lunr" / name)


setup(
    cmdclass={"build_py": build_py_with_theme},
    # not build/: that is where `make site` writes the website
    options={"build": {"build_base": ".pkg-build"}},
)
