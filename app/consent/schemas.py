"""Bodies of the admin consent routes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.consent.statement import STATEMENT, STATEMENT_VERSION
from db.models import LikenessConsent, Upload


class ConsentResponse(BaseModel):
    """One likeness consent: who agreed to which statement for which image, and its state."""

    id: uuid.UUID
    upload_id: uuid.UUID
    image_ref: str
    filename: str
    user_id: uuid.UUID
    statement_version: str
    statement: str | None = Field(description="The text of the version agreed to, if current.")
    image_sha256: str
    client_address: str | None
    created_at: datetime
    revoked: bool
    revoked_at: datetime | None
    revoked_by: uuid.UUID | None
    revoke_reason: str | None

    @classmethod
    def of(cls, consent: LikenessConsent, upload: Upload) -> ConsentResponse:
        """The body for a consent row and its upload."""
        return cls(
            id=consent.id,
            upload_id=upload.id,
            image_ref=upload.ref,
            filename=upload.filename,
            user_id=consent.user_id,
            statement_version=consent.statement_version,
            statement=STATEMENT if consent.statement_version == STATEMENT_VERSION else None,
            image_sha256=consent.image_sha256,
            client_address=consent.client_address,
            created_at=consent.created_at,
            revoked=consent.revoked_at is not None,
            revoked_at=consent.revoked_at,
            revoked_by=consent.revoked_by,
            revoke_reason=consent.revoke_reason,
        )


class ConsentListResponse(BaseModel):
    """GET /api/admin/consents."""

    consents: list[ConsentResponse]
    total: int
    page: int
    per_page: int


class RevokeRequest(BaseModel):
    """POST /api/admin/consents/{id}/revoke."""

    reason: str | None = Field(default=None, max_length=1000)


class RevokeResponse(BaseModel):
    """The revoked consent and the projects now marked."""

    consent: ConsentResponse
    marked_projects: list[uuid.UUID]
