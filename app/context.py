"""What a running app holds: settings, database, rate limiter, storage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.ratelimit import RateLimiter
from app.storage import Storage


@dataclass
class AppContext:
    """Shared, long-lived resources of one process (built at start-up, closed at shutdown)."""

    settings: Settings
    database_url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]
    """Autocommit sessions for reads: no BEGIN/COMMIT round trips (GET requests)."""
    limiter: RateLimiter
    storage: Storage
