"""Run Alembic migrations programmatically (used by `filmstudio db upgrade` and at start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from db.urls import normalize_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for this project's migrations on the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "sqlalchemy.url",
        normalize_url(url).render_as_string(hide_password=False).replace("%", "%%"),
    )
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database up to a revision (head by default)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database down to a revision (base by default: an empty schema)."""
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest migration revision in the code."""
    return ScriptDirectory.from_config(
        alembic_config("postgresql://localhost/x")
    ).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
