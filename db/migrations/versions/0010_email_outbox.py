"""Email confirmation: users.pending_since and the email_outbox table.

Revision ID: 0010_email_outbox
Revises: 0009_stage_cache
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_email_outbox"
down_revision: str | None = "0009_stage_cache"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
    )
    op.create_index("ix_email_outbox_created_at", "email_outbox", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_email_outbox_created_at", table_name="email_outbox")
    op.drop_table("email_outbox")
    op.drop_column("users", "pending_since")
