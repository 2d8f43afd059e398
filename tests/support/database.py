"""Test databases: the machine's PostgreSQL when reachable, else the embedded server."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

MACHINE_POSTGRES_URL = "postgresql://postgres@/postgres?host=/var/run/postgresql"
"""Where the machine's PostgreSQL listens (override with TEST_DATABASE_URL)."""

CONNECT_TIMEOUT_S = 3


def _server_url() -> str:
    configured = os.environ.get("TEST_DATABASE_URL", MACHINE_POSTGRES_URL)
    try:
        with psycopg.connect(configured, connect_timeout=CONNECT_TIMEOUT_S):
            return configured
    except psycopg.OperationalError:
        from app.embedded_db import start_embedded_postgres

        folder = Path(tempfile.gettempdir()) / "filmstudio-test-postgres"
        return start_embedded_postgres(folder)


def create_test_database(name: str) -> str:
    """Create an empty database and return its URL."""
    server = _server_url()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_test_database(url: str) -> None:
    """Drop a test database, closing any connection left to it."""
    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
