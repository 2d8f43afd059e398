"""Heavy media decodes in the API, bounded: one at a time per user, a few at a time overall."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

DECODES_AT_ONCE = 2
"""Images or audio slices decoding at the same time in one API process (all users)."""

_slots: asyncio.Semaphore | None = None
_user_locks: dict[uuid.UUID, asyncio.Lock] = {}


@asynccontextmanager
async def decoding_slot(user_id: uuid.UUID) -> AsyncIterator[None]:
    """Wait for this user's previous decode and for a free process-wide slot."""
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(DECODES_AT_ONCE)
    lock = _user_locks.setdefault(user_id, asyncio.Lock())
    try:
        async with lock, _slots:
            yield
    finally:
        if not lock.locked() and _user_locks.get(user_id) is lock:
            _user_locks.pop(user_id, None)
