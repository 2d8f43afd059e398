"""The credit invariant: for every user, ledger sum == users.credits == credits.credits_balance."""

from __future__ import annotations

from sqlalchemy import func, select

from app.context import AppContext
from db.models import CreditAccount, CreditLedgerEntry, User


async def assert_every_balance_agrees(context: AppContext) -> None:
    """Check the invariant for every user, and that no balance is negative."""
    ledger = (
        select(CreditLedgerEntry.user_id, func.sum(CreditLedgerEntry.delta).label("total"))
        .group_by(CreditLedgerEntry.user_id)
        .subquery()
    )
    async with context.sessions() as session:
        rows = (
            await session.execute(
                select(User.id, User.credits, CreditAccount.credits_balance, ledger.c.total)
                .outerjoin(CreditAccount, CreditAccount.user_id == User.id)
                .outerjoin(ledger, ledger.c.user_id == User.id)
            )
        ).all()
    for user_id, credits, balance, total in rows:
        assert credits == balance == (total or 0), (user_id, credits, balance, total)
        assert credits >= 0
