"""SQL for users."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User
from db.repositories.pages import Page, fetch_page


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user with this id, or None."""
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """The user with this (already normalised) email, or None."""
    return await session.scalar(select(User).where(User.email == email))


async def add(session: AsyncSession, user: User) -> User:
    """Insert a user and flush so its defaults are loaded."""
    session.add(user)
    await session.flush()
    await session.refresh(user)
    return user


async def list_page(session: AsyncSession, offset: int, limit: int) -> Page[User]:
    """Users, newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id)
    return await fetch_page(session, query, offset, limit)


async def revoke_tokens(session: AsyncSession, user_id: uuid.UUID) -> int:
    """Bump the user's token version (every token issued before stops working); the new one."""
    version = await session.scalar(
        update(User)
        .where(User.id == user_id)
        .values(token_version=User.token_version + 1)
        .returning(User.token_version)
    )
    return int(version or 0)


async def set_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    """Store a new password hash."""
    await session.execute(
        update(User).where(User.id == user_id).values(password_hash=password_hash)
    )


async def set_disabled(
    session: AsyncSession, user_id: uuid.UUID, disabled_at: datetime | None
) -> None:
    """Disable the account (a time) or enable it again (None)."""
    await session.execute(update(User).where(User.id == user_id).values(disabled_at=disabled_at))
