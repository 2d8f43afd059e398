"""One unit of work on the database: committed on success, rolled back on any error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed when the block ends and rolled back if it raises.

    The REST request boundary (app.deps.get_session) and the studio UI's handlers both use it,
    so services never commit and every caller gets the same all-or-nothing behaviour.
    """
    async with sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
