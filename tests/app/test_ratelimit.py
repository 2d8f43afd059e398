"""Rate limits: in memory by default, shared between processes through Redis when configured."""

from __future__ import annotations

import socket
import uuid

import pytest

from app.errors import RateLimited
from app.ratelimit import RateLimiter

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


async def test_memory_limits_count_per_key() -> None:
    limiter = RateLimiter()
    await limiter.check("login", "a", "2/minute")
    await limiter.check("login", "a", "2/minute")
    await limiter.check("login", "b", "2/minute")
    with pytest.raises(RateLimited) as refused:
        await limiter.check("login", "a", "2/minute")
    assert 1 <= refused.value.extra["retry_after"] <= 60


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379 (.ci/run starts one)")
async def test_two_processes_share_limits_through_redis() -> None:
    key = uuid.uuid4().hex  # fresh key: nothing else in Redis is touched
    first, second = RateLimiter(REDIS_URL), RateLimiter(REDIS_URL)
    await first.check("register", key, "3/minute")
    await second.check("register", key, "3/minute")
    await first.check("register", key, "3/minute")
    with pytest.raises(RateLimited):
        await second.check("register", key, "3/minute")
