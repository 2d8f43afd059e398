"""The stage cache in object storage (S3): entries under cache/<key>, indexed in the database.

Each worker reads through a local copy: a LocalCacheStore under CACHE_DIR (itself checked and
size-capped) holds what it fetched or made. The stage_cache table records every stored entry's
size and SHA-256 (a fetched copy that does not match is dropped and the entry made again), its
last use (the least recently used go first when the installation's total passes the cap) and
pinned_until (a render holds its entries that long; eviction skips them, and a pin of a
render that died lapses by itself).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from app.storage import Storage, StorageError
from db.models import StageCacheEntry
from pipeline.cache.keys import file_sha256
from pipeline.cache.store import PIN_TTL_S, LocalCacheStore

CACHE_PREFIX = "cache/"
"""Where entries live in the object store."""
OCTET_TYPE = "application/octet-stream"


def _now() -> datetime:
    return datetime.now(UTC)


class ObjectCacheStore:
    """A CacheStore over a Storage (S3) with its index in PostgreSQL (see the module doc)."""

    def __init__(
        self, storage: Storage, engine: Engine, local: LocalCacheStore, max_bytes: int
    ) -> None:
        if max_bytes <= 0:
            raise ValueError("The cache size cap must be positive.")
        self.storage = storage
        self.engine = engine
        self.local = local
        self.max_bytes = max_bytes

    @staticmethod
    def object_key(key: str) -> str:
        """The object store key of a cache entry."""
        return CACHE_PREFIX + key

    def holds(self, key: str) -> bool:
        """Whether the index records an entry under key (get checks its bytes)."""
        with self.engine.connect() as connection:
            found = connection.execute(
                select(StageCacheEntry.key).where(StageCacheEntry.key == key)
            ).first()
        return found is not None

    def get(self, key: str) -> Path | None:
        """A local copy of the entry when it is stored and intact, else None."""
        with self.engine.begin() as connection:
            row = connection.execute(
                select(StageCacheEntry.size, StageCacheEntry.sha256).where(
                    StageCacheEntry.key == key
                )
            ).one_or_none()
            if row is None:
                return None
            connection.execute(
                update(StageCacheEntry).where(StageCacheEntry.key == key).values(last_used=_now())
            )
        local = self.local.get(key)
        if local is not None and file_sha256(local) == row.sha256:
            return local
        with tempfile.TemporaryDirectory(prefix="cache-get-") as folder:
            copy = Path(folder) / "entry"
            try:
                self.storage.download(self.object_key(key), copy)
            except StorageError:
                self._forget(key)
                return None
            if copy.stat().st_size != row.size or file_sha256(copy) != row.sha256:
                self._forget(key)
                return None
            return self.local.put(key, copy)

    def put(self, key: str, source: Path) -> Path:
        """Store source under key (the object first, then its index row); a local copy."""
        size, digest = source.stat().st_size, file_sha256(source)
        self.storage.put_file(self.object_key(key), source, OCTET_TYPE)
        values = {"key": key, "size": size, "sha256": digest, "last_used": _now()}
        with self.engine.begin() as connection:
            statement = insert(StageCacheEntry).values(**values)
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[StageCacheEntry.key],
                    set_={"size": size, "sha256": digest, "last_used": values["last_used"]},
                )
            )
        stored = self.local.put(key, source)
        self.evict()
        return stored

    @contextlib.contextmanager
    def pinned(self, keys: list[str]) -> Iterator[None]:
        """Hold these entries for PIN_TTL_S (a render's longest run) while the block runs;
        the pins lapse by themselves, so a render never removes another render's pin."""
        until = _now() + timedelta(seconds=PIN_TTL_S)
        with self.engine.begin() as connection:
            connection.execute(
                update(StageCacheEntry)
                .where(StageCacheEntry.key.in_(keys))
                .values(
                    pinned_until=func.greatest(
                        func.coalesce(StageCacheEntry.pinned_until, until), until
                    )
                )
            )
        with self.local.pinned(keys):
            yield

    def evict(self) -> list[str]:
        """Remove least recently used, unpinned entries until the total fits the cap; their keys."""
        removed: list[str] = []
        with self.engine.begin() as connection:
            total = connection.execute(
                select(func.coalesce(func.sum(StageCacheEntry.size), 0))
            ).scalar_one()
            if total <= self.max_bytes:
                return removed
            candidates = connection.execute(
                select(StageCacheEntry.key, StageCacheEntry.size)
                .where(
                    or_(
                        StageCacheEntry.pinned_until.is_(None),
                        StageCacheEntry.pinned_until < _now(),
                    )
                )
                .order_by(StageCacheEntry.last_used)
                .with_for_update(skip_locked=True)
            ).all()
            for candidate in candidates:
                if total <= self.max_bytes:
                    break
                connection.execute(
                    delete(StageCacheEntry).where(StageCacheEntry.key == candidate.key)
                )
                total -= candidate.size
                removed.append(candidate.key)
        for key in removed:
            self.storage.delete_prefix(self.object_key(key))
            self.local.remove(key)
        return removed

    def _forget(self, key: str) -> None:
        """Drop a missing or damaged entry so it is made again."""
        with self.engine.begin() as connection:
            connection.execute(delete(StageCacheEntry).where(StageCacheEntry.key == key))
        self.local.remove(key)
        with contextlib.suppress(StorageError):
            self.storage.delete_prefix(self.object_key(key))
