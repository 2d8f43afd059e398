"""Billing: Stripe events stored once, subscription state on the credits table, ledger sources.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_REASONS = ("signup", "topup", "debit", "refund", "adjustment")
NEW_REASONS = ("grant", "expiry", "upgrade", "clawback")
FREE_PERIOD_DAYS = 30

ACCOUNT_COLUMNS = (
    "period_credits",
    "pending_plan",
    "stripe_customer_id",
    "stripe_subscription_id",
    "subscription_status",
    "subscription_state_at",
    "cancel_at_period_end",
    "current_invoice_id",
    "payment_failed_at",
)


def upgrade() -> None:
    for reason in NEW_REASONS:
        op.execute(f"ALTER TYPE ledger_reason ADD VALUE IF NOT EXISTS '{reason}'")
    op.create_table(
        "billing_events",
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=255), nullable=False),
        sa.Column("stripe_created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("object_id", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_billing_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_events")),
    )
    op.create_index(
        "ix_billing_events_user_id_received_at", "billing_events", ["user_id", "received_at"]
    )

    op.add_column(
        "credits", sa.Column("period_credits", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "credits",
        sa.Column(
            "pending_plan", postgresql.ENUM(name="plan_type", create_type=False), nullable=True
        ),
    )
    op.add_column("credits", sa.Column("stripe_customer_id", sa.String(255), nullable=True))
    op.add_column("credits", sa.Column("stripe_subscription_id", sa.String(255), nullable=True))
    op.add_column("credits", sa.Column("subscription_status", sa.String(32), nullable=True))
    op.add_column(
        "credits",
        sa.Column("subscription_state_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "credits",
        sa.Column("cancel_at_period_end", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("credits", sa.Column("current_invoice_id", sa.String(255), nullable=True))
    op.add_column(
        "credits", sa.Column("payment_failed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_unique_constraint(
        op.f("uq_credits_stripe_customer_id"), "credits", ["stripe_customer_id"]
    )
    op.create_check_constraint(
        op.f("ck_credits_period_credits_not_negative"), "credits", "period_credits >= 0"
    )
    op.create_index("ix_credits_subscription_end", "credits", ["subscription_end"])
    # Existing Free accounts get a period to renew: 30 days from their start, their plan's
    # credits as its grant; paid windows keep their end and count their plan's credits.
    op.execute(
        f"UPDATE credits SET subscription_end = subscription_start + interval "
        f"'{FREE_PERIOD_DAYS} days' WHERE subscription_end IS NULL"
    )
    op.execute(
        "UPDATE credits SET period_credits = plans.credits_per_month FROM plans "
        "WHERE plans.plan_type = credits.plan_type"
    )

    op.add_column("credit_ledger", sa.Column("source_id", sa.String(255), nullable=True))
    op.create_index(
        "uq_credit_ledger_reason_source",
        "credit_ledger",
        ["reason", "source_id"],
        unique=True,
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_credit_ledger_reason_source",
        table_name="credit_ledger",
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )
    op.drop_column("credit_ledger", "source_id")
    op.drop_index("ix_credits_subscription_end", table_name="credits")
    op.drop_constraint(op.f("ck_credits_period_credits_not_negative"), "credits", type_="check")
    op.drop_constraint(op.f("uq_credits_stripe_customer_id"), "credits", type_="unique")
    for column in reversed(ACCOUNT_COLUMNS):
        op.drop_column("credits", column)
    op.drop_index("ix_billing_events_user_id_received_at", table_name="billing_events")
    op.drop_table("billing_events")
    # PostgreSQL cannot drop an enum value: rebuild the type, keeping the rows as adjustments.
    new = ", ".join(f"'{reason}'" for reason in NEW_REASONS)
    old = ", ".join(f"'{reason}'" for reason in OLD_REASONS)
    op.execute(f"UPDATE credit_ledger SET reason = 'adjustment' WHERE reason::text IN ({new})")
    op.execute("ALTER TYPE ledger_reason RENAME TO ledger_reason_billing")
    op.execute(f"CREATE TYPE ledger_reason AS ENUM ({old})")
    op.execute(
        "ALTER TABLE credit_ledger ALTER COLUMN reason TYPE ledger_reason "
        "USING reason::text::ledger_reason"
    )
    op.execute("DROP TYPE ledger_reason_billing")
