"""A build killed with SIGKILL leaves no process behind (huikan.lifeline).

Real builds in a subprocess: the test waits until the build has started worker processes
(ingest pool; or the search index process and its tokenizer pool), kills the build with
SIGKILL — no clean-up code runs — and checks every process it had started is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_site_root

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (read from /proc)."""
    parents: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(d.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for c in parents.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def alive(pids: set[int]) -> set[int]:
    live = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            live.add(p)
    return live


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "huikan", "build", "--jobs", "2"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when_children(proc: subprocess.Popen, want: int, timeout: float = 120) -> set[int]:
    """Wait until the build has ``want`` descendants, SIGKILL it; its descendants seen."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        seen |= children_of(proc.pid)
        if len(alive(seen)) >= want:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it started its workers"
    assert len(alive(seen)) >= want, f"only {len(seen)} worker processes seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return seen


def assert_all_gone(pids: set[int]) -> None:
    for _ in range(100):
        if not alive(pids):
            return
        time.sleep(0.05)
    left = alive(pids)
    for p in left:  # do not leave them to the next test
        os.kill(p, signal.SIGKILL)
    raise AssertionError(f"processes outlived the killed build: {sorted(left)}")


def many_bulletins(tmp_path: Path, copies: int) -> Path:
    """The sample site with each bulletin present ``copies`` times (more ingest work)."""
    root = make_site_root(tmp_path / "site")
    issues = root / "issues"
    for f in sorted(issues.iterdir()):
        for k in range(1, copies):
            shutil.copy(f, issues / f"{f.stem}-copy{k}{f.suffix}")
    return root


def test_killed_during_ingest_leaves_no_worker(tmp_path):
    root = many_bulletins(tmp_path, 3)
    proc = start_build(root)
    assert_all_gone(kill_when_children(proc, want=2))


def test_killed_while_indexing_leaves_no_search_process(tmp_path):
    root = many_bulletins(tmp_path, 1)
    subprocess.run(
        [sys.executable, "-m", "huikan", "build", "--jobs", "2"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    # ingest now comes from the cache; without the previous site (nothing to reuse) and the
    # token cache, search runs for seconds
    shutil.rmtree(root / "build")
    shutil.rmtree(root / ".huikan-cache" / "search")
    proc = start_build(root)
    assert_all_gone(kill_when_children(proc, want=1))
