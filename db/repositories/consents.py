"""SQL for likeness consents, and marking the projects that use a revoked image."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LikenessConsent, Project, Upload
from db.repositories.pages import Page


async def add(session: AsyncSession, consent: LikenessConsent) -> LikenessConsent:
    """Insert a consent record."""
    session.add(consent)
    await session.flush()
    return consent


async def get(
    session: AsyncSession, consent_id: uuid.UUID, lock: bool = False
) -> LikenessConsent | None:
    """One consent (optionally locked for update)."""
    query = select(LikenessConsent).where(LikenessConsent.id == consent_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_page(
    session: AsyncSession,
    offset: int,
    limit: int,
    user_id: uuid.UUID | None = None,
    revoked: bool | None = None,
) -> Page[tuple[LikenessConsent, Upload]]:
    """Consents with their uploads, newest first, optionally one user's or (not) revoked."""
    conditions = []
    if user_id is not None:
        conditions.append(LikenessConsent.user_id == user_id)
    if revoked is not None:
        conditions.append(
            LikenessConsent.revoked_at.is_not(None)
            if revoked
            else LikenessConsent.revoked_at.is_(None)
        )
    total = await session.scalar(
        select(func.count()).select_from(LikenessConsent).where(*conditions)
    )
    rows = await session.execute(
        select(LikenessConsent, Upload)
        .join(Upload, Upload.id == LikenessConsent.upload_id)
        .where(*conditions)
        .order_by(LikenessConsent.created_at.desc(), LikenessConsent.id)
        .offset(offset)
        .limit(limit)
    )
    return Page(items=[(consent, upload) for consent, upload in rows], total=total or 0)


async def for_uploads(
    session: AsyncSession, upload_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LikenessConsent]:
    """The consent of each of these uploads that has one."""
    if not upload_ids:
        return {}
    rows = await session.scalars(
        select(LikenessConsent).where(LikenessConsent.upload_id.in_(list(upload_ids)))
    )
    return {row.upload_id: row for row in rows}


async def mark_projects_using(
    session: AsyncSession, user_id: uuid.UUID, ref: str, when: datetime
) -> list[uuid.UUID]:
    """Mark the user's projects whose images include ref; their ids."""
    rows = await session.scalars(
        select(Project).where(Project.user_id == user_id).with_for_update()
    )
    marked = [project for project in rows if ref in (project.images or [])]
    if marked:
        await session.execute(
            update(Project)
            .where(Project.id.in_([project.id for project in marked]))
            .values(likeness_revoked_at=when)
        )
    return [project.id for project in marked]
