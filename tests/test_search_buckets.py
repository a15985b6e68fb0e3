"""Bucket files: appended chunks read back as one dict; a torn chunk is found, never misread."""

from __future__ import annotations

import numpy as np

from huikan.search.buckets import append_bucket, chunk, is_whole, read_bucket, write_bucket


def test_appended_chunks_read_back_as_one_dict(tmp_path):
    path = tmp_path / "abc.marshal"
    assert read_bucket(path) == ({}, True)  # missing: empty and whole
    append_bucket(path, {"b": (1, b"x", b"y"), "a": (2, b"", b"")})
    size = path.stat().st_size
    append_bucket(path, {"c": (3, b"z", b"w")})
    # the second append wrote only its own entry
    assert path.stat().st_size == size + len(chunk({"c": (3, b"z", b"w")}))
    entries, whole = read_bucket(path)
    assert whole and entries == {"a": (2, b"", b""), "b": (1, b"x", b"y"), "c": (3, b"z", b"w")}
    write_bucket(path, entries)  # one chunk again, the same entries
    assert read_bucket(path) == (entries, True)
    assert path.read_bytes() == chunk(entries)


def test_a_torn_last_chunk_keeps_the_chunks_before_it(tmp_path):
    path = tmp_path / "abc.marshal"
    append_bucket(path, {"a": (1, b"x", b"y")})
    whole = path.read_bytes()
    append_bucket(path, {"b": (2, b"x" * 100, b"y")})
    for cut in (1, 7, 9, len(chunk({"b": (2, b"x" * 100, b"y")})) - 1):
        path.write_bytes(
            path.read_bytes()[: len(whole)] + chunk({"b": (2, b"x" * 100, b"y")})[:cut]
        )
        assert read_bucket(path) == ({"a": (1, b"x", b"y")}, False), cut


def test_a_tear_is_found_from_the_chunk_lengths_alone(tmp_path):
    path = tmp_path / "abc.marshal"
    assert is_whole(path)  # missing
    append_bucket(path, {"a": (1, b"x", b"y")})
    append_bucket(path, {"b": (2, b"x" * 100, b"y")})
    data = path.read_bytes()
    assert is_whole(path)
    for cut in (1, 5, 8, 9, 20, len(chunk({"b": (2, b"x" * 100, b"y")})) - 1):
        path.write_bytes(data[:-cut])
        assert not is_whole(path), cut
    path.write_bytes(data + b"\x00" * 3)  # a length cut short
    assert not is_whole(path)


def test_garbage_is_an_empty_torn_bucket(tmp_path):
    path = tmp_path / "abc.marshal"
    for data in (b"x" * 1000, (5).to_bytes(8, "little") + b"\xff" * 5, chunk({"a": 1})[:-3]):
        path.write_bytes(data)
        assert read_bucket(path) == ({}, False)
    path.write_bytes((3).to_bytes(8, "little") + b"i\x01\x00")  # a chunk, but not a dict
    assert read_bucket(path)[1] is False


def test_a_key_index_says_which_keys_may_be_in_a_bucket(tmp_path):
    from huikan.search.buckets import KeyIndex

    keys = [f"{i:016x}" + "0" * 16 for i in (5, 1, 9)]  # the index keeps 64-bit prefixes
    index = KeyIndex(np.empty(0, np.uint64))
    assert index.may_have(keys).tolist() == [False, False, False]
    index.add(keys[:2])
    assert index.may_have(keys).tolist() == [True, True, False]
    index.save(tmp_path / "k.npy")
    loaded = KeyIndex.load(tmp_path / "k.npy")
    assert loaded.known and loaded.may_have(keys).tolist() == [True, True, False]
    loaded.replace(keys[2:])  # pruned: exactly these
    assert loaded.may_have(keys).tolist() == [False, False, True]
    # many additions: kept in sorted runs, merged now and then, all found
    many = [f"{i * 7919:016x}" + "f" * 16 for i in range(1, 200)]
    for i in range(0, len(many), 3):
        loaded.add(many[i : i + 3])
        assert loaded.may_have(many[: i + 3]).all()
        assert not loaded.may_have([f"{i * 7919 + 1:016x}" + "0" * 16]).any()
    loaded.save(tmp_path / "k.npy")
    assert KeyIndex.load(tmp_path / "k.npy").may_have([*many, keys[2]]).all()
    # no file, or not a sorted uint64 array: unknown, every lookup reads its bucket
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    np.save(tmp_path / "unsorted.npy", np.array([3, 1], dtype=np.uint64))
    for name in ("missing.npy", "bad.npy", "unsorted.npy"):
        unknown = KeyIndex.load(tmp_path / name)
        assert not unknown.known and unknown.may_have(keys).all()
        unknown.save(tmp_path / name)
        assert not (tmp_path / name).exists()  # never left stale
