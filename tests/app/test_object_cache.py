"""The stage cache over S3 (a real local S3 server) indexed in PostgreSQL: reads checked,
damaged entries made again, least recently used evicted first, pinned entries kept."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from sqlalchemy import Engine, create_engine, select, text

from app.config import Settings
from app.context import AppContext
from app.storage import S3Storage, open_storage
from app.worker.object_cache import ObjectCacheStore
from app.worker.stage_cache import open_cache
from db.models import StageCacheEntry
from db.urls import normalize_url
from pipeline.cache.store import LocalCacheStore
from tests.support.s3_server import apply_s3_environment, s3_server

BUCKET = "cache-test"
ENTRY_BYTES = 1000


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    apply_s3_environment()
    with s3_server() as endpoint:
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


@pytest.fixture
def engine(context: AppContext) -> Iterator[Engine]:
    """A synchronous engine on the migrated test database, with an empty stage_cache."""
    sync = create_engine(normalize_url(context.database_url))
    with sync.begin() as connection:
        connection.execute(text("TRUNCATE stage_cache"))
    yield sync
    sync.dispose()


def _storage(endpoint: str) -> S3Storage:
    storage = open_storage(f"s3://{BUCKET}/studio", "secret" * 8, "http://x", endpoint)
    assert isinstance(storage, S3Storage)
    return storage


def _key(name: str) -> str:
    return "speech/" + hashlib.sha256(name.encode()).hexdigest()


def _file(folder: Path, name: str, fill: bytes) -> Path:
    path = folder / name
    path.write_bytes(fill * ENTRY_BYTES)
    return path


def _store(endpoint: str, engine: Engine, folder: Path, cap: int) -> ObjectCacheStore:
    return ObjectCacheStore(_storage(endpoint), engine, LocalCacheStore(folder, cap), cap)


def test_an_entry_goes_through_s3_and_a_fresh_worker_reads_it(
    s3_endpoint: str, engine: Engine, tmp_path: Path
) -> None:
    writer = _store(s3_endpoint, engine, tmp_path / "w", 10 * ENTRY_BYTES)
    source = _file(tmp_path, "a.wav", b"a")
    writer.put(_key("a"), source)
    assert _storage(s3_endpoint).exists("cache/" + _key("a"))
    reader = _store(s3_endpoint, engine, tmp_path / "r", 10 * ENTRY_BYTES)
    assert reader.holds(_key("a")) and not reader.holds(_key("missing"))
    found = reader.get(_key("a"))
    assert found is not None and found.read_bytes() == source.read_bytes()
    assert reader.get(_key("missing")) is None


def test_a_tampered_object_is_dropped_and_reported_missing(
    s3_endpoint: str, engine: Engine, tmp_path: Path
) -> None:
    writer = _store(s3_endpoint, engine, tmp_path / "w", 10 * ENTRY_BYTES)
    writer.put(_key("b"), _file(tmp_path, "b.wav", b"b"))
    _storage(s3_endpoint).put_bytes("cache/" + _key("b"), b"x" * ENTRY_BYTES, "x/y")
    reader = _store(s3_endpoint, engine, tmp_path / "r", 10 * ENTRY_BYTES)
    assert reader.get(_key("b")) is None
    with engine.connect() as connection:
        assert connection.execute(select(StageCacheEntry.key)).all() == []
    assert not _storage(s3_endpoint).exists("cache/" + _key("b"))


def test_least_recently_used_go_first_and_pinned_entries_stay(
    s3_endpoint: str, engine: Engine, tmp_path: Path
) -> None:
    cache = _store(s3_endpoint, engine, tmp_path / "c", 3 * ENTRY_BYTES)
    for name in ("one", "two", "three"):
        cache.put(_key(name), _file(tmp_path, name, name[0].encode()))
    assert cache.get(_key("one")) is not None  # now "two" is the least recently used
    with cache.pinned([_key("two")]):
        cache.put(_key("four"), _file(tmp_path, "four", b"f"))
    with engine.connect() as connection:
        kept = set(connection.execute(select(StageCacheEntry.key)).scalars())
    assert kept == {_key("one"), _key("two"), _key("four")}
    assert not _storage(s3_endpoint).exists("cache/" + _key("three"))


def test_the_worker_opens_a_local_cache_for_local_storage(
    settings: Settings, context: AppContext
) -> None:
    store = open_cache(settings, context.storage, context.database_url)
    assert isinstance(store, LocalCacheStore)
    assert store.root == settings.resolved_cache_dir and store.max_bytes == settings.cache_max_bytes
