"""SQL for balances, the credits table and the append-only ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.enums import LedgerReason, PlanType
from db.models import CreditAccount, CreditLedgerEntry, User
from db.repositories.pages import Page, fetch_page


async def open_account(
    session: AsyncSession,
    user_id: uuid.UUID,
    plan: PlanType,
    balance: int,
    start: datetime,
    end: datetime,
) -> CreditAccount:
    """Create the user's row in the credits table; its first period grants `balance`."""
    account = CreditAccount(
        user_id=user_id,
        plan_type=plan,
        credits_balance=balance,
        subscription_start=start,
        subscription_end=end,
        period_credits=balance,
    )
    session.add(account)
    await session.flush()
    return account


async def get_account(session: AsyncSession, user_id: uuid.UUID) -> CreditAccount | None:
    """The user's row in the credits table."""
    return await session.scalar(select(CreditAccount).where(CreditAccount.user_id == user_id))


async def lock_account(session: AsyncSession, user_id: uuid.UUID) -> CreditAccount | None:
    """The user's credits row, locked until the transaction ends (fresh from the database).

    The users row is locked first: every writer takes users, then credits (a debit updates
    users.credits, then mirrors it), so two transactions never wait on each other in a cycle.
    """
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())
    return await session.scalar(
        select(CreditAccount)
        .where(CreditAccount.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def find_by_customer(session: AsyncSession, customer_id: str) -> CreditAccount | None:
    """The credits row linked to this Stripe customer."""
    return await session.scalar(
        select(CreditAccount).where(CreditAccount.stripe_customer_id == customer_id)
    )


async def update_account(session: AsyncSession, user_id: uuid.UUID, **values: Any) -> None:
    """Set columns of the user's credits row (plan_type is mirrored to users, updated first
    to keep the users-then-credits lock order)."""
    if "plan_type" in values:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(plan_type=values["plan_type"])
            .execution_options(synchronize_session=False)
        )
    await session.execute(
        update(CreditAccount)
        .where(CreditAccount.user_id == user_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def due_for_renewal(
    session: AsyncSession, now: datetime, free: PlanType, lapsed_before: datetime, limit: int
) -> list[uuid.UUID]:
    """Users whose period is over, their users rows locked (rows another worker holds are
    skipped): Free periods that ended by `now`, paid ones that ended before `lapsed_before`."""
    rows = await session.scalars(
        select(CreditAccount.user_id)
        .join(User, User.id == CreditAccount.user_id)
        .where(
            or_(
                (CreditAccount.plan_type == free) & (CreditAccount.subscription_end <= now),
                (CreditAccount.plan_type != free)
                & (CreditAccount.subscription_end <= lapsed_before),
            )
        )
        .order_by(CreditAccount.subscription_end)
        .limit(limit)
        .with_for_update(skip_locked=True, of=User)
    )
    return list(rows)


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


async def take_up_to(session: AsyncSession, user_id: uuid.UUID, amount: int) -> tuple[int, int]:
    """Take at most `amount` credits, never below zero; (taken, new balance).

    The user's row is locked first, so a concurrent debit waits and then re-checks its own
    condition against what is left.
    """
    have = await session.scalar(
        select(User.credits)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if have is None:
        raise LookupError(f"No user {user_id} to take credits from.")
    taken = max(0, min(amount, int(have)))
    if taken == 0:
        return 0, int(have)
    balance = await debit(session, user_id, taken)
    assert balance is not None  # the row is locked and holds at least `taken`
    return taken, balance


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
    return await _insert_once(
        session,
        {
            "user_id": user_id,
            "delta": delta,
            "balance_after": balance_after,
            "reason": reason,
            "note": note,
            "project_id": project_id,
            "job_id": job_id,
        },
        ["job_id", "reason"],
        CreditLedgerEntry.job_id,
    )


async def record_sourced(
    session: AsyncSession,
    user_id: uuid.UUID,
    delta: int,
    balance_after: int,
    reason: LedgerReason,
    source_id: str,
    note: str = "",
) -> uuid.UUID | None:
    """Append a ledger row caused by `source_id` (a Stripe object, a renewed period); None
    (nothing written) when that source already has a row of this reason."""
    return await _insert_once(
        session,
        {
            "user_id": user_id,
            "delta": delta,
            "balance_after": balance_after,
            "reason": reason,
            "note": note[:255],
            "source_id": source_id[:255],
            "created_at": func.clock_timestamp(),
        },
        ["reason", "source_id"],
        CreditLedgerEntry.source_id,
    )


async def _insert_once(
    session: AsyncSession,
    values: dict[str, Any],
    unique: list[str],
    key_column: InstrumentedAttribute[Any],
) -> uuid.UUID | None:
    """Insert a ledger row unless one with the same unique key (where key_column is set)
    exists; the new row's id, or None when nothing was written."""
    inserted: uuid.UUID | None = await session.scalar(
        insert(CreditLedgerEntry)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=unique, index_where=key_column.is_not(None))
        .returning(CreditLedgerEntry.id)
    )
    return inserted


async def source_delta(
    session: AsyncSession, user_id: uuid.UUID, reason: LedgerReason, source_id: str
) -> int | None:
    """The delta of the user's ledger row of this reason and source, if there is one."""
    delta = await session.scalar(
        select(CreditLedgerEntry.delta).where(
            CreditLedgerEntry.user_id == user_id,
            CreditLedgerEntry.reason == reason,
            CreditLedgerEntry.source_id == source_id,
        )
    )
    return None if delta is None else int(delta)


async def user_for_source(
    session: AsyncSession, reason: LedgerReason, source_id: str
) -> uuid.UUID | None:
    """The user whose ledger has a row of this reason and source."""
    return await session.scalar(
        select(CreditLedgerEntry.user_id).where(
            CreditLedgerEntry.reason == reason, CreditLedgerEntry.source_id == source_id
        )
    )


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
