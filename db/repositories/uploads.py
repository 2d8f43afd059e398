"""SQL for uploaded files."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import UploadKind
from db.models import Upload, User


async def add(session: AsyncSession, upload: Upload) -> Upload:
    """Insert an upload record."""
    session.add(upload)
    await session.flush()
    return upload


async def get_owned(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID], kind: UploadKind
) -> Sequence[Upload]:
    """The user's uploads of this kind among the ids (others' and unknown ids are left out)."""
    query = select(Upload).where(
        Upload.user_id == user_id, Upload.id.in_(list(ids)), Upload.kind == kind
    )
    return (await session.scalars(query)).all()


async def usage(session: AsyncSession, user_id: uuid.UUID) -> tuple[int, int]:
    """(bytes, files) the user's uploads take."""
    row = (
        await session.execute(
            select(func.coalesce(func.sum(Upload.size_bytes), 0), func.count()).where(
                Upload.user_id == user_id
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def lock_owner(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Lock the user's row until the transaction ends (serialises their uploads)."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def get_any_owned(
    session: AsyncSession, user_id: uuid.UUID, upload_id: uuid.UUID
) -> Upload | None:
    """The user's upload with this id, of any kind; None for anyone else's."""
    return await session.scalar(
        select(Upload).where(Upload.id == upload_id, Upload.user_id == user_id)
    )


async def delete(session: AsyncSession, upload: Upload) -> None:
    """Remove an upload's record."""
    await session.delete(upload)
    await session.flush()
