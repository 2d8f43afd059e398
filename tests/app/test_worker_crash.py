"""A worker killed with SIGKILL mid-render: another worker finishes the job, once, paid once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import select

from app.config import Settings
from app.context import AppContext
from app.storage import LocalStorage
from db.models import Job, LogEntry
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _topup, film
from tests.app.test_render_jobs import _ledger
from tests.support.accounts import register
from tests.support.jobs import wait_for_job, wait_for_project

KILL_AT_PERCENT = 15.0


@contextmanager
def worker_process(
    settings: Settings, database_url: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`filmstudio worker` in its own process group, sharing the test database and storage."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": settings.jwt_secret,
        "ENVIRONMENT": "test",
        "WORKER_HEARTBEAT_S": "1",
        "WORKER_STALLED_AFTER_S": "3",
        "JOB_RETRY_DELAY_S": "0",
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--log-level", "info"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def test_a_killed_workers_render_is_finished_by_another(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    created = await client.post(
        "/api/projects/create", json=film(resolution="720p"), headers=account.headers
    )
    project_id, job_id = created.json()["id"], created.json()["job_id"]

    with worker_process(settings, context.database_url, tmp_path / "worker-a.log") as first:
        while True:
            job = await wait_for_job(
                client, account.headers, job_id, until={"running"}, timeout_s=90
            )
            if job["progress"] >= KILL_AT_PERCENT:
                break
            await asyncio.sleep(0.2)
        os.killpg(first.pid, signal.SIGKILL)  # the whole host dies: worker and its ffmpeg
        first.wait()
    killed_at = job["progress"]
    assert KILL_AT_PERCENT <= killed_at < 100

    with worker_process(settings, context.database_url, tmp_path / "worker-b.log"):
        project, _ = await wait_for_project(client, account.headers, project_id, timeout_s=180)

    assert project["status"] == "complete", (
        project,
        (tmp_path / "worker-b.log").read_text()[-3000:],
    )
    async with context.sessions() as session:
        job_row = await session.get(Job, job_id)
        story = list(
            await session.scalars(
                select(LogEntry.message)
                .where(LogEntry.project_id == project_id)
                .order_by(LogEntry.timestamp)
            )
        )
    assert job_row is not None and job_row.attempts == 2
    assert await _ledger(context, account.id) == ["signup", "topup", "debit"]
    assert await assert_balances_agree(context, account.id) == 33 - 3
    assert any("started on" in line for line in story)
    assert any("resumed after its worker stopped" in line for line in story)
    assert story[-1].endswith("complete")

    storage = context.storage
    assert isinstance(storage, LocalStorage)
    films = list((storage.root / "projects" / project_id).rglob("*.mp4"))
    assert [path.name for path in films] == ["film.mp4"]
