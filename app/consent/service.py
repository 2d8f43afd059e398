"""Likeness consent rules: recorded with a face image's upload, listed and revoked by admins,
and required of every face image a render uses."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.consent.statement import STATEMENT, STATEMENT_VERSION
from app.errors import Conflict, NotFound, Unprocessable
from db.models import LikenessConsent, Upload, User
from db.repositories import consents as consent_repo
from db.repositories import logs as log_repo

CONSENT_REQUIRED = "consent_required"
LIKENESS_REVOKED = "likeness_revoked"
MAX_ADDRESS_CHARS = 64


def require_consent(filename: str, consent: bool) -> None:
    """422 for a face image uploaded without the uploader's consent."""
    if not consent:
        raise Unprocessable(
            f'{filename} shows a face: send consent=true to confirm "{STATEMENT}"',
            code=CONSENT_REQUIRED,
            filename=filename,
            statement=STATEMENT,
            statement_version=STATEMENT_VERSION,
        )


async def record(
    session: AsyncSession, user: User, upload: Upload, data: bytes, client_address: str | None
) -> LikenessConsent:
    """Record the uploader's consent for a face image: user, time, version, hash, address."""
    consent = await consent_repo.add(
        session,
        LikenessConsent(
            id=uuid.uuid4(),
            upload_id=upload.id,
            user_id=user.id,
            statement_version=STATEMENT_VERSION,
            image_sha256=hashlib.sha256(data).hexdigest(),
            client_address=(client_address or "")[:MAX_ADDRESS_CHARS] or None,
        ),
    )
    await log_repo.add(
        session,
        "consent.given",
        f"Likeness consent ({STATEMENT_VERSION}) for {upload.filename}",
        user_id=user.id,
    )
    return consent


async def revoke(
    session: AsyncSession, admin: User, consent_id: uuid.UUID, reason: str | None
) -> tuple[LikenessConsent, list[uuid.UUID]]:
    """Revoke a consent: the image's films are marked and new renders refuse it."""
    consent = await consent_repo.get(session, consent_id, lock=True)
    if consent is None:
        raise NotFound("No likeness consent with this id.")
    if consent.revoked_at is not None:
        raise Conflict("This likeness consent is already revoked.", code="already_revoked")
    upload = await session.get(Upload, consent.upload_id)
    assert upload is not None  # the consent row is deleted with its upload
    now = datetime.now(UTC)
    consent.revoked_at = now
    consent.revoked_by = admin.id
    consent.revoke_reason = reason
    marked = await consent_repo.mark_projects_using(session, upload.user_id, upload.ref, now)
    await log_repo.add(
        session,
        "consent.revoked",
        f"Likeness consent for {upload.filename} revoked by {admin.email}"
        + (f": {reason}" if reason else "")
        + f"; {len(marked)} project(s) marked",
        user_id=upload.user_id,
    )
    return consent, marked


async def missing_consents(session: AsyncSession, uploads: Sequence[Upload]) -> list[str]:
    """The file names of face images without a standing consent (none, or revoked)."""
    faces = [upload for upload in uploads if upload.face_detected]
    consents = await consent_repo.for_uploads(session, [upload.id for upload in faces])
    return [
        upload.filename
        for upload in faces
        if upload.id not in consents or consents[upload.id].revoked_at is not None
    ]


async def check_renderable(session: AsyncSession, uploads: Sequence[Upload]) -> None:
    """409 when a face image of the film has no standing consent (revoked by an admin)."""
    missing = await missing_consents(session, uploads)
    if missing:
        raise Conflict(
            f"Consent to use the likeness in {missing[0]} was revoked; remove the image from "
            "the project before rendering it again.",
            code=LIKENESS_REVOKED,
            images=missing,
        )
