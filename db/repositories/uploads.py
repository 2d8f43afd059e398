"""SQL for uploaded files."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import UploadKind
from db.models import Upload


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
