"""SQL for idempotency keys."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import IdempotencyKey

PENDING_STATUS = 0
"""response_status of a key whose request has not answered yet."""


async def claim(session: AsyncSession, user_id: uuid.UUID, key: str, request_hash: str) -> bool:
    """Reserve a key for this request; False when the key was used before.

    A concurrent request with the same key waits here until the first one commits or rolls
    back (PostgreSQL's unique-index wait), so at most one of them does the work.
    """
    claimed = await session.scalar(
        insert(IdempotencyKey)
        .values(
            id=uuid.uuid4(),
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            response_status=PENDING_STATUS,
            response_body={},
        )
        .on_conflict_do_nothing(constraint="uq_idempotency_keys_user_key")
        .returning(IdempotencyKey.id)
    )
    return claimed is not None


async def get(session: AsyncSession, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    """The stored key row."""
    return await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )


async def store_response(
    session: AsyncSession, user_id: uuid.UUID, key: str, status: int, body: dict[str, Any]
) -> None:
    """Remember the answer given to the key's request."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(response_status=status, response_body=body)
        .execution_options(synchronize_session=False)
    )
