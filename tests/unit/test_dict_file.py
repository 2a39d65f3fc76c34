"""The base-plus-delta file behind the render and document caches."""
from __future__ import annotations

import pickle

from engine.dict_file import DictFile


def test_round_trip_and_small_changes_go_to_the_delta(tmp_path):
    path = tmp_path / "c.pickle"
    store = DictFile(path, "k1", ".c-")
    assert store.load() == {}
    entries = {f"e{i}": ("value", i) for i in range(100)}
    store.save(entries)
    base_bytes = path.read_bytes()

    again = DictFile(path, "k1", ".c-")
    loaded = again.load()
    assert loaded == entries
    loaded["e3"] = ("changed", 3)
    del loaded["e4"]
    loaded["new"] = ("added", 0)
    again.save(loaded)
    assert path.read_bytes() == base_bytes              # the base was not rewritten
    assert (tmp_path / "c.pickle.delta").is_file()
    assert DictFile(path, "k1", ".c-").load() == loaded


def test_the_delta_is_cumulative_and_folded_into_the_base_when_large(tmp_path):
    path = tmp_path / "c.pickle"
    entries = {f"e{i}": i for i in range(100)}
    DictFile(path, "k", ".c-").save(entries)
    for round_ in range(3):                              # three builds, one edit each
        store = DictFile(path, "k", ".c-")
        current = store.load()
        current[f"e{round_}"] = -round_ - 1
        store.save(current)
    expected = {**entries, "e0": -1, "e1": -2, "e2": -3}
    assert DictFile(path, "k", ".c-").load() == expected
    store = DictFile(path, "k", ".c-")
    current = store.load()
    current.update({f"e{i}": "big" for i in range(50)})  # more than an eighth: a new base
    store.save(current)
    assert not (tmp_path / "c.pickle.delta").exists()
    assert DictFile(path, "k", ".c-").load() == current


def test_another_key_a_stale_delta_or_a_broken_file_read_as_nothing_wrong(tmp_path):
    path = tmp_path / "c.pickle"
    store = DictFile(path, "k", ".c-")
    store.save({"a": 1, **{f"x{i}": i for i in range(40)}})
    assert DictFile(path, "other key", ".c-").load() == {}
    # A delta written for an older base is ignored.
    with open(tmp_path / "c.pickle.delta", "wb") as fh:
        pickle.dump({"format": 1, "key": "k", "base_id": "old"}, fh)
        pickle.dump(([], {"a": 99}), fh)
    assert DictFile(path, "k", ".c-").load()["a"] == 1
    path.write_bytes(b"\x80\x05garbage")
    assert DictFile(path, "k", ".c-").load() == {}
