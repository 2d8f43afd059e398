"""Rate limits for sensitive endpoints (memory by default, Redis when REDIS_URL is set)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.errors import RateLimited


class RateLimiter:
    """Named limits such as "10/minute", checked per key (client address, email...)."""

    def __init__(self, redis_url: str | None = None) -> None:
        storage: Storage = MemoryStorage()
        if redis_url:
            shared = storage_from_string(redis_url.replace("redis://", "async+redis://", 1))
            assert isinstance(shared, Storage)
            storage = shared
        self._limiter = MovingWindowRateLimiter(storage)
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, rate: str) -> RateLimitItem:
        if rate not in self._items:
            self._items[rate] = parse(rate)
        return self._items[rate]

    async def check(self, scope: str, key: str, rate: str) -> None:
        """Count one request; raise RateLimited with a Retry-After when over the limit."""
        item = self._item(rate)
        if await self._limiter.hit(item, scope, key):
            return
        stats = await self._limiter.get_window_stats(item, scope, key)
        retry_after_s = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Too many attempts; try again in {retry_after_s} seconds.", retry_after_s
        )

    async def ensure_room(self, scope: str, key: str, rate: str) -> None:
        """Raise RateLimited when the key is already at its limit, without counting a hit."""
        item = self._item(rate)
        if await self._limiter.test(item, scope, key):
            return
        await self._refuse(item, scope, key)

    async def count(self, scope: str, key: str, rate: str) -> None:
        """Count one event (a failure) against the key's limit, without refusing anything."""
        await self._limiter.hit(self._item(rate), scope, key)

    async def _refuse(self, item: RateLimitItem, scope: str, key: str) -> None:
        stats = await self._limiter.get_window_stats(item, scope, key)
        retry_after_s = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Too many attempts; try again in {retry_after_s} seconds.", retry_after_s
        )

    async def reset(self) -> None:
        """Forget every count (used by tests)."""
        await self._limiter.storage.reset()
