"""Shared fixtures: a real PostgreSQL database per test session, the app, an HTTP client."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from app.config import Environment, Settings
from app.context import AppContext
from app.main import create_app
from tests.support.database import create_test_database, drop_test_database

TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
KEPT_TABLES = {"plans", "alembic_version"}


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh, empty database on the machine's PostgreSQL (or the embedded one), dropped after."""
    url = create_test_database(f"filmstudio_test_{uuid.uuid4().hex[:10]}")
    try:
        yield url
    finally:
        drop_test_database(url)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The studio's data folder for this test session."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(database_url: str, data_dir: Path) -> Settings:
    """Test settings: the test database, fast bcrypt, generous rate limits."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment=Environment.TEST,
        database_url=database_url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        bcrypt_rounds=4,
        rate_limit_register="10000/minute",
        rate_limit_login="10000/minute",
        db_pool_size=12,
        embedded_worker=False,
        job_retry_delay_s=0,
        worker_heartbeat_s=1.0,
        worker_stalled_after_s=4.0,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The studio app with its lifespan running (database migrated to head)."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def context(app: FastAPI) -> AppContext:
    """The running app's shared resources."""
    ctx: AppContext = app.state.context
    return ctx


async def empty_tables(context: AppContext) -> None:
    """Empty every table but the plans and the schema version; reset the rate limits."""
    async with context.engine.begin() as connection:
        tables = (
            await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        ).scalars()
        names = ", ".join(f'"{name}"' for name in tables if name not in KEPT_TABLES)
        if names:
            await connection.execute(text(f"TRUNCATE {names} CASCADE"))
    await context.limiter.reset()


@pytest.fixture
async def client(app: FastAPI, context: AppContext) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, starting from empty tables (plans kept)."""
    await empty_tables(context)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
