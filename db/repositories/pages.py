"""Paging helper shared by the list queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and the total number of rows."""

    items: Sequence[T]
    total: int


async def fetch_page(session: AsyncSession, query: Select[T], offset: int, limit: int) -> Page[T]:
    """Run a query for one page and count all its rows."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.scalars(query.offset(offset).limit(limit))).all()
    return Page(items=rows, total=int(total or 0))
