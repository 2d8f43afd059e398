"""Administrator rules: granting or removing a user's credits, always with a reason."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.schemas import AdjustCreditsResponse
from app.errors import Conflict, NotFound
from db.enums import LedgerReason
from db.models import User
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import users as user_repo


async def adjust_credits(
    session: AsyncSession, admin: User, user_id: uuid.UUID, delta: int, reason: str
) -> AdjustCreditsResponse:
    """Add or remove credits (never below zero): a ledger row and a logs row naming the admin."""
    target = await user_repo.get(session, user_id)
    if target is None:
        raise NotFound("No user with this id.")
    if delta > 0:
        balance = await credit_repo.credit(session, user_id, delta)
    else:
        taken = await credit_repo.debit(session, user_id, -delta)
        if taken is None:
            raise Conflict(
                f"{target.email} has only {target.credits} credits; you can remove at most "
                f"{target.credits}.",
                code="insufficient_credits",
                balance=target.credits,
            )
        balance = taken
    entry_id = await credit_repo.record(
        session,
        user_id,
        delta,
        balance,
        LedgerReason.ADJUSTMENT,
        note=f"{reason} (by {admin.email})"[:255],
    )
    assert entry_id is not None  # only job rows can conflict
    verb = "granted" if delta > 0 else "removed"
    await log_repo.add(
        session,
        "credits.adjust",
        f"{admin.email} {verb} {abs(delta)} credits (balance {balance}): {reason}",
        user_id=user_id,
    )
    return AdjustCreditsResponse(
        user_id=user_id,
        delta=delta,
        credits_balance=balance,
        reason=reason,
        ledger_entry_id=entry_id,
    )
