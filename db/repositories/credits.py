"""SQL for balances, the credits table and the append-only ledger."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import LedgerReason, PlanType
from db.models import CreditAccount, CreditLedgerEntry, User
from db.repositories.pages import Page, fetch_page


async def open_account(
    session: AsyncSession, user_id: uuid.UUID, plan: PlanType, balance: int, start: datetime
) -> CreditAccount:
    """Create the user's row in the credits table."""
    account = CreditAccount(
        user_id=user_id, plan_type=plan, credits_balance=balance, subscription_start=start
    )
    session.add(account)
    await session.flush()
    return account


async def get_account(session: AsyncSession, user_id: uuid.UUID) -> CreditAccount | None:
    """The user's row in the credits table."""
    return await session.scalar(select(CreditAccount).where(CreditAccount.user_id == user_id))


async def debit(session: AsyncSession, user_id: uuid.UUID, amount: int) -> int | None:
    """Atomically take `amount` credits if the balance covers it; the new balance, or None.

    One conditional UPDATE: concurrent debits serialise on the row lock and none can take the
    balance below zero. The credits table is updated in the same transaction.
    """
    balance = await session.scalar(
        update(User)
        .where(User.id == user_id, User.credits >= amount)
        .values(credits=User.credits - amount)
        .returning(User.credits)
    )
    if balance is None:
        return None
    await _mirror_balance(session, user_id, balance)
    return int(balance)


async def credit(session: AsyncSession, user_id: uuid.UUID, amount: int) -> int:
    """Atomically add `amount` credits; the new balance."""
    balance = await session.scalar(
        update(User)
        .where(User.id == user_id)
        .values(credits=User.credits + amount)
        .returning(User.credits)
    )
    if balance is None:
        raise LookupError(f"No user {user_id} to credit.")
    await _mirror_balance(session, user_id, balance)
    return int(balance)


async def _mirror_balance(session: AsyncSession, user_id: uuid.UUID, balance: int) -> None:
    await session.execute(
        update(CreditAccount)
        .where(CreditAccount.user_id == user_id)
        .values(credits_balance=balance)
        .execution_options(synchronize_session=False)
    )


async def set_plan(
    session: AsyncSession, user_id: uuid.UUID, plan: PlanType, start: datetime, end: datetime
) -> None:
    """Switch the user's plan and subscription window in both tables."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(plan_type=plan)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(CreditAccount)
        .where(CreditAccount.user_id == user_id)
        .values(plan_type=plan, subscription_start=start, subscription_end=end)
        .execution_options(synchronize_session=False)
    )


async def record(
    session: AsyncSession,
    user_id: uuid.UUID,
    delta: int,
    balance_after: int,
    reason: LedgerReason,
    note: str = "",
    project_id: uuid.UUID | None = None,
    job_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Append a ledger row and return its id; None (nothing written) if this job already has
    a row of this reason."""
    inserted = await session.scalar(
        insert(CreditLedgerEntry)
        .values(
            id=uuid.uuid4(),
            user_id=user_id,
            delta=delta,
            balance_after=balance_after,
            reason=reason,
            note=note,
            project_id=project_id,
            job_id=job_id,
        )
        .on_conflict_do_nothing(
            index_elements=["job_id", "reason"], index_where=CreditLedgerEntry.job_id.is_not(None)
        )
        .returning(CreditLedgerEntry.id)
    )
    return inserted


async def set_balance_after(session: AsyncSession, entry_id: uuid.UUID, balance: int) -> None:
    """Fill in the balance of a ledger row claimed before the balance changed."""
    await session.execute(
        update(CreditLedgerEntry)
        .where(CreditLedgerEntry.id == entry_id)
        .values(balance_after=balance)
        .execution_options(synchronize_session=False)
    )


async def ledger_page(
    session: AsyncSession, user_id: uuid.UUID, offset: int, limit: int
) -> Page[CreditLedgerEntry]:
    """The user's ledger rows, newest first."""
    query = (
        select(CreditLedgerEntry)
        .where(CreditLedgerEntry.user_id == user_id)
        .order_by(CreditLedgerEntry.created_at.desc(), CreditLedgerEntry.id)
    )
    return await fetch_page(session, query, offset, limit)
