"""Alembic migrations build the whole schema from nothing and remove it completely."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from db import migrate
from db.base import Base
from tests.support.database import create_test_database, drop_test_database


@pytest.fixture
def empty_database() -> Iterator[str]:
    url = create_test_database(f"filmstudio_migrate_{uuid.uuid4().hex[:10]}")
    try:
        yield url
    finally:
        drop_test_database(url)


def _catalog(url: str) -> tuple[set[str], set[str]]:
    with psycopg.connect(url) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        types = {
            row[0]
            for row in connection.execute(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = 'public' AND t.typtype = 'e'"
            )
        }
    return tables, types


def test_upgrade_head_then_downgrade_base(empty_database: str) -> None:
    import db.models  # noqa: F401

    migrate.upgrade(empty_database)
    tables, types = _catalog(empty_database)
    assert set(Base.metadata.tables) <= tables
    assert {"users", "projects", "credits", "youtube_integrations", "logs"} <= tables
    assert {"user_role", "plan_type", "project_status", "upload_status", "voice"} <= types
    assert migrate.current_revision(empty_database) == migrate.head_revision()
    with psycopg.connect(empty_database) as connection:
        plans = connection.execute(
            "SELECT plan_type::text, price, credits_per_month, credits_per_minute, "
            "max_video_length FROM plans ORDER BY price"
        ).fetchall()
    assert [(p, float(price), c, m, length) for p, price, c, m, length in plans] == [
        ("Free", 0.0, 3, 3, 1),
        ("Standard", 39.0, 30, 3, 10),
        ("Pro", 49.0, 60, 3, 20),
        ("Enterprise", 99.0, 120, 3, 40),
    ]

    migrate.downgrade(empty_database)
    tables, types = _catalog(empty_database)
    assert tables == {"alembic_version"}
    assert types == set()

    migrate.upgrade(empty_database)
    assert migrate.current_revision(empty_database) == migrate.head_revision()
