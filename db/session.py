"""Engine and session factories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db.urls import normalize_url

POOL_RECYCLE_S = 1800
"""Recycle pooled connections after this many seconds."""


def create_engine(url: str, pool_size: int = 10, pre_ping: bool = False) -> AsyncEngine:
    """An async engine on psycopg 3 with a bounded pool.

    pre_ping tests each connection on checkout: a round trip per request, which the busy web
    process skips (a connection broken by a database restart fails one request, and the pool
    then replaces them all); workers, idle for long stretches, turn it on.
    """
    return create_async_engine(
        normalize_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        pool_recycle=POOL_RECYCLE_S,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
