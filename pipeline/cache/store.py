"""A stage-output cache in a local folder: atomic writes, checked reads, LRU eviction, pins.

Layout under the root: `<stage>/<digest>` holds an entry's bytes and `<stage>/<digest>.json`
its record (size and SHA-256), written last, so an entry exists only once both are complete.
Every write goes to a temporary file that is renamed into place, so two workers making the
same entry at once each leave a whole entry and never a mixed one. Every read checks the size
and hash: a truncated or altered entry is removed and reported missing, so it is made again.
Each read refreshes the entry's last-use time; when the folder grows past its byte cap the
least recently used entries go first, except pinned ones: a render pins what it will read
(a pin is a small file that expires after PIN_TTL_S, so a crashed render's pins lapse).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.cache.keys import file_sha256

RECORD_SUFFIX = ".json"
PINS_SUFFIX = ".pins"
LOCK_NAME = ".lock"
PIN_TTL_S = 6 * 60 * 60.0
"""A pin older than this belongs to a render that died; eviction ignores it."""
DEFAULT_MAX_BYTES = 20 * 1024**3
"""The default size cap of an installation's cache (20 GiB)."""


class CacheStore(Protocol):
    """Where a render keeps and finds stage outputs by key (a local folder, or S3 with a
    database index on the app side)."""

    def get(self, key: str) -> Path | None:
        """A local file holding the entry when it is present and intact, else None."""
        ...

    def holds(self, key: str) -> bool:
        """Whether an entry is recorded under key (a quick look: get checks its bytes)."""
        ...

    def put(self, key: str, source: Path) -> Path:
        """Store a copy of source under key atomically; a local file holding the entry."""
        ...

    def pinned(self, keys: list[str]) -> AbstractContextManager[None]:
        """Keep these entries from eviction while the block runs."""
        ...


@dataclass(frozen=True)
class CacheEntry:
    """One stored entry: its key, size and last use (seconds since the epoch)."""

    key: str
    size: int
    last_used: float


class LocalCacheStore:
    """Stage outputs by key in a folder, capped at max_bytes (see the module docstring)."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError("The cache size cap must be positive.")
        self.root = root
        self.max_bytes = max_bytes
        root.mkdir(parents=True, exist_ok=True)

    # --- paths --------------------------------------------------------------------------

    def _data(self, key: str) -> Path:
        stage, _, digest = key.partition("/")
        if not stage.isidentifier() or len(digest) != 64 or not digest.isalnum():
            raise ValueError(f"{key!r} is not a cache key.")
        return self.root / stage / digest

    def _record(self, key: str) -> Path:
        return self._data(key).with_suffix(RECORD_SUFFIX)

    def _pins(self, key: str) -> Path:
        return self._data(key).with_suffix(PINS_SUFFIX)

    # --- reading and writing ------------------------------------------------------------

    def holds(self, key: str) -> bool:
        """Whether an entry is recorded under key (a quick look: get checks its bytes)."""
        return self._record(key).is_file() and self._data(key).is_file()

    def get(self, key: str) -> Path | None:
        """The entry's file when it is present and intact (its use time refreshed), else None;
        a damaged entry is removed. A mismatch seen while another worker replaces the entry is
        checked again under the lock before anything is removed."""
        data, record = self._data(key), self._record(key)
        intact = self._intact(data, record)
        if intact is None:
            return None
        if not intact:
            with self._locked():
                intact = self._intact(data, record)
                if not intact:
                    self.remove(key)
                    return None
        now = time.time()
        with contextlib.suppress(OSError):
            os.utime(record, (now, now))
        return data

    @staticmethod
    def _intact(data: Path, record: Path) -> bool | None:
        """Whether the entry's bytes match its record; None when it has no complete entry."""
        try:
            expected = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            size = data.stat().st_size
        except OSError:
            return False
        return bool(size == expected.get("size") and file_sha256(data) == expected.get("sha256"))

    def put(self, key: str, source: Path) -> Path:
        """Store a copy of source under key (atomically) and return the stored file; then
        evict least recently used entries beyond the cap."""
        data, record = self._data(key), self._record(key)
        data.parent.mkdir(parents=True, exist_ok=True)
        staged = self._staged_copy(source, data.parent)
        try:
            facts = {"size": staged.stat().st_size, "sha256": file_sha256(staged)}
            staged_record = data.parent / f".{uuid.uuid4().hex}{RECORD_SUFFIX}"
            staged_record.write_text(json.dumps(facts), encoding="utf-8")
            with self._locked():
                os.replace(staged, data)
                os.replace(staged_record, record)
        finally:
            staged.unlink(missing_ok=True)
        self.evict()
        return data

    def remove(self, key: str) -> None:
        """Forget an entry (its record first, so a half-removed entry reads as missing)."""
        self._record(key).unlink(missing_ok=True)
        self._data(key).unlink(missing_ok=True)

    @staticmethod
    def _staged_copy(source: Path, folder: Path) -> Path:
        handle, name = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)
        staged = Path(name)
        with os.fdopen(handle, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        return staged

    # --- pins and eviction --------------------------------------------------------------

    @contextlib.contextmanager
    def pinned(self, keys: list[str]) -> Iterator[None]:
        """Keep these entries from eviction while the block runs (a render's inputs)."""
        owner = uuid.uuid4().hex
        pins = []
        for key in keys:
            folder = self._pins(key)
            folder.mkdir(parents=True, exist_ok=True)
            pin = folder / owner
            pin.touch()
            pins.append(pin)
        try:
            yield
        finally:
            for pin in pins:
                pin.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    pin.parent.rmdir()

    def is_pinned(self, key: str, now: float | None = None) -> bool:
        """Whether a live render holds a pin on the entry."""
        folder = self._pins(key)
        moment = time.time() if now is None else now
        try:
            return any(moment - pin.stat().st_mtime < PIN_TTL_S for pin in folder.iterdir())
        except OSError:
            return False

    def entries(self) -> list[CacheEntry]:
        """Every complete entry, least recently used first."""
        found = []
        for record in self.root.glob(f"*/*{RECORD_SUFFIX}"):
            if record.name.startswith("."):
                continue  # a record still being written
            data = record.with_suffix("")
            try:
                found.append(
                    CacheEntry(
                        key=f"{record.parent.name}/{data.name}",
                        size=data.stat().st_size,
                        last_used=record.stat().st_mtime,
                    )
                )
            except OSError:
                continue
        return sorted(found, key=lambda entry: entry.last_used)

    def evict(self) -> list[str]:
        """Remove least recently used, unpinned entries until the cache fits its cap; the keys
        removed."""
        removed: list[str] = []
        with self._locked():
            entries = self.entries()
            total = sum(entry.size for entry in entries)
            for entry in entries:
                if total <= self.max_bytes:
                    break
                if self.is_pinned(entry.key):
                    continue
                self.remove(entry.key)
                total -= entry.size
                removed.append(entry.key)
        return removed

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with (self.root / LOCK_NAME).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
