"""FileDigests: a file's hash is read again only when its stat changed."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

import huikan.filedigest as fd
from huikan.filedigest import FileDigests


def _old(path, seconds=3600):
    t = time.time() - seconds
    os.utime(path, (t, t))


@pytest.fixture(autouse=True)
def _not_racy(request, monkeypatch):
    """Files made by a test are seconds old at most (and utime moves ctime to now): treat
    them as settled, except in the test of that rule."""
    if "racy" not in request.node.name:
        monkeypatch.setattr(fd, "RACY_SECONDS", 0.0)


def test_remembered_hash_is_not_read_again(tmp_path):
    f = tmp_path / "a.pdf"
    f.write_bytes(b"%PDF-1.4 one")
    _old(f)
    record = tmp_path / "cache" / "file-digests.json"
    first = FileDigests(record)
    assert first.digest(f) == hashlib.sha256(b"%PDF-1.4 one").digest()
    first.save()
    again = FileDigests(record)
    assert again.digest(f) == hashlib.sha256(b"%PDF-1.4 one").digest()
    assert (first.reads, again.reads) == (1, 0)


def test_a_changed_file_is_read_again_even_with_the_same_size_and_mtime(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"version 1")
    _old(f)
    record = tmp_path / "digests.json"
    d = FileDigests(record)
    d.digest(f)
    d.save()
    st = os.stat(f)
    f.write_bytes(b"version 2")  # same size; put the old mtime back: ctime still moves
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    time.sleep(0.01)
    again = FileDigests(record)
    assert again.digest(f) == hashlib.sha256(b"version 2").digest()
    assert again.reads == 1


def test_racy_a_file_written_just_now_is_not_remembered(tmp_path, monkeypatch):
    """Racy: written in the clock tick it was hashed in, it could change unseen."""
    f = tmp_path / "new.txt"
    f.write_bytes(b"fresh")
    record = tmp_path / "digests.json"
    d = FileDigests(record)
    d.digest(f)
    d.save()
    assert FileDigests(record).digest(f) == hashlib.sha256(b"fresh").digest()
    later = FileDigests(record)
    monkeypatch.setattr(fd, "RACY_SECONDS", -1e9)  # it is old enough now
    later.digest(f)
    assert later.reads == 1
    later.save()
    assert FileDigests(record).digest(f) and FileDigests(record).reads == 0


def test_record_keeps_only_the_files_of_the_last_run_and_survives_garbage(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for f in (a, b):
        f.write_bytes(f.name.encode())
        _old(f)
    record = tmp_path / "digests.json"
    d = FileDigests(record)
    d.digest(a)
    d.digest(b)
    d.save()
    d = FileDigests(record)
    d.digest(a)
    d.save()
    assert FileDigests(record).digest(b) and FileDigests(record)._known.keys() == {str(a)}
    record.write_text("{not json", "utf-8")
    assert FileDigests(record).digest(a) == hashlib.sha256(b"a").digest()
