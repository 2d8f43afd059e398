"""Heavy media decodes in the API, bounded: one at a time per user, a few at a time overall.

Images take up to MAX_IMAGE_DECODED_BYTES each, so one decodes at a time in a process; audio
checks decode a few seconds of sound, so two may run beside it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

MediaKind = Literal["image", "audio"]

DECODES_AT_ONCE: dict[MediaKind, int] = {"image": 1, "audio": 2}
"""Decodes of each kind running at the same time in one API process (all users)."""

_slots: dict[MediaKind, asyncio.Semaphore] = {}
_user_locks: dict[uuid.UUID, asyncio.Lock] = {}


@asynccontextmanager
async def decoding_slot(user_id: uuid.UUID, kind: MediaKind) -> AsyncIterator[None]:
    """Wait for this user's previous decode and for a free process-wide slot of the kind."""
    slots = _slots.setdefault(kind, asyncio.Semaphore(DECODES_AT_ONCE[kind]))
    lock = _user_locks.setdefault(user_id, asyncio.Lock())
    try:
        async with lock, slots:
            yield
    finally:
        if not lock.locked() and _user_locks.get(user_id) is lock:
            _user_locks.pop(user_id, None)
