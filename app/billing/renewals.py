"""The periodic renewal: Free periods renew their credits, lapsed paid plans fall to Free.

It runs as a procrastinate periodic task on the workers' billing queue. procrastinate defers
each tick once however many workers run; the rows are claimed with SKIP LOCKED and every
renewal is keyed by the user and the period that ended, so running it twice at once, or
twice in a row, renews each period once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.billing import periods
from app.transaction import transaction
from db.enums import PlanType
from db.repositories import credits as credit_repo

log = logging.getLogger(__name__)

BILLING_QUEUE = "billing"
RENEWAL_TASK = "renew_plans"
RENEWAL_CRON = "*/10 * * * *"
"""Every 10 minutes: a Free period renews at most 10 minutes after it ends."""
BATCH = 100
"""Accounts renewed per transaction."""


async def renew_due_plans(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Renew every period due at `now`, a batch per transaction; how many were renewed."""
    renewed = 0
    while True:
        async with transaction(sessions) as session:
            due = await credit_repo.due_for_renewal(
                session, now, PlanType.FREE, now - periods.PAID_PLAN_GRACE, BATCH
            )
            done = [await periods.renew_free_or_lapse(session, user, now) for user in due]
        renewed += sum(done)
        if len(due) < BATCH or not any(done):
            break
    if renewed:
        log.info("Renewed %d plan periods.", renewed)
    return renewed
