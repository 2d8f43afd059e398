"""SQL for subscription plans."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import PlanType
from db.models import Plan


async def list_all(session: AsyncSession) -> Sequence[Plan]:
    """Every plan, cheapest first."""
    return (await session.scalars(select(Plan).order_by(Plan.price, Plan.max_video_length))).all()


async def get(session: AsyncSession, plan_type: PlanType) -> Plan:
    """One plan (every PlanType has a row, seeded by the first migration)."""
    plan = await session.get(Plan, plan_type)
    if plan is None:
        raise LookupError(f"Plan {plan_type} is missing; run `filmstudio db upgrade`.")
    return plan
