"""Atomic, incremental output folders."""

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huikan.site import state as site_state
from huikan.site.output import OutputDir, OutputError
from huikan.site.state import FILES_FILE, STATE_FILE


def recorded_files(out):
    return site_state.read_files(out, site_state.read_header(out))


def _dies_after_one(real, matches):
    """A stand-in for os.replace / os.rename: one matching move goes through, then the
    process "dies" (KeyboardInterrupt) before the next."""
    moved = []

    def move(src, dst):
        if matches(src, dst):
            if moved:
                raise KeyboardInterrupt
            moved.append(dst)
        real(src, dst)

    return move


def test_commit_swaps_and_failure_keeps_the_old_site(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("index.html", b"v1")
        o.commit()
    assert (out / "index.html").read_bytes() == b"v1"
    with pytest.raises(RuntimeError), OutputDir(out) as o:
        o.put_bytes("index.html", b"v2")
        raise RuntimeError("boom")
    assert (out / "index.html").read_bytes() == b"v1"
    for _ in range(100):  # the failed build's folder is deleted in the background
        if sorted(p.name for p in tmp_path.iterdir()) == ["build", "build.lock"]:
            break
        time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "build.lock"]


@pytest.mark.parametrize("bad", ["../x", "/etc/x", "a/../../x", "", "a//b", ".hidden", "a\\b"])
def test_paths_escaping_the_output_are_refused(tmp_path, bad):
    with OutputDir(tmp_path / "build") as o, pytest.raises(OutputError):
        o.put_bytes(bad, b"x")


def test_two_writers_to_one_path_is_an_error(tmp_path):
    with OutputDir(tmp_path / "build") as o:
        o.put_bytes("a.html", b"1")
        with pytest.raises(OutputError):
            o.put_bytes("a.html", b"2")


