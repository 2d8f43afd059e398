"""The stage cache's index for object storage: key, size, hash, last use and pins.

Revision ID: 0009_stage_cache
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_stage_cache"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stage_cache",
        sa.Column("key", sa.String(length=200), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pinned_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_stage_cache_last_used", "stage_cache", ["last_used"])


def downgrade() -> None:
    op.drop_index("ix_stage_cache_last_used", table_name="stage_cache")
    op.drop_table("stage_cache")
