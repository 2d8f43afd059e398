"""The local stage cache: atomic writes from two workers, checked reads, LRU eviction that
never removes a pinned entry, damaged entries detected and made again."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from pipeline.cache.keys import cache_key
from pipeline.cache.store import PIN_TTL_S, LocalCacheStore

ENTRY_BYTES = 1000


def _source(folder: Path, name: str, fill: bytes) -> Path:
    path = folder / name
    path.write_bytes(fill * ENTRY_BYTES)
    return path


def test_a_stored_entry_reads_back_identical(tmp_path: Path) -> None:
    store = LocalCacheStore(tmp_path / "cache")
    key = cache_key("speech", "1", text="hello")
    assert store.get(key) is None and not store.holds(key)
    stored = store.put(key, _source(tmp_path, "clip.wav", b"a"))
    assert store.holds(key)
    assert store.get(key) == stored
    assert stored.read_bytes() == b"a" * ENTRY_BYTES


@pytest.mark.parametrize("damage", ["truncate", "flip", "drop_record"])
def test_a_damaged_entry_is_detected_and_made_again(tmp_path: Path, damage: str) -> None:
    store = LocalCacheStore(tmp_path / "cache")
    key = cache_key("speech", "1", text="hello")
    stored = store.put(key, _source(tmp_path, "clip.wav", b"a"))
    if damage == "truncate":
        stored.write_bytes(stored.read_bytes()[:10])
    elif damage == "flip":
        stored.write_bytes(b"b" + stored.read_bytes()[1:])
    else:
        stored.with_suffix(".json").unlink()
    assert store.get(key) is None
    assert store.entries() == []
    store.put(key, _source(tmp_path, "clip.wav", b"a"))
    assert store.get(key) is not None


def test_least_recently_used_entries_go_first_but_pinned_ones_stay(tmp_path: Path) -> None:
    store = LocalCacheStore(tmp_path / "cache", max_bytes=3 * ENTRY_BYTES)
    keys = [cache_key("shot", "1", index=index) for index in range(3)]
    for index, key in enumerate(keys):
        store.put(key, _source(tmp_path, f"{index}.bin", bytes([65 + index])))
        past = time.time() - 100 + index  # the first entry is the least recently used
        os.utime((store.root / key).with_suffix(".json"), (past, past))
    assert store.get(keys[0]) is not None  # reading makes it the most recent
    with store.pinned([keys[1]]):
        store.put(cache_key("shot", "1", index=3), _source(tmp_path, "3.bin", b"D"))
        remaining = {entry.key for entry in store.entries()}
    assert keys[1] in remaining  # pinned: kept although it was the least recently used
    assert keys[2] not in remaining
    assert keys[0] in remaining
    assert sum(entry.size for entry in store.entries()) <= 3 * ENTRY_BYTES


def test_a_dead_renders_pin_lapses(tmp_path: Path) -> None:
    store = LocalCacheStore(tmp_path / "cache")
    key = cache_key("shot", "1", index=0)
    store.put(key, _source(tmp_path, "0.bin", b"A"))
    with store.pinned([key]):
        assert store.is_pinned(key)
        assert not store.is_pinned(key, now=time.time() + PIN_TTL_S + 1)
    assert not store.is_pinned(key)


def _write_many(root: str, key: str, fill: bytes, rounds: int) -> None:
    store = LocalCacheStore(Path(root))
    source = Path(root).parent / f"source-{fill.decode()}.bin"
    source.write_bytes(fill * 200_000)
    for _ in range(rounds):
        store.put(key, source)


def test_two_workers_writing_the_same_entry_never_leave_a_mixed_one(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    LocalCacheStore(root)
    key = cache_key("segment", "1", scene=3)
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_many, args=(str(root), key, fill, 15))
        for fill in (b"x", b"y")
    ]
    for worker in workers:
        worker.start()
    reader = LocalCacheStore(root)
    whole = (b"x" * 200_000, b"y" * 200_000)
    while any(worker.is_alive() for worker in workers):
        path = reader.get(key)
        if path is not None:
            assert path.read_bytes() in whole  # a renamed-in file is read whole, old or new
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    final = reader.get(key)
    assert final is not None
    assert final.read_bytes() in whole
    assert not [p for p in (root / "segment").iterdir() if p.name.startswith(".")]
