"""How much each plan may keep in uploads, and what an account uses."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Conflict
from app.uploads.schemas import StorageUsage
from db.enums import PlanType
from db.models import User
from db.repositories import uploads as upload_repo

MIB = 1024 * 1024

QUOTA_BYTES: dict[PlanType, int] = {
    PlanType.FREE: 100 * MIB,
    PlanType.STANDARD: 2048 * MIB,
    PlanType.PRO: 5120 * MIB,
    PlanType.ENTERPRISE: 20480 * MIB,
}
QUOTA_FILES: dict[PlanType, int] = {
    PlanType.FREE: 50,
    PlanType.STANDARD: 500,
    PlanType.PRO: 1000,
    PlanType.ENTERPRISE: 5000,
}
"""Uploaded images and tracks an account may keep (films and job outputs are not counted)."""


async def usage(session: AsyncSession, user: User) -> StorageUsage:
    """The account's uploads against its plan's quota."""
    used_bytes, used_files = await upload_repo.usage(session, user.id)
    return StorageUsage(
        bytes_used=used_bytes,
        bytes_limit=QUOTA_BYTES[user.plan_type],
        files_used=used_files,
        files_limit=QUOTA_FILES[user.plan_type],
    )


async def check_room(session: AsyncSession, user: User, new_bytes: int, new_files: int) -> None:
    """409 when these files would take the account over its quota. Locks the user's row first
    so concurrent uploads of one account are counted one after another."""
    await upload_repo.lock_owner(session, user.id)
    current = await usage(session, user)
    if (
        current.bytes_used + new_bytes > current.bytes_limit
        or current.files_used + new_files > current.files_limit
    ):
        raise Conflict(
            f"These files would take your uploads past the {user.plan_type} plan's "
            f"{current.bytes_limit // MIB} MB / {current.files_limit} files (you use "
            f"{current.bytes_used / MIB:.1f} MB in {current.files_used} files); delete some "
            "with DELETE /api/uploads/{id} or upgrade your plan.",
            code="storage_quota_exceeded",
            bytes_used=current.bytes_used,
            bytes_limit=current.bytes_limit,
            files_used=current.files_used,
            files_limit=current.files_limit,
        )
