"""CI scripts: .ci/run's exit codes, the PR comment poster, the Pages preview collector.

GitHub itself cannot be reached here, so the scripts run for real against stand-ins for the
outside world: a local HTTP server speaking the few GitHub REST endpoints the comment poster
uses, and a ``gh`` executable that answers like the GitHub CLI. ``make`` is replaced the
same way to see how .ci/run reacts to each step failing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import REPO

CI_RUN = REPO / ".ci" / "run"
COMMENT = REPO / "scripts" / "pr_comment.py"
COLLECT = REPO / "scripts" / "collect-previews.sh"
SHA = "a" * 40
REPORT = "### 汇刊：本次修改对网站的影响\n\n新增 1 期简报、10 篇文章。\n"


def tool(name: str) -> str | None:
    """A linter from the venv (dev extra) or PATH."""
    venv = Path(sys.executable).parent / name
    return str(venv) if venv.exists() else shutil.which(name)


# -- .ci/run ---------------------------------------------------------------------------------
def test_ci_run_is_strict_bash():
    text = CI_RUN.read_text("utf-8")
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)
    # the README's test command, the check, and a strict build
    assert re.search(r"^make test$", text, re.M)
    assert "huikan check" in text and 'ARGS="--strict"' in text
    assert "`make test`" in (REPO / "README.md").read_text("utf-8")


@pytest.mark.skipif(tool("shellcheck") is None, reason="shellcheck not installed")
def test_shell_scripts_pass_shellcheck():
    scripts = [CI_RUN, *sorted((REPO / "scripts").glob("*.sh"))]
    r = subprocess.run([tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_pytest_with_no_tests_exits_5(tmp_path):
    """The case .ci/run must not mistake for a pass: make turns this 5 into its own error."""
    (tmp_path / "test_nothing.py").write_text("def helper():\n    pass\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 5
    assert "Makefile" not in r.stdout
    recipe = (REPO / "Makefile").read_text("utf-8").split("\ntest:")[1].split("\n\n")[0]
    assert "pytest" in recipe and "|| true" not in recipe and "\n\t-" not in recipe


@pytest.fixture
def ci_copy(tmp_path):
    """.ci/run in a scratch checkout whose make, huikan and python only log their calls and
    exit with the code named in FAIL_<step>."""
    root = tmp_path / "repo"
    (root / ".ci").mkdir(parents=True)
    shutil.copy(CI_RUN, root / ".ci" / "run")
    (root / "scripts").mkdir()
    log = tmp_path / "calls.log"
    stub = (
        "#!/usr/bin/env bash\n"
        f'echo "$(basename "$0") $*" >> {log}\n'
        'key="FAIL_$(basename "$0")_$1"; key="${key//[^A-Za-z0-9_]/_}"\n'
        'exit "${!key:-0}"\n'
    )
    bin_dir = tmp_path / "bin"
    for d, name in (
        (bin_dir, "make"),
        (root / ".venv" / "bin", "huikan"),
        (root / ".venv" / "bin", "python"),
        (root / "scripts", "check-wheel.sh"),
    ):
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(stub, encoding="utf-8")
        (d / name).chmod(0o755)

    def run(**fail: int) -> tuple[int, list[str]]:
        env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
        env.update({f"FAIL_{k}": str(v) for k, v in fail.items()})
        if log.exists():
            log.unlink()
        r = subprocess.run(["bash", ".ci/run"], cwd=root, env=env, capture_output=True, text=True)
        calls = log.read_text("utf-8").splitlines() if log.exists() else []
        return r.returncode, calls

    return run


def test_ci_run_runs_every_step_in_order(ci_copy):
    code, calls = ci_copy()
    assert code == 0
    assert calls == [
        "make test",
        "huikan check --deep",
        "make site ARGS=--strict",
        "python -m huikan.site.linkcheck build /",
        "check-wheel.sh ",
    ]


@pytest.mark.parametrize(
    ("failing", "code", "steps_run"),
    [
        ({"make_test": 5}, 5, 1),  # make passing on pytest's "no tests collected"
        ({"make_test": 2}, 2, 1),
        ({"huikan_check": 1}, 1, 2),
        ({"make_site": 2}, 2, 3),  # a strict build with a warning
        ({"python__m": 1}, 1, 4),  # a broken link
        ({"check_wheel_sh_": 1}, 1, 5),  # the installed wheel cannot build a site
    ],
)
def test_ci_run_stops_at_the_first_failure(ci_copy, failing, code, steps_run):
    got, calls = ci_copy(**failing)
    assert got == code
    assert len(calls) == steps_run


# -- scripts/pr_comment.py against a local stand-in for the GitHub API --------------------------
class FakeGitHub:
    """The four endpoints pr_comment.py calls, with a PR and its comments in memory."""

    def __init__(self, head_sha: str = SHA, fork: bool = False):
        self.pr = {
            "number": 7,
            "head": {"sha": head_sha, "repo": {"full_name": "fork/r" if fork else "o/r"}},
        }
        self.comments: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.next_id = 100

    def add_comment(self, body: str, bot: bool = True) -> dict:
        c = {"id": self.next_id, "body": body, "user": {"type": "Bot" if bot else "User"}}
        self.next_id += 1
        self.comments.append(c)
        return c

    def handle(self, method: str, path: str, body: dict | None) -> tuple[int, object]:
        self.requests.append((method, path))
        if method == "GET" and path == "/repos/o/r/pulls/7":
            return 200, self.pr
        m = re.fullmatch(r"/repos/o/r/issues/7/comments\?per_page=100&page=(\d+)", path)
        if method == "GET" and m:
            page = int(m.group(1))
            return 200, self.comments[(page - 1) * 100 : page * 100]
        if method == "POST" and path == "/repos/o/r/issues/7/comments":
            return 201, self.add_comment(body["body"])
        m = re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", path)
        if method == "PATCH" and m:
            c = next(c for c in self.comments if c["id"] == int(m.group(1)))
            c["body"] = body["body"]
            return 200, c
        return 404, {"message": "Not Found"}


@pytest.fixture
def github():
    state = {"gh": FakeGitHub()}

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            if self.headers.get("Authorization") != "Bearer t0ken":
                self.send_response(401)
                self.end_headers()
                return
            n = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(n)) if n else None
            code, data = state["gh"].handle(self.command, self.path, body)
            out = json.dumps(data).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def post(github, tmp_path: Path, report: str = REPORT, sha: str = SHA, pr_sha: str = SHA):
    d = tmp_path / "report"
    d.mkdir(exist_ok=True)
    (d / "report.md").write_text(report, encoding="utf-8")
    (d / "pr.json").write_text(json.dumps({"number": 7, "head_sha": pr_sha}), encoding="utf-8")
    env = {**os.environ, "GITHUB_TOKEN": "t0ken", "GITHUB_API_URL": github["url"]}
    args = ["--repo", "o/r", "--report-dir", str(d), "--head-sha", sha]
    args += [
        "--site-url",
        "https://o.github.io/r",
        "--run-url",
        "https://github.com/o/r/actions/runs/1",
    ]
    return subprocess.run(
        [sys.executable, str(COMMENT), *args], env=env, capture_output=True, text=True
    )


def test_comment_is_created_once_then_updated(github, tmp_path):
    gh = github["gh"]
    gh.add_comment("LGTM", bot=False)
    r = post(github, tmp_path)
    assert r.returncode == 0, r.stderr
    assert len(gh.comments) == 2
    body = gh.comments[1]["body"]
    assert body.startswith("<!-- huikan-preview -->")
    assert "https://o.github.io/r/pr-7/" in body and "`aaaaaaa`" in body
    assert "新增 1 期简报" in body and "actions/runs/1" in body
    r = post(github, tmp_path, report=REPORT.replace("10 篇", "11 篇"))
    assert r.returncode == 0 and "updated" in r.stdout
    assert len(gh.comments) == 2 and "11 篇" in gh.comments[1]["body"]
    assert gh.comments[0]["body"] == "LGTM"


def test_comment_is_found_on_a_later_page_and_people_quoting_the_marker_are_left_alone(
    github, tmp_path
):
    gh = github["gh"]
    gh.add_comment("<!-- huikan-preview --> quoted by a person", bot=False)
    for i in range(120):
        gh.add_comment(f"comment {i}", bot=i % 2 == 0)
    bot = gh.add_comment("<!-- huikan-preview -->\nold report")
    r = post(github, tmp_path)
    assert r.returncode == 0, r.stderr
    assert bot["body"] != "<!-- huikan-preview -->\nold report" and "新增" in bot["body"]
    assert gh.comments[0]["body"] == "<!-- huikan-preview --> quoted by a person"
    assert ("GET", "/repos/o/r/issues/7/comments?per_page=100&page=2") in gh.requests


def test_stale_or_foreign_reports_post_nothing(github, tmp_path):
    gh = github["gh"]
    gh.pr["head"]["sha"] = "b" * 40  # the PR moved on: a newer run will report
    r = post(github, tmp_path)
    assert r.returncode == 0 and "moved past" in r.stdout
    assert gh.comments == []
    r = post(github, tmp_path, pr_sha="c" * 40)  # report claims another commit
    assert r.returncode == 1 and gh.comments == []


def test_fork_prs_get_no_preview_link(github, tmp_path):
    github["gh"] = FakeGitHub(fork=True)
    r = post(github, tmp_path)
    assert r.returncode == 0, r.stderr
    body = github["gh"].comments[0]["body"]
    assert "pr-7/" not in body and "复刻仓库" in body


def test_long_reports_are_cut_to_githubs_limit():
    sys.path.insert(0, str(COMMENT.parent))
    try:
        import pr_comment
    finally:
        sys.path.pop(0)
    row = "| 很长的文章标题 | 简报 | 综合 |\n"
    report = "<details>\n<summary>新增</summary>\n\n" + row * 5000 + "\n</details>\n"
    body = pr_comment.compose(report, preview_url="https://x/pr-7/", run_url=None, sha=SHA)
    assert len(body) <= pr_comment.MAX_BODY < 65_536
    assert body.count("<details>") == body.count("</details>")
    assert body.rstrip().endswith("report.json）。")
    short = pr_comment.compose(REPORT, preview_url=None, run_url=None, sha=SHA)
    assert short.endswith(REPORT)


# -- scripts/collect-previews.sh with a stand-in gh --------------------------------------------
FAKE_GH = r'''#!/usr/bin/env python3
"""Answers like `gh` for the calls collect-previews.sh makes; logs every call."""
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as f:
    f.write(" ".join(args) + "\n")
state = json.loads(Path(os.environ["GH_STATE"]).read_text())
def opt(name):
    return args[args.index(name) + 1] if name in args else None
if args[:2] == ["pr", "list"]:
    print(json.dumps(state["prs"]))
elif args[:2] == ["run", "list"]:
    run = state["runs"].get(opt("--commit"))
    print(json.dumps([{"databaseId": run}] if run else []))
elif args[:2] == ["run", "download"]:
    run, name, dest = args[2], opt("--name"), Path(opt("--dir"))
    files = state["artifacts"].get(f"{run}/{name}")
    if files is None:
        print("no artifact", file=sys.stderr)
        dest.mkdir(parents=True, exist_ok=True)  # gh may leave an empty folder behind
        sys.exit(1)
    for rel, text in files.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)
else:
    sys.exit(2)
'''


def test_collect_previews(tmp_path):
    site = tmp_path / "_site"
    site.mkdir()
    (site / "index.html").write_text("main", encoding="utf-8")
    (site / "pr-4").mkdir()  # a bulletin that happens to be called pr-4
    state = {
        "prs": [
            {"number": 1, "headRefOid": "1" * 40, "isCrossRepository": False},
            {"number": 2, "headRefOid": "2" * 40, "isCrossRepository": True},  # a fork
            {"number": 3, "headRefOid": "3" * 40, "isCrossRepository": False},  # no run yet
            {"number": 4, "headRefOid": "4" * 40, "isCrossRepository": False},
            {"number": 5, "headRefOid": "5" * 40, "isCrossRepository": False},  # expired
        ],
        "runs": {"1" * 40: 11, "2" * 40: 22, "4" * 40: 44, "5" * 40: 55},
        "artifacts": {
            "11/preview-pr-1": {"index.html": "preview 1", "a/index.html": "x"},
            "22/preview-pr-2": {"index.html": "fork"},
            "44/preview-pr-4": {"index.html": "four"},
        },
    }
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GH_STATE": str(tmp_path / "state.json"),
        "GH_LOG": str(tmp_path / "gh.log"),
        "GITHUB_REPOSITORY": "o/r",
    }
    r = subprocess.run(["bash", str(COLLECT), str(site)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (site / "pr-1" / "index.html").read_text() == "preview 1"
    assert (site / "pr-1" / "a" / "index.html").is_file()
    assert not (site / "pr-2").exists()  # forks are never published
    assert not (site / "pr-3").exists() and not (site / "pr-5").exists()
    assert list((site / "pr-4").iterdir()) == []  # the site's own folder was left alone
    assert (site / "index.html").read_text() == "main"
    assert "previews published: 1" in r.stdout
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert all("--repo o/r" in c for c in calls)
    assert any(
        "--workflow pr-preview.yml" in c and "--status completed" in c and "1" * 40 in c
        for c in calls
    )
    assert not any("2" * 40 in c for c in calls)  # the fork's runs are not even looked up


def test_collect_previews_needs_a_site_folder(tmp_path):
    env = {**os.environ, "GITHUB_REPOSITORY": "o/r"}
    r = subprocess.run(
        ["bash", str(COLLECT), str(tmp_path / "missing")], env=env, capture_output=True, text=True
    )
    assert r.returncode == 1 and "no site folder" in r.stderr
