"""Site discovery (site.yml from the current folder upward, or --config), `huikan new`, the
theme found from the package or the checkout, and a site's own templates overriding it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, build
from huikan.cli import main
from huikan.project import discover

SAMPLE = REPO / "issues" / "2022-10-chanye-keji-dongtai.txt"


def test_site_yml_is_found_from_a_subfolder_and_by_config(tmp_path, monkeypatch):
    (tmp_path / "site.yml").write_text("title: x\n", encoding="utf-8")
    sub = tmp_path / "issues" / "2024"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    p = discover()
    assert p.root == tmp_path.resolve() and p.config_path == (tmp_path / "site.yml").resolve()
    assert p.issues == p.root / "issues" and p.cache == p.root / ".huikan-cache"
    assert discover(tmp_path / "site.yml").root == tmp_path.resolve()
    assert discover(tmp_path).root == tmp_path.resolve()  # a folder means its site.yml


def test_no_site_yml_anywhere_uses_the_defaults_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    p = discover()
    assert p.config_path is None and p.root == tmp_path.resolve()
    assert "没有找到 site.yml" in p.describe() and "内置" in p.describe()
    # huikan check has nothing to check: it says so instead of "检查通过"
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "没有找到 site.yml" in err and "检查通过" not in err


def test_a_missing_config_file_is_a_message_not_a_traceback(tmp_path, capsys):
    for argv in (["--config", str(tmp_path / "nope.yml"), "build"], ["check", "--config", "x"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "找不到配置文件" in err and "Traceback" not in err


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    assert main(["new", str(root)]) == 0
    shutil.copy(SAMPLE, root / "issues" / SAMPLE.name)
    return root


def test_ingest_gives_the_same_clusters_from_any_folder(tmp_path, monkeypatch, capsys):
    root = _site(tmp_path)
    cfg = yaml.safe_load((root / "site.yml").read_text("utf-8"))
    cfg["clusters"][2]["keywords"] = ["4D 打印"]  # a site word, only in this site.yml
    (root / "site.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    got = []
    for cwd in (root, root / "issues", tmp_path):
        monkeypatch.chdir(cwd)
        assert main(["ingest", str(root / "issues" / SAMPLE.name), "--json", "--no-cache"]) == 0
        out = capsys.readouterr()
        assert f"站点配置：{(root / 'site.yml').resolve()}" in out.err
        got.append([a["cluster"] for a in json.loads(out.out)["articles"]])
    assert got[0] == got[1] == got[2]


def test_huikan_new_writes_a_site_that_checks_and_builds(tmp_path, capsys):
    root = _site(tmp_path)
    out = capsys.readouterr().out
    assert "接下来" in out and out.count("\n  1. ") == 1
    for rel in (
        "site.yml",
        "issues/README.md",
        "templates/README.md",
        ".gitignore",
        ".github/workflows/pages.yml",
        ".github/workflows/pr-preview.yml",
    ):
        assert (root / rel).is_file(), rel
    cfg = yaml.safe_load((root / "site.yml").read_text("utf-8"))
    assert len(cfg["clusters"]) == 12 and cfg["clusters"][-1]["name"] == "综合"
    for wf in (root / ".github" / "workflows").glob("*.yml"):
        text = wf.read_text("utf-8")
        assert "pip install" in text and "huikan==" in text and "make " not in text
        yaml.safe_load(text)
    assert main(["--config", str(root / "site.yml"), "check"]) == 0
    report = build(root)
    assert report.articles == 15 and not report.errors
    # a second `huikan new` leaves the site alone
    assert main(["new", str(root)]) == 1
    assert "已存在" in capsys.readouterr().err


def test_a_sites_own_templates_override_one_by_one(tmp_path):
    root = _site(tmp_path)
    base = (REPO / "templates" / "base.html").read_text("utf-8")
    (root / "templates" / "base.html").write_text(
        base.replace("<body", "<body data-own-theme", 1), encoding="utf-8"
    )
    (root / "static").mkdir()
    (root / "static" / "extra.css").write_text("p{}", encoding="utf-8")
    build(root)
    home = (root / "build" / "index.html").read_text("utf-8")
    assert "data-own-theme" in home  # the site's base.html
    assert "search" in home  # home.html etc. still the default theme's
    assert (root / "build" / "assets" / "extra.css").is_file()
    assert (root / "build" / "assets" / "site.css").is_file()
    assert (root / "build" / "assets" / "lunr.min.js").is_file()


def test_serve_on_a_busy_port_says_so_before_building(tmp_path):
    root = _site(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "huikan", "serve", "--port", str(port)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 2
    assert "端口" in r.stderr and "Traceback" not in r.stderr
    assert not (root / "build").exists()  # nothing was built


@pytest.mark.parametrize("argv", [["ingest", "issues"], ["review", "issues"]])
def test_a_folder_instead_of_a_bulletin_is_a_message(tmp_path, monkeypatch, capsys, argv):
    root = _site(tmp_path)
    monkeypatch.chdir(root)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "文件夹" in err and "Traceback" not in err


def test_ingest_reports_corrections_that_match_no_article(tmp_path, monkeypatch, capsys):
    root = _site(tmp_path)
    (root / "issues" / SAMPLE.with_suffix(".yml").name).write_text(
        "articles:\n  没有这篇文章:\n    cluster: 新能源\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["ingest", str(root / "issues" / SAMPLE.name), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert f"{SAMPLE.with_suffix('.yml').name}:2: 没有标题为 “没有这篇文章” 的文章" in err


def test_the_same_bulletin_twice_is_a_warning(tmp_path):
    root = _site(tmp_path)
    shutil.copy(SAMPLE, root / "issues" / "copy-of-it.txt")
    report = build(root)
    dup = [w for w in report.warnings if w.code == "duplicate-bulletin"]
    assert len(dup) == 1 and SAMPLE.name in dup[0].message


def test_help_and_usage_errors_are_in_chinese(capsys):
    from huikan.cli import build_parser

    parser = build_parser()
    sub = next(
        a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction)
    )
    for argv in (["--help"], *([name, "--help"] for name in sub.choices)):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("用法：") and "show this help" not in out and "usage" not in out
        if len(argv) == 2:
            assert sub.choices[argv[0]].description, argv  # a one-line summary
    for argv in (["nope"], ["ingest"], ["build", "--jobs", "x"], ["--bogus", "build"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert "错误" in err and "error" not in err, err


def test_declared_dependencies_match_imports():
    """Every third-party module src/huikan imports belongs to a distribution pyproject.toml
    declares (pdfminer.six was imported without being declared)."""
    import ast
    import importlib.metadata as md
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]

    def names(reqs: list[str]) -> set[str]:
        return {re.split(r"[<>=!\[ ;]", d, maxsplit=1)[0].lower().replace("_", "-") for d in reqs}

    # The OCR engine is the `ocr` extra: only src/huikan/ingest/ocr/ may import it, and only
    # inside a function (a user without the extra must still be able to import huikan).
    optional = {"ingest/ocr": names(project["optional-dependencies"]["ocr"])}
    owners = md.packages_distributions()
    missing = {}
    for f in (REPO / "src" / "huikan").rglob("*.py"):
        rel = f.relative_to(REPO / "src" / "huikan").as_posix()
        declared = names(project["dependencies"])
        extra = {d for prefix, ds in optional.items() if rel.startswith(prefix) for d in ds}
        tree = ast.parse(f.read_text("utf-8"))
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for m in mods:
                top = m.split(".")[0]
                if top in sys.stdlib_module_names or top == "huikan":
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if dists & declared or (dists & extra and id(node) not in top_level):
                    continue
                missing[top] = f.relative_to(REPO).as_posix()
    assert not missing, missing
