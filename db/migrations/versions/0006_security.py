"""Security hardening: per-job numbers in real columns, revocable sessions, disabled accounts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Read the number from the json text with a pattern: a stored "\u0000" elsewhere in the row
# would make PostgreSQL's json operators fail, and the text itself never does.
BACKFILL_OUTPUT_MINUTES = r"""
UPDATE jobs SET output_minutes = CAST(
    substring(params::text FROM '"output_minutes"\s*:\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)')
    AS double precision)
WHERE params::text ~ '"output_minutes"\s*:\s*-?[0-9]'
"""


def upgrade() -> None:
    op.add_column("jobs", sa.Column("output_minutes", sa.Float(), nullable=True))
    op.execute(BACKFILL_OUTPUT_MINUTES)
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "disabled_at")
    op.drop_column("users", "token_version")
    op.drop_column("jobs", "output_minutes")
