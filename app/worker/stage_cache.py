"""The stage cache a worker's renders read and write: a local folder with local storage, the
object store (indexed in the database) with S3 storage."""

from __future__ import annotations

from sqlalchemy import create_engine

from app.config import Settings
from app.storage import LocalStorage, Storage
from app.worker.object_cache import ObjectCacheStore
from db.urls import normalize_url
from pipeline.cache.store import CacheStore, LocalCacheStore

LOCAL_COPY_POOL_SIZE = 2
"""Database connections the object cache's index uses (renders run one or two at a time)."""


def open_cache(settings: Settings, storage: Storage, database_url: str) -> CacheStore:
    """The installation's stage cache, capped at CACHE_MAX_BYTES."""
    local = LocalCacheStore(settings.resolved_cache_dir, settings.cache_max_bytes)
    if isinstance(storage, LocalStorage):
        return local
    engine = create_engine(normalize_url(database_url), pool_size=LOCAL_COPY_POOL_SIZE)
    return ObjectCacheStore(storage, engine, local, settings.cache_max_bytes)
