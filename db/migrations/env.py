"""Alembic environment: runs migrations online against the configured URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

import db.models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.urls import normalize_url

config = context.config
if not config.get_main_option("sqlalchemy.url"):
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("Set DATABASE_URL to the database to migrate.")
    config.set_main_option(
        "sqlalchemy.url",
        normalize_url(url).render_as_string(hide_password=False).replace("%", "%%"),
    )


QUEUE_PREFIX = "procrastinate_"
"""Tables of the job queue: created from procrastinate's own schema, not from our models."""


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave the job queue's tables and indexes out of autogenerate comparisons."""
    table = getattr(obj, "table", None)
    table_name = table.name if table is not None else name
    return not (table_name or "").startswith(QUEUE_PREFIX)


def run_migrations_online() -> None:
    """Migrate inside one transaction (PostgreSQL has transactional DDL)."""
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=Base.metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
