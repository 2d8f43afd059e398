"""Initial schema: the seed's five tables, plans (seeded), credit ledger, jobs, uploads.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 10:12:29.532658
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ENUMS: dict[str, tuple[str, ...]] = {
    "plan_type": (
        "Free",
        "Standard",
        "Pro",
        "Enterprise",
    ),
    "user_role": (
        "creator",
        "admin",
    ),
    "voice": (
        "male",
        "female",
        "neutral",
    ),
    "project_status": (
        "pending",
        "processing",
        "complete",
        "failed",
    ),
    "upload_kind": (
        "image",
        "audio",
    ),
    "ledger_reason": (
        "signup",
        "topup",
        "debit",
        "refund",
        "adjustment",
    ),
    "job_kind": (
        "render",
        "audio",
        "music",
        "lipsync",
        "youtube_upload",
    ),
    "job_status": (
        "queued",
        "running",
        "complete",
        "failed",
        "cancelled",
    ),
    "upload_status": (
        "pending",
        "processing",
        "complete",
        "failed",
    ),
}

PLANS = [
    {
        "plan_type": "Free",
        "price": 0,
        "credits_per_month": 3,
        "credits_per_minute": 3,
        "max_video_length": 1,
    },
    {
        "plan_type": "Standard",
        "price": 39,
        "credits_per_month": 30,
        "credits_per_minute": 3,
        "max_video_length": 10,
    },
    {
        "plan_type": "Pro",
        "price": 49,
        "credits_per_month": 60,
        "credits_per_minute": 3,
        "max_video_length": 20,
    },
    {
        "plan_type": "Enterprise",
        "price": 99,
        "credits_per_month": 120,
        "credits_per_minute": 3,
        "max_video_length": 40,
    },
]


def upgrade() -> None:
    bind = op.get_bind()
    for name, values in ENUMS.items():
        postgresql.ENUM(*values, name=name).create(bind)
    op.create_table(
        "plans",
        sa.Column(
            "plan_type", postgresql.ENUM(name="plan_type", create_type=False), nullable=False
        ),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("credits_per_month", sa.Integer(), nullable=False),
        sa.Column("credits_per_minute", sa.Integer(), nullable=False),
        sa.Column("max_video_length", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_type", name=op.f("pk_plans")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", postgresql.ENUM(name="user_role", create_type=False), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column(
            "plan_type", postgresql.ENUM(name="plan_type", create_type=False), nullable=False
        ),
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
        sa.CheckConstraint("credits >= 0", name=op.f("ck_users_credits_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "credits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "plan_type", postgresql.ENUM(name="plan_type", create_type=False), nullable=False
        ),
        sa.Column("credits_balance", sa.Integer(), nullable=False),
        sa.Column("subscription_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subscription_end", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("credits_balance >= 0", name=op.f("ck_credits_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_credits_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credits")),
        sa.UniqueConstraint("user_id", name=op.f("uq_credits_user_id")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("voice", postgresql.ENUM(name="voice", create_type=False), nullable=False),
        sa.Column("duration", sa.Integer(), nullable=False),
        sa.Column("music", sa.String(length=255), nullable=False),
        sa.Column(
            "status", postgresql.ENUM(name="project_status", create_type=False), nullable=False
        ),
        sa.Column("video_url", sa.String(length=500), nullable=True),
        sa.Column("subtitles_url", sa.String(length=500), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("aspect", sa.String(length=8), nullable=False),
        sa.Column("resolution", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
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
            ["user_id"], ["users.id"], name=op.f("fk_projects_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(
        "ix_projects_user_id_created_at", "projects", ["user_id", "created_at"], unique=False
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", postgresql.ENUM(name="upload_kind", create_type=False), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_uploads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    op.create_index(
        "ix_uploads_user_id_created_at", "uploads", ["user_id", "created_at"], unique=False
    )
    op.create_table(
        "credit_ledger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column(
            "reason", postgresql.ENUM(name="ledger_reason", create_type=False), nullable=False
        ),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_credit_ledger_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_credit_ledger_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_ledger")),
    )
    op.create_index(
        "ix_credit_ledger_user_id_created_at",
        "credit_ledger",
        ["user_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_credit_ledger_job_reason",
        "credit_ledger",
        ["job_id", "reason"],
        unique=True,
        postgresql_where=sa.text("job_id IS NOT NULL"),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", postgresql.ENUM(name="job_kind", create_type=False), nullable=False),
        sa.Column("status", postgresql.ENUM(name="job_status", create_type=False), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("eta_s", sa.Double(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
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
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_jobs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_jobs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(
        "ix_jobs_project_id_created_at", "jobs", ["project_id", "created_at"], unique=False
    )
    op.create_index("ix_jobs_user_id_created_at", "jobs", ["user_id", "created_at"], unique=False)
    op.create_table(
        "logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "timestamp", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_logs_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_logs_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logs")),
    )
    op.create_index("ix_logs_project_id", "logs", ["project_id"], unique=False)
    op.create_index("ix_logs_timestamp", "logs", ["timestamp"], unique=False)
    op.create_table(
        "youtube_integrations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=False),
        sa.Column("video_id", sa.String(length=255), nullable=True),
        sa.Column("playlist_id", sa.String(length=255), nullable=True),
        sa.Column(
            "upload_status",
            postgresql.ENUM(name="upload_status", create_type=False),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
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
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_youtube_integrations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_youtube_integrations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youtube_integrations")),
    )
    plans = sa.table(
        "plans",
        sa.column("plan_type", postgresql.ENUM(name="plan_type", create_type=False)),
        sa.column("price", sa.Numeric(10, 2)),
        sa.column("credits_per_month", sa.Integer()),
        sa.column("credits_per_minute", sa.Integer()),
        sa.column("max_video_length", sa.Integer()),
    )
    op.bulk_insert(plans, PLANS)


def downgrade() -> None:
    op.drop_table("youtube_integrations")
    op.drop_index("ix_logs_timestamp", table_name="logs")
    op.drop_index("ix_logs_project_id", table_name="logs")
    op.drop_table("logs")
    op.drop_index("ix_jobs_user_id_created_at", table_name="jobs")
    op.drop_index("ix_jobs_project_id_created_at", table_name="jobs")
    op.drop_table("jobs")
    op.drop_index(
        "uq_credit_ledger_job_reason",
        table_name="credit_ledger",
        postgresql_where=sa.text("job_id IS NOT NULL"),
    )
    op.drop_index("ix_credit_ledger_user_id_created_at", table_name="credit_ledger")
    op.drop_table("credit_ledger")
    op.drop_index("ix_uploads_user_id_created_at", table_name="uploads")
    op.drop_table("uploads")
    op.drop_index("ix_projects_user_id_created_at", table_name="projects")
    op.drop_table("projects")
    op.drop_table("credits")
    op.drop_table("users")
    op.drop_table("plans")
    bind = op.get_bind()
    for name in reversed(ENUMS):
        postgresql.ENUM(name=name).drop(bind)
