"""The GitHub Actions workflows cannot run here, so their shape is checked instead: triggers,
the job graph, permissions, pinned actions, caches, and that every ``huikan`` command they call
exists with those flags in our CLI (the commands themselves are tested end to end elsewhere).
``check-jsonschema`` validates them (and the two ``huikan new`` writes) against GitHub's
workflow schema."""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO
from huikan.cli import build_parser

WORKFLOWS = REPO / ".github" / "workflows"
PR = WORKFLOWS / "pr-preview.yml"
PAGES = WORKFLOWS / "pages.yml"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.M)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    data["on"] = data.pop("on", None) or data.pop(True)  # YAML 1.1 reads `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(data: dict) -> list[str]:
    return [s["run"] for j in data["jobs"].values() for s in steps(j) if "run" in s]


def uses(data: dict) -> list[str]:
    return [s["uses"].split("@")[0] for j in data["jobs"].values() for s in steps(j) if "uses" in s]


def test_workflow_files_parse():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["pages.yml", "pr-preview.yml"]
    for p in WORKFLOWS.glob("*.yml"):
        data = load(p)
        assert data["name"] and data["on"] and data["jobs"]


def test_every_action_is_official_and_pinned_to_a_commit():
    pins: dict[str, set[str]] = {}
    for p in WORKFLOWS.glob("*.yml"):
        found = USES.findall(p.read_text("utf-8"))
        assert found, p
        for ref, comment in found:
            name, _, sha = ref.partition("@")
            assert name.startswith("actions/"), ref  # GitHub's own actions only
            assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{p.name}: {ref} is not pinned to a SHA"
            assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), f"{ref}: no version comment"
            pins.setdefault(name, set()).add(sha + comment.strip())
    # one version of each action across both files
    assert all(len(v) == 1 for v in pins.values()), pins
    assert {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/upload-artifact",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= set(pins)


def test_permissions_are_minimal_per_job():
    for p in (PR, PAGES):
        data = load(p)
        assert data["permissions"] == {}, p  # nothing by default
        for name, job in data["jobs"].items():
            assert "permissions" in job, f"{p.name}:{name}"
    # the pull-request workflow runs PR code: it may only read
    for name, job in load(PR)["jobs"].items():
        assert set(job["permissions"].values()) <= {"read"}, name
    jobs = load(PAGES)["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["comment"]["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert "write" not in jobs["build"]["permissions"].values()


def test_pull_request_workflow():
    data = load(PR)
    assert data["on"] == {
        "pull_request": {"types": ["opened", "synchronize", "reopened", "closed"]}
    }
    assert "github.event.pull_request.number" in data["concurrency"]["group"]
    assert data["concurrency"]["cancel-in-progress"] is True
    jobs = data["jobs"]
    assert set(jobs) == {"test", "preview", "closed"}
    assert jobs["test"]["container"].startswith("debian:")  # Debian chromium for make test
    assert [s["run"] for s in steps(jobs["test"]) if "run" in s][-1] == "bash .ci/run"

    prev = steps(jobs["preview"])
    checkouts = [s for s in prev if s.get("uses", "").startswith("actions/checkout@")]
    assert [(c["with"]["path"], c["with"]["ref"]) for c in checkouts] == [
        ("head", "${{ github.event.pull_request.head.sha }}"),
        ("base", "${{ github.event.pull_request.base.sha }}"),
    ]
    assert all(c["with"]["persist-credentials"] is False for c in checkouts)
    text = "\n".join(s.get("run", "") for s in prev)
    # base and head built at the same preview URL, so pages differ only by content
    assert "make -C base site" in text and "make -C head site" in text
    assert text.count("--base-url $PREVIEW_URL") == 2
    # the preview carries each bulletin's split review (huikan diff links it)
    assert "--out $GITHUB_WORKSPACE/out/preview --base-url $PREVIEW_URL --review" in text
    assert "/pr-${PR_NUMBER}/" in text
    assert "huikan diff out/base out/preview --preview-url" in text
    assert "huikan diff out/base out/preview --json" in text
    assert "huikan.site.linkcheck out/preview" in text
    base = next(s for s in prev if s.get("id") == "base")
    assert base["continue-on-error"] is True
    uploads = {
        s["with"]["name"]: s["with"]["path"] for s in prev if "upload-artifact" in s.get("uses", "")
    }
    assert uploads == {
        "preview-pr-${{ github.event.pull_request.number }}": "out/preview",
        "pr-report": "out/report",
    }
    assert jobs["closed"]["if"] == "github.event.action == 'closed'"


def test_pages_workflow():
    data = load(PAGES)
    on = data["on"]
    assert on["push"] == {"branches": ["main"]}
    # triggered by the PR workflow, by its exact name
    assert on["workflow_run"] == {"workflows": [load(PR)["name"]], "types": ["completed"]}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = data["jobs"]
    assert jobs["deploy"]["needs"] == "build"
    assert set(jobs["comment"]["needs"]) == {"build", "deploy"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert uses(data).count("actions/deploy-pages") == 1
    build = steps(jobs["build"])
    names = [s.get("uses", "").split("@")[0] for s in build]
    assert names.index("actions/configure-pages") < names.index("actions/upload-pages-artifact")
    text = "\n".join(s.get("run", "") for s in build)
    assert 'make site ARGS="--strict --out _site --base-url $SITE_URL"' in text
    assert "huikan check" in text and "bash scripts/collect-previews.sh _site" in text
    # the comment is posted only after a PR run, with main's own script
    assert "workflow_run" in jobs["comment"]["if"]
    comment_runs = "\n".join(s.get("run", "") for s in steps(jobs["comment"]))
    assert "--name pr-report" in comment_runs and "scripts/pr_comment.py" in comment_runs


def test_caches_cover_pip_npm_and_the_ingest_cache():
    for p in (PR, PAGES):
        data = load(p)
        caches = [
            s["with"]
            for j in data["jobs"].values()
            for s in steps(j)
            if "actions/cache@" in s.get("uses", "")
        ]
        paths = "\n".join(c["path"] for c in caches)
        assert "~/.cache/pip" in paths and "~/.npm" in paths and ".huikan-cache" in paths, p
        for c in caches:
            assert "hashFiles(" in c["key"] and c["restore-keys"], c
        keys = " ".join(c["key"] for c in caches)
        assert "pyproject.toml" in keys and "package-lock.json" in keys and "issues/**" in keys


# -- the commands the workflows call exist, with those flags -----------------------------------
def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(p: argparse.ArgumentParser) -> set[str]:
    return {o for a in p._actions for o in a.option_strings}


def _commands(script: str) -> list[list[str]]:
    """Every huikan invocation in a run script, as argv after ``huikan`` (``make site ARGS=…``
    is ``huikan build …``); shell variables are kept as words."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line.split(" > ")[0], comments=True) if line.strip() else []
        for i, w in enumerate(words):
            if w == "huikan" or w.endswith("/huikan"):
                found.append(words[i + 1 :])
            elif w == "make" and "site" in words[i + 1 :]:
                args = next((x[5:] for x in words if x.startswith("ARGS=")), "")
                found.append(["build", *shlex.split(args)])
    return found


def test_every_huikan_command_in_the_workflows_exists_with_its_flags():
    sub = _subcommands()
    seen = set()
    for p in (PR, PAGES):
        for script in runs(load(p)):
            for argv in _commands(script):
                name = argv[0]
                assert name in sub, f"{p.name}: huikan {name}"
                flags = {a.split("=")[0] for a in argv[1:] if a.startswith("--")}
                unknown = flags - _options(sub[name])
                assert not unknown, f"{p.name}: huikan {name} {unknown}"
                seen.add(name)
    assert seen == {"build", "diff", "check"}
    # and the CLI parses a diff exactly as the workflow writes it
    args = build_parser().parse_args(
        ["diff", "out/base", "out/preview", "--preview-url", "https://o.github.io/r/pr-1/"]
    )
    assert (args.old, args.new, args.json) == ("out/base", "out/preview", False)


def test_the_scripts_the_workflows_call_exist_with_their_flags():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import pr_comment
    finally:
        sys.path.pop(0)
    comment = next(
        s["run"] for s in steps(load(PAGES)["jobs"]["comment"]) if "pr_comment" in s.get("run", "")
    )
    flags = set(re.findall(r"--[a-z-]+", comment))
    assert flags == _options(pr_comment.build_parser()) - {"-h", "--help"}
    assert (REPO / "scripts" / "collect-previews.sh").is_file()
    assert "preview-pr-$number" in (REPO / "scripts" / "collect-previews.sh").read_text("utf-8")
    # the link checker the workflows run as a module
    from huikan.site import linkcheck

    assert callable(linkcheck.main)


SCAFFOLD = REPO / "src" / "huikan" / "scaffold" / "workflows"


def test_workflows_match_githubs_schema(tmp_path):
    """check-jsonschema's built-in GitHub workflow schema (dev extra, no network), over the
    repository's workflows and the two that `huikan new` writes."""
    exe = Path(sys.executable).parent / "check-jsonschema"
    assert exe.exists(), "pip install -e '.[dev]' installs check-jsonschema"
    from huikan.commands.new import plan

    files = sorted(WORKFLOWS.glob("*.yml"))
    for rel, text in plan("汇刊").items():
        if rel.startswith(".github/workflows/"):
            dest = tmp_path / Path(rel).name
            dest.write_text(text, encoding="utf-8")
            files.append(dest)
    assert len(files) == 4
    r = subprocess.run(
        [str(exe), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    # and the validator does catch a broken one
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: 3\n    stepz: []\n", "utf-8")
    r = subprocess.run(
        [str(exe), "--builtin-schema", "vendor.github-workflows", str(bad)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1


def test_scaffold_workflows_install_huikan_as_a_package():
    for wf in SCAFFOLD.glob("*.yml"):
        text = wf.read_text("utf-8")
        assert "pip install" in text and "make " not in text and ".venv" not in text
        for ref, _comment in USES.findall(text):
            name, _, sha = ref.partition("@")
            assert name.startswith("actions/") and re.fullmatch(r"[0-9a-f]{40}", sha), ref
