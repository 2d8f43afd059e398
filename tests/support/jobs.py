"""Helpers for tests that run background jobs: an in-process worker, waiting, downloading."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.config import Settings
from app.worker.process import run_worker

TERMINAL = {"complete", "failed", "cancelled"}


@contextlib.asynccontextmanager
async def running_worker(settings: Settings, database_url: str) -> AsyncIterator[None]:
    """A worker in this event loop (jobs run in threads) until the block ends."""
    task = asyncio.create_task(
        run_worker(settings, database_url=database_url, install_signal_handlers=False)
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_for_project(
    client: httpx.AsyncClient, headers: dict[str, str], project_id: str, timeout_s: float = 180
) -> tuple[dict[str, Any], list[float]]:
    """Poll a project until its render ends; the final body and every progress value seen."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/projects/{project_id}", headers=headers)).json()
        seen.append(body["progress"])
        if body["status"] in ("complete", "failed") and body["job_status"] in TERMINAL:
            return body, seen
        await asyncio.sleep(0.2)
    raise AssertionError(f"project {project_id} did not finish in {timeout_s} s: {body}")


async def wait_for_job(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    job_id: str,
    timeout_s: float = 120,
    until: set[str] | None = None,
) -> dict[str, Any]:
    """Poll a job until it reaches one of the statuses (default: any end state)."""
    wanted = until or TERMINAL
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/ai/jobs/{job_id}", headers=headers)).json()
        if body["status"] in wanted:
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"job {job_id} did not reach {wanted} in {timeout_s} s: {body}")


async def download(client: httpx.AsyncClient, url: str, destination: Path) -> Path:
    """Fetch a signed link the API gave out (served by the app itself)."""
    parts = urlsplit(url)
    response = await client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, response.text
    destination.write_bytes(response.content)
    return destination
