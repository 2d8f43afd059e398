"""Trust: likeness consents, face-detected uploads, AI label and revoked-likeness marks.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "likeness_consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("upload_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("statement_version", sa.String(length=32), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revoked_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_likeness_consents_created_at", "likeness_consents", ["created_at"])
    op.create_index(
        "ix_likeness_consents_upload_id", "likeness_consents", ["upload_id"], unique=True
    )
    op.add_column(
        "uploads",
        sa.Column("face_detected", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column(
        "projects", sa.Column("ai_label", sa.Boolean(), server_default="false", nullable=False)
    )
    op.add_column(
        "projects", sa.Column("likeness_revoked_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("projects", "likeness_revoked_at")
    op.drop_column("projects", "ai_label")
    op.drop_column("uploads", "face_detected")
    op.drop_index("ix_likeness_consents_upload_id", table_name="likeness_consents")
    op.drop_index("ix_likeness_consents_created_at", table_name="likeness_consents")
    op.drop_table("likeness_consents")
