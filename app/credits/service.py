"""Credit rules: what a film costs, debits that never overdraw, refunds that happen once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.credits.schemas import BalanceResponse, TopupResponse
from app.errors import PaymentRequired, Unprocessable
from app.jobs.limits import check_active_jobs
from db.enums import LedgerReason, PlanType
from db.models import Job, Plan, User
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import plans as plan_repo

SUBSCRIPTION_DAYS = 30
"""Length of a paid plan's subscription window."""


def film_cost(plan: Plan, minutes: int) -> int:
    """Credits for a film of this many minutes on this plan."""
    return plan.credits_per_minute * minutes


def check_plan_allows(plan: Plan, minutes: int) -> None:
    """422 naming the limit when the plan caps films shorter than requested."""
    if minutes > plan.max_video_length:
        raise Unprocessable(
            f"The {plan.plan_type} plan allows films of at most {plan.max_video_length} "
            f"minute{'s' if plan.max_video_length != 1 else ''}; you asked for {minutes}. "
            "Shorten the film or upgrade your plan.",
            code="plan_limit",
            max_video_length=plan.max_video_length,
            requested=minutes,
        )


async def debit_for_job(session: AsyncSession, user: User, amount: int, job: Job, note: str) -> int:
    """Take `amount` credits for a job in the caller's transaction; 402 if they don't cover it."""
    balance = await credit_repo.debit(session, user.id, amount)
    if balance is None:
        current = await credit_repo.get_account(session, user.id)
        have = current.credits_balance if current else 0
        raise PaymentRequired(
            f"This costs {amount} credits but your balance is {have}; top up to continue.",
            balance=have,
            cost=amount,
        )
    await credit_repo.record(
        session,
        user.id,
        -amount,
        balance,
        LedgerReason.DEBIT,
        note=note,
        project_id=job.project_id,
        job_id=job.id,
    )
    await check_active_jobs(session, user)
    return balance


async def refund_job(session: AsyncSession, job: Job, reason: str) -> bool:
    """Give a job's credits back exactly once; False when it was already refunded or free.

    The ledger row is claimed first (a unique index on job and reason), so two concurrent
    refunds of one job cannot both add credits.
    """
    if job.credits <= 0:
        return False
    entry_id = await credit_repo.record(
        session,
        job.user_id,
        job.credits,
        0,
        LedgerReason.REFUND,
        note=reason[:255],
        project_id=job.project_id,
        job_id=job.id,
    )
    if entry_id is None:
        return False
    balance = await credit_repo.credit(session, job.user_id, job.credits)
    await credit_repo.set_balance_after(session, entry_id, balance)
    await log_repo.add(
        session,
        "credits.refund",
        f"Refunded {job.credits} credits for job {job.id}: {reason}",
        user_id=job.user_id,
        project_id=job.project_id,
    )
    return True


async def balance(session: AsyncSession, user: User) -> BalanceResponse:
    """The user's balance and plan terms."""
    plan = await plan_repo.get(session, user.plan_type)
    account = await credit_repo.get_account(session, user.id)
    return BalanceResponse(
        balance=user.credits,
        plan_type=user.plan_type,
        credits_per_minute=plan.credits_per_minute,
        max_video_length=plan.max_video_length,
        subscription_start=account.subscription_start if account else None,
        subscription_end=account.subscription_end if account else None,
    )


async def topup(session: AsyncSession, user: User, plan_type: PlanType) -> TopupResponse:
    """Switch to a paid plan and add its monthly credits; starts a 30-day window."""
    if plan_type is PlanType.FREE:
        raise Unprocessable(
            "The Free plan cannot be topped up; choose Standard, Pro or Enterprise.",
            code="free_topup",
        )
    plan = await plan_repo.get(session, plan_type)
    start = datetime.now(UTC)
    end = start + timedelta(days=SUBSCRIPTION_DAYS)
    new_balance = await credit_repo.credit(session, user.id, plan.credits_per_month)
    await credit_repo.set_plan(session, user.id, plan_type, start, end)
    await credit_repo.record(
        session,
        user.id,
        plan.credits_per_month,
        new_balance,
        LedgerReason.TOPUP,
        note=f"{plan_type} plan, ${plan.price}",
    )
    await log_repo.add(
        session,
        "credits.topup",
        f"Topped up {plan.credits_per_month} credits on the {plan_type} plan until {end:%Y-%m-%d}",
        user_id=user.id,
    )
    return TopupResponse(
        credits_balance=new_balance,
        plan_type=plan_type,
        message="Credits topped up successfully",
        credits_added=plan.credits_per_month,
        subscription_end=end,
    )


async def user_plan(session: AsyncSession, user: User) -> Plan:
    """The plan the user is on."""
    return await plan_repo.get(session, user.plan_type)
