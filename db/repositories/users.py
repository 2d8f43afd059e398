"""SQL for users."""

from __future__ import annotations

import uuid

from sqlalchemy import select
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
