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


def run_migrations_online() -> None:
    """Migrate inside one transaction (PostgreSQL has transactional DDL)."""
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
