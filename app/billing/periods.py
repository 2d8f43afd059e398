"""The renewal rules: a period grants its plan's monthly credits; at its end the unspent part
of that grant expires; an upgrade grants the difference at once; a downgrade waits.

Every change is a ledger row with its source (a Stripe object id or the Free period renewed)
and a logs row. The callers hold the user's credits row locked (credit_repo.lock_account), so
rules for one user never interleave, and each source is applied at most once.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import LedgerReason, PlanType
from db.models import CreditAccount, Plan
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import plans as plan_repo

FREE_PERIOD = timedelta(days=30)
"""The Free plan renews its credits every 30 days."""

PAID_PLAN_GRACE = timedelta(days=7)
"""A paid period that ended this long ago without a paid renewal falls back to Free
(Stripe's retries of a failed renewal payment usually land well within it)."""

PLAN_ORDER = (PlanType.FREE, PlanType.STANDARD, PlanType.PRO, PlanType.ENTERPRISE)


def rank(plan: PlanType) -> int:
    """Free < Standard < Pro < Enterprise."""
    return PLAN_ORDER.index(plan)


def is_lapsed(account: CreditAccount, now: datetime) -> bool:
    """A paid plan whose period ended more than the grace ago: it gives Free limits."""
    end = account.subscription_end
    return (
        account.plan_type is not PlanType.FREE and end is not None and end + PAID_PLAN_GRACE < now
    )


async def start_period(
    session: AsyncSession,
    account: CreditAccount,
    plan: Plan,
    start: datetime,
    end: datetime,
    source_id: str,
    note: str,
    **account_values: Any,
) -> bool:
    """End the current period and start one on `plan`; False if `source_id` already did.

    The unspent part of the ended period's grant expires (an `expiry` row), then the plan's
    monthly credits are granted (a `grant` row). Credits above the ended period's grant
    (administrators' grants) carry over.
    """
    user_id = account.user_id
    if await credit_repo.source_delta(session, user_id, LedgerReason.GRANT, source_id) is not None:
        return False
    expired = await _expire(session, account, source_id)
    balance = await credit_repo.credit(session, user_id, plan.credits_per_month)
    recorded = await credit_repo.record_sourced(
        session, user_id, plan.credits_per_month, balance, LedgerReason.GRANT, source_id, note
    )
    if recorded is None:
        raise RuntimeError(f"Period {source_id} was granted twice at once; rolled back.")
    await credit_repo.update_account(
        session,
        user_id,
        plan_type=plan.plan_type,
        subscription_start=start,
        subscription_end=end,
        period_credits=plan.credits_per_month,
        pending_plan=None,
        **account_values,
    )
    await log_repo.add(
        session,
        "credits.renewal",
        f"{plan.plan_type} period {start:%Y-%m-%d} to {end:%Y-%m-%d}: granted "
        f"{plan.credits_per_month} credits, {expired} unspent credits expired ({source_id})",
        user_id=user_id,
    )
    return True


async def _expire(session: AsyncSession, account: CreditAccount, source_id: str) -> int:
    if account.period_credits <= 0:
        return 0
    taken, balance = await credit_repo.take_up_to(session, account.user_id, account.period_credits)
    if taken == 0:
        return 0
    await credit_repo.record_sourced(
        session,
        account.user_id,
        -taken,
        balance,
        LedgerReason.EXPIRY,
        source_id,
        f"Unspent credits of the {account.plan_type} period that ended",
    )
    return taken


async def upgrade(
    session: AsyncSession, account: CreditAccount, new_plan: Plan, source_id: str
) -> int:
    """Switch to a bigger plan mid-period: grant the difference of monthly credits now."""
    old_plan = await plan_repo.get(session, account.plan_type)
    difference = max(0, new_plan.credits_per_month - old_plan.credits_per_month)
    done = await credit_repo.source_delta(session, account.user_id, LedgerReason.UPGRADE, source_id)
    if done is not None:
        return 0
    balance = await credit_repo.credit(session, account.user_id, difference)
    await credit_repo.record_sourced(
        session,
        account.user_id,
        difference,
        balance,
        LedgerReason.UPGRADE,
        source_id,
        f"Upgrade from {old_plan.plan_type} to {new_plan.plan_type}",
    )
    await credit_repo.update_account(
        session,
        account.user_id,
        plan_type=new_plan.plan_type,
        period_credits=account.period_credits + difference,
        pending_plan=None,
    )
    await log_repo.add(
        session,
        "credits.upgrade",
        f"Upgraded from {old_plan.plan_type} to {new_plan.plan_type}: {difference} credits "
        f"granted for the rest of the period ({source_id})",
        user_id=account.user_id,
    )
    return difference


async def claw_back(
    session: AsyncSession, account: CreditAccount, invoice_id: str, why: str, source_id: str
) -> int | None:
    """Take back the unspent credits an invoice granted, never below zero; None when this
    invoice was already clawed back. Credits of a period that already ended have expired, so
    nothing is taken for them."""
    user_id = account.user_id
    done = await credit_repo.source_delta(session, user_id, LedgerReason.CLAWBACK, invoice_id)
    if done is not None:
        return None
    granted = await credit_repo.source_delta(session, user_id, LedgerReason.GRANT, invoice_id)
    current = account.current_invoice_id == invoice_id
    wanted = min(granted or 0, account.period_credits) if current else 0
    taken, balance = await credit_repo.take_up_to(session, user_id, wanted)
    recorded = await credit_repo.record_sourced(
        session,
        user_id,
        -taken,
        balance,
        LedgerReason.CLAWBACK,
        invoice_id,
        f"{why} ({source_id})",
    )
    if recorded is None:
        return None
    await credit_repo.update_account(
        session, user_id, period_credits=max(0, account.period_credits - taken)
    )
    await log_repo.add(
        session,
        "credits.clawback",
        f"{why}: took back {taken} unspent credits of invoice {invoice_id} ({source_id})",
        user_id=user_id,
    )
    return taken


async def renew_free_or_lapse(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> bool:
    """Start a new Free period for a user whose Free period ended, or whose paid plan lapsed;
    False when there is nothing to do (already renewed, e.g. by another worker)."""
    account = await credit_repo.lock_account(session, user_id)
    if account is None or account.subscription_end is None:
        return False
    ended = account.subscription_end
    if account.plan_type is PlanType.FREE:
        if ended > now:
            return False
        note = "Free plan: monthly credits"
    elif is_lapsed(account, now):
        note = f"{account.plan_type} plan ended {ended:%Y-%m-%d} unpaid: Free plan credits"
    else:
        return False
    free = await plan_repo.get(session, PlanType.FREE)
    return await start_period(
        session,
        account,
        free,
        now,
        now + FREE_PERIOD,
        f"free:{user_id}:{ended.isoformat()}",
        note,
    )
