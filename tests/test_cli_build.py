"""``huikan build`` through the command line."""

from huikan.cli import main


def test_build_command_prints_a_summary(site_root, capsys, monkeypatch):
    monkeypatch.chdir(site_root)
    assert main(["build", "--jobs", "1", "--out", "site-out"]) == 0
    out = capsys.readouterr().out
    assert "构建完成：5 期简报" in out and "写入" in out and "未变" in out and "用时" in out
    assert (site_root / "site-out" / "index.html").is_file()
    # a second run writes nothing
    assert main(["build", "--jobs", "1", "--out", "site-out"]) == 0
    assert "写入 0 个" in capsys.readouterr().out


def test_build_command_errors_are_plain_and_nonzero(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 1
    assert "构建失败" in capsys.readouterr().err
    assert main(["build", "--jobs", "0"]) == 2


def test_the_console_script_flushes_its_output_and_keeps_the_exit_code(site_root, tmp_path):
    """``huikan`` ends with os._exit (no heap teardown): what it printed to a pipe must still
    arrive whole, and its exit code must be the command's."""
    import subprocess
    import sys

    def run(cwd, *argv):
        return subprocess.run(
            [sys.executable, "-m", "huikan", *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )

    r = run(site_root, "build", "--jobs", "1", "--out", "site-out")
    assert r.returncode == 0, r.stderr
    assert "构建完成：5 期简报" in r.stdout and r.stdout.rstrip().splitlines()[-1].startswith(
        "用时"
    )
    assert (site_root / "site-out" / "index.html").is_file()
    failed = run(tmp_path, "build")  # no bulletins: a failed build
    assert failed.returncode == 1 and "构建失败" in failed.stderr
    assert run(tmp_path, "build", "--jobs", "0").returncode == 2
