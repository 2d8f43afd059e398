"""YouTube publishing: connected accounts, and what each upload did.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_STATE = postgresql.ENUM("connected", "disconnected", name="youtube_account_state")

INTEGRATION_COLUMNS = (
    "job_id",
    "failure_reason",
    "caption_id",
    "thumbnail_set",
    "warnings",
    "privacy",
    "made_for_kids",
    "contains_synthetic_media",
    "tags",
)


def upgrade() -> None:
    ACCOUNT_STATE.create(op.get_bind())
    op.create_table(
        "youtube_accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=False),
        sa.Column("channel_title", sa.String(length=255), nullable=False),
        sa.Column("channel_thumbnail_url", sa.String(length=1000), nullable=True),
        sa.Column("encrypted_refresh_token", sa.Text(), nullable=True),
        sa.Column("granted_scopes", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            postgresql.ENUM(name="youtube_account_state", create_type=False),
            nullable=False,
        ),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disconnect_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_youtube_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youtube_accounts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_youtube_accounts_user_id")),
    )

    op.add_column("youtube_integrations", sa.Column("job_id", sa.Uuid(), nullable=True))
    op.add_column(
        "youtube_integrations", sa.Column("failure_reason", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "youtube_integrations", sa.Column("caption_id", sa.String(length=255), nullable=True)
    )
    op.add_column(
        "youtube_integrations",
        sa.Column("thumbnail_set", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "youtube_integrations",
        sa.Column("warnings", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    )
    op.add_column(
        "youtube_integrations",
        sa.Column(
            "privacy", sa.String(length=16), server_default=sa.text("'private'"), nullable=False
        ),
    )
    op.add_column(
        "youtube_integrations",
        sa.Column("made_for_kids", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "youtube_integrations",
        sa.Column(
            "contains_synthetic_media", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
    )
    op.add_column(
        "youtube_integrations",
        sa.Column("tags", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    )
    # Existing rows got their defaults; new rows get theirs from the application.
    for column in ("warnings", "tags"):
        op.alter_column("youtube_integrations", column, server_default=None)
    op.create_foreign_key(
        op.f("fk_youtube_integrations_job_id_jobs"),
        "youtube_integrations",
        "jobs",
        ["job_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(
        "ix_youtube_integrations_user_id_created_at",
        "youtube_integrations",
        ["user_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_youtube_integrations_project_id", "youtube_integrations", ["project_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_youtube_integrations_project_id", table_name="youtube_integrations")
    op.drop_index("ix_youtube_integrations_user_id_created_at", table_name="youtube_integrations")
    op.drop_constraint(
        op.f("fk_youtube_integrations_job_id_jobs"), "youtube_integrations", type_="foreignkey"
    )
    for column in reversed(INTEGRATION_COLUMNS):
        op.drop_column("youtube_integrations", column)
    op.drop_table("youtube_accounts")
    ACCOUNT_STATE.drop(op.get_bind())
