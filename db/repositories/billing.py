"""SQL for stored Stripe events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import BillingEvent

MAX_OUTCOME_CHARS = 500


async def store_event(
    session: AsyncSession,
    event_id: str,
    event_type: str,
    created: datetime,
    object_id: str | None,
    payload: dict[str, Any],
) -> bool:
    """Store an event by its id; False (nothing written) when it is already stored.

    Concurrent deliveries of one event wait on the first one's insert and then find it.
    """
    inserted = await session.scalar(
        insert(BillingEvent)
        .values(
            id=event_id,
            type=event_type[:255],
            stripe_created=created,
            object_id=object_id[:255] if object_id else None,
            outcome="",
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(BillingEvent.id)
    )
    return inserted is not None


async def set_outcome(
    session: AsyncSession, event_id: str, outcome: str, user_id: uuid.UUID | None
) -> None:
    """Record what applying the event did, and for whom."""
    await session.execute(
        update(BillingEvent)
        .where(BillingEvent.id == event_id)
        .values(outcome=outcome[:MAX_OUTCOME_CHARS], user_id=user_id)
        .execution_options(synchronize_session=False)
    )


async def find_for_object(
    session: AsyncSession, event_type: str, object_id: str
) -> BillingEvent | None:
    """The stored event of this type about this Stripe object (e.g. a Checkout Session)."""
    return await session.scalar(
        select(BillingEvent)
        .where(BillingEvent.type == event_type, BillingEvent.object_id == object_id)
        .limit(1)
    )