def test_unchanged_files_are_linked_not_rewritten(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_rendered("a.html", "k1", lambda: b"A")
        o.put_rendered("b.html", "k2", lambda: b"B")
        o.commit()
    ino = (out / "a.html").stat().st_ino
    calls = []

    def render(data):
        calls.append(data)
        return data

    with OutputDir(out) as o:
        assert o.put_rendered("a.html", "k1", lambda: render(b"A")) == "unchanged"
        assert o.put_rendered("b.html", "k2-new", lambda: render(b"B")) == "unchanged"
        assert o.put_rendered("c.html", "k3", lambda: render(b"C")) == "written"
        assert o.counts() == (1, 2)
        o.commit()
    assert calls == [b"B", b"C"]  # a.html was not even rendered
    assert (out / "a.html").stat().st_ino == ino
    assert STATE_FILE in os.listdir(out)


def test_adopted_files_linked_from_the_last_build_are_not_read_again(tmp_path, monkeypatch):
    """A folder another process wrote (the search index): files hard-linked from the
    previous build keep their recorded hash unread; new or rewritten ones are hashed."""
    import huikan.site.output as output

    out = tmp_path / "build"

    def build(files: dict[str, bytes], link: tuple[str, ...] = ()) -> OutputDir:
        with OutputDir(out) as o:
            (o.stage / "search").mkdir()
            for name, data in files.items():
                target = o.stage / "search" / name
                if name in link:
                    os.link(out / "search" / name, target)
                else:
                    target.write_bytes(data)
            o.adopt("search", key="k")
            o.commit()
        return o

    build({"a.json": b"A", "b.json": b"B", "c.json": b"C"})
    hashed: list[str] = []
    real = output._sha256_file
    monkeypatch.setattr(output, "_sha256_file", lambda p: hashed.append(p.name) or real(p))
    o = build({"a.json": b"", "b.json": b"B", "c.json": b"C2", "d.json": b"D"}, link=("a.json",))
    assert sorted(hashed) == ["b.json", "c.json", "d.json"]
    status = {rel: r.status for rel, r in o.records.items()}
    assert status == {
        "search/a.json": "unchanged",
        "search/b.json": "unchanged",  # rewritten with the same bytes
        "search/c.json": "written",
        "search/d.json": "written",
    }
    state = recorded_files(out)
    assert state["search/a.json"][1] == real(out / "search" / "a.json")
    assert state["search/c.json"][1] == real(out / "search" / "c.json")


def test_a_deleted_output_is_rebuilt_fully(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_rendered("a.html", "k1", lambda: b"A")
        o.commit()
    (out / "a.html").unlink()
    with OutputDir(out) as o:
        assert o.put_rendered("a.html", "k1", lambda: b"A") == "written"
        o.commit()
    assert (out / "a.html").read_bytes() == b"A"


def test_a_second_build_waits_for_the_lock(tmp_path):
    out = tmp_path / "build"
    script = textwrap.dedent(
        f"""
        import sys, time
        from huikan.site.output import OutputDir
        with OutputDir({str(out)!r}) as o:
            print("locked", flush=True)
            o.put_bytes("who.txt", b"first")
            sys.stdin.readline()
            o.commit()
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert first.stdout.readline().strip() == "locked"
        o = OutputDir(out)
        import fcntl

        with open(o.lock_path, "a+") as f, pytest.raises(BlockingIOError):
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        first.stdin.write("\n")
        first.stdin.flush()
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    with OutputDir(out) as o:
        o.put_bytes("who.txt", b"second")
        o.commit()
    assert (out / "who.txt").read_bytes() == b"second"


def test_manifest_dumps_is_json_one_item_per_line():

    from huikan.site.manifest import dumps

    m = {"pages": [{"b": 1, "a": "页"}, {"a": 2}], "site": {"x": None}, "errors": []}
    text = dumps(m).decode("utf-8")
    assert json.loads(text) == m
    assert '{"a":"页","b":1},' in text.splitlines()
    assert dumps(m) == dumps(json.loads(text))


def test_a_rebuild_moves_only_new_files_and_deletes_the_dropped_ones(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        for name in ("a/index.html", "b/index.html", "gone/deep/index.html"):
            o.put_rendered(name, "k-" + name, lambda n=name: n.encode())
        o.commit()
    before = {p: (out / p).stat().st_ino for p in ("a/index.html", "b/index.html")}
    with OutputDir(out) as o:
        o.put_rendered("a/index.html", "k-a/index.html", lambda: b"never rendered")
        o.put_rendered("b/index.html", "k-new", lambda: b"B2")
        o.put_rendered("c/index.html", "k-c", lambda: b"C")
        staged = sorted(p.relative_to(o.stage).as_posix() for p in o.stage.rglob("*.html"))
        assert staged == ["b/index.html", "c/index.html"]  # the unchanged file is not copied
        o.commit()
    assert (out / "a/index.html").stat().st_ino == before["a/index.html"]
    assert (out / "b/index.html").read_bytes() == b"B2"
    assert (out / "c/index.html").read_bytes() == b"C"
    assert not (out / "gone").exists()  # the dropped page and the folders it leaves empty
    state = recorded_files(out)
    assert sorted(state) == ["a/index.html", "b/index.html", "c/index.html"]


def test_a_commit_killed_while_moving_is_finished_by_the_next_build(tmp_path, monkeypatch):
    import huikan.site.output as output

    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("a.html", b"A1")
        o.put_bytes("b.html", b"B1")
        o.put_bytes("old.html", b"O")
        o.commit()
    real_replace = os.replace
    dies = _dies_after_one(real_replace, lambda src, dst: str(dst).endswith(".html"))
    monkeypatch.setattr(output.os, "replace", dies)
    o = OutputDir(out)
    with pytest.raises(KeyboardInterrupt):
        o.__enter__()
        o.put_bytes("a.html", b"A2")
        o.put_bytes("b.html", b"B2")
        o.commit()
    o._release_lock()  # killed: the staging folder and its commit list stay behind
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert not (out / STATE_FILE).exists()  # half moved: not a finished site
    assert (out / "a.html").read_bytes() == b"A2" and (out / "b.html").read_bytes() == b"B1"
    with OutputDir(out) as o2:  # the next build rolls the interrupted commit forward first
        assert (out / "b.html").read_bytes() == b"B2"
        assert not (out / "old.html").exists()
        assert o2._load_state().keys() == {"a.html", "b.html"}
        o2.put_bytes("a.html", b"A2")
        o2.put_bytes("b.html", b"B2")
        o2.commit()
    assert sorted(p.name for p in out.iterdir()) == [FILES_FILE, STATE_FILE, "a.html", "b.html"]


def test_a_build_killed_before_its_commit_changes_nothing(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("a.html", b"A1")
        o.commit()
    o = OutputDir(out)
    o.__enter__()
    o.put_bytes("a.html", b"A2")
    o._release_lock()  # killed while rendering: no commit list was written
    with OutputDir(out) as o2:
        assert (out / "a.html").read_bytes() == b"A1"
        assert "a.html" in o2._load_state()


def test_the_state_is_a_small_header_and_a_files_record(tmp_path):
    import hashlib

    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("a.html", b"A")
        o.put_bytes("b/index.html", b"B")
        o.commit({"key": "k"})
    header = site_state.read_header(out)
    assert header["top"] == ["a.html", "b"] and header["build"] == {"key": "k"}
    assert header["files"]["count"] == 2
    assert sorted(recorded_files(out)) == ["a.html", "b/index.html"]
    assert site_state.intact(out, header)
    # a record from another build is never taken for this one's
    data = (out / FILES_FILE).read_bytes()
    sha_a = hashlib.sha256(b"A").hexdigest().encode()
    (out / FILES_FILE).write_bytes(data.replace(sha_a, sha_a[::-1]))
    assert site_state.read_files(out, header) is None


def test_an_intact_site_is_not_stat_ed_file_by_file(tmp_path, monkeypatch):
    import huikan.site.output as output

    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_rendered("a/index.html", "ka", lambda: b"A")
        o.put_rendered("b/index.html", "kb", lambda: b"B")
        o.commit()
    real_stat, seen = os.stat, []

    def stat(path, *args, **kwargs):
        seen.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(output.os, "stat", stat)
    with OutputDir(out) as o:
        assert o.reusable("a/index.html", "ka") and o.reusable("b/index.html", "kb")
        o.commit()
    assert not [p for p in seen if p.endswith("index.html")]


def test_a_folder_deleted_by_hand_is_noticed_and_rebuilt(tmp_path):
    import shutil

    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_rendered("a/index.html", "ka", lambda: b"A")
        o.put_rendered("b/index.html", "kb", lambda: b"B")
        o.commit()
    shutil.rmtree(out / "b")
    assert not site_state.intact(out, site_state.read_header(out))
    with OutputDir(out) as o:
        assert o.reusable("a/index.html", "ka")
        assert not o.reusable("b/index.html", "kb")  # checked file by file: it is gone
        o.put_rendered("b/index.html", "kb", lambda: b"B")
        o.commit()
    assert (out / "b/index.html").read_bytes() == b"B"


def _stage_folder(o, rel, files):
    """Write ``files`` ({name: bytes}) into the staging folder as another component does,
    and record the folder as a whole."""
    import hashlib

    from huikan.search.files import folder_digest

    (o.stage / rel).mkdir(parents=True)
    for name, data in files.items():
        (o.stage / rel / name).write_bytes(data)
    digest = folder_digest((n, hashlib.sha256(d).hexdigest()) for n, d in files.items())
    size = sum(len(d) for d in files.values())
    return o.put_folder(rel, digest=digest, size=size, files=len(files), key="k")


def test_folders_are_recorded_kept_and_replaced_as_a_whole(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        assert _stage_folder(o, "search/i/0", {"0.json": b"{}", "d0.json": b"[]"}) == "written"
        assert _stage_folder(o, "search/i/1", {"0.json": b"{1}"}) == "written"
        o.put_bytes("search/manifest.json", b"M")
        o.adopt("search", key="k")  # the loose files only: the folders are recorded
        assert o.counts() == (4, 0)
        o.commit()
    files = recorded_files(out)
    assert sorted(files) == ["search/i/0/", "search/i/1/", "search/manifest.json"]
    assert files["search/i/0/"][2:] == (4, 2)  # size, files
    assert (out / "search/i/0/d0.json").read_bytes() == b"[]"
    inode = (out / "search/i/0/0.json").stat().st_ino
    with OutputDir(out) as o:
        assert o.has_folder("search/i/0") and not o.has_folder("search/i/9")
        o.keep_folder("search/i/0", "k2")
        assert not o.has_folder("search/i/0")  # already recorded by this build
        # the same files written again: the site's folder stays
        assert _stage_folder(o, "search/i/1", {"0.json": b"{1}"}) == "unchanged"
        o.put_bytes("search/manifest.json", b"M")
        assert o.counts() == (0, 4) and o.file_count() == 4
        o.commit()
    assert (out / "search/i/0/0.json").stat().st_ino == inode  # kept in place, not copied
    assert recorded_files(out)["search/i/0/"][0] == "k2"
    with OutputDir(out) as o:  # a new version of folder 0; folder 1 is gone
        _stage_folder(o, "search/i/0", {"0.json": b"{new}"})
        o.commit()
    assert sorted(p.name for p in (out / "search/i/0").iterdir()) == ["0.json"]  # replaced
    assert (out / "search/i/0/0.json").read_bytes() == b"{new}"
    assert not (out / "search/i/1").exists() and not (out / "search/manifest.json").exists()
    assert sorted(recorded_files(out)) == ["search/i/0/"]


def test_a_folder_recorded_file_by_file_before_becomes_one_entry(tmp_path):
    """The upgrade: the previous state lists a folder's files; the new build records it as
    a whole. Deletions go first, so the old entries do not delete the new folder's files."""
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("search/i/0/0.json", b"old")
        o.put_bytes("search/i/0/1.json", b"old")
        o.commit()
    with OutputDir(out) as o:
        _stage_folder(o, "search/i/0", {"0.json": b"new", "d0.json": b"store"})
        o.commit()
    assert sorted(p.name for p in (out / "search/i/0").iterdir()) == ["0.json", "d0.json"]
    assert (out / "search/i/0/0.json").read_bytes() == b"new"
    assert sorted(recorded_files(out)) == ["search/i/0/"]


def test_a_commit_killed_between_folder_moves_is_finished_by_the_next_build(tmp_path, monkeypatch):
    import huikan.site.journal as journal

    out = tmp_path / "build"
    with OutputDir(out) as o:
        _stage_folder(o, "search/i/0", {"0.json": b"A1"})
        _stage_folder(o, "search/i/1", {"0.json": b"B1"})
        o.commit()
    real_rename = os.rename
    dies = _dies_after_one(real_rename, lambda src, dst: ".tmp-" in str(src) and "/i/" in str(src))
    monkeypatch.setattr(journal.os, "rename", dies)
    o = OutputDir(out)
    with pytest.raises(KeyboardInterrupt):
        o.__enter__()
        _stage_folder(o, "search/i/0", {"0.json": b"A2"})
        _stage_folder(o, "search/i/1", {"0.json": b"B2", "1.json": b"B2"})
        o.commit()
    o._release_lock()
    monkeypatch.setattr(journal.os, "rename", real_rename)
    assert not (out / STATE_FILE).exists()  # half moved: not a finished site
    with OutputDir(out) as o2:  # rolled forward first
        assert (out / "search/i/0/0.json").read_bytes() == b"A2"
        assert sorted(p.name for p in (out / "search/i/1").iterdir()) == ["0.json", "1.json"]
        assert o2._load_state()["search/i/1/"][3] == 2
        o2.keep_folder("search/i/0", "k")
        o2.keep_folder("search/i/1", "k")
        o2.commit()


def test_a_folder_emptied_by_hand_is_not_kept(tmp_path):
    out = tmp_path / "build"
    with OutputDir(out) as o:
        _stage_folder(o, "search/i/0", {"0.json": b"A", "1.json": b"B"})
        o.put_bytes("x.html", b"X")
        o.commit()
    (out / "search/i/0/1.json").unlink()
    (out / "x.html").unlink()  # a top-level name gone: the site is not taken as intact
    with OutputDir(out) as o:
        assert not o.has_folder("search/i/0")  # one file short: counted, not trusted


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab./\\\0页", max_size=12))
def test_the_fast_path_check_accepts_and_refuses_as_the_full_check(path):
    from huikan.site.paths import check_rel as _check_rel
    from huikan.site.paths import safe_rel as _safe_rel

    def outcome(check):
        try:
            return check(path)
        except OutputError as e:
            return str(e)

    assert outcome(_safe_rel) == outcome(_check_rel)


def test_the_header_is_read_once_for_both_of_a_builds_questions(tmp_path, monkeypatch):
    """unchanged_site asks with the folder as given, OutputDir with its absolute path: the
    second read of the same file is served from memory; a new header is read afresh."""
    out = tmp_path / "build"
    with OutputDir(out) as o:
        o.put_bytes("a.html", b"A")
        o.commit({"key": "k1"})
    monkeypatch.chdir(tmp_path)
    assert site_state.read_header(Path("build"))["build"] == {"key": "k1"}
    reads = []
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a: reads.append(self) or real(self, *a))
    assert site_state.read_header(out.resolve())["build"] == {"key": "k1"}
    assert reads == []
    with OutputDir(out) as o:
        o.put_bytes("a.html", b"A")
        o.commit({"key": "k2"})
    assert site_state.read_header(Path("build"))["build"] == {"key": "k2"}
