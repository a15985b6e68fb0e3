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
