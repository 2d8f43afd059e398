"""Cancelling and deleting the same render at once never deadlocks or answers 500."""

from __future__ import annotations

import asyncio

import httpx

from app.context import AppContext
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _topup, film
from tests.support.accounts import register

PAIRS = 6


async def test_cancel_and_delete_of_one_render_at_once(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Pro")
    for _ in range(PAIRS):
        created = (
            await client.post("/api/projects/create", json=film(), headers=account.headers)
        ).json()
        cancel, delete = await asyncio.gather(
            client.post(f"/api/ai/jobs/{created['job_id']}/cancel", headers=account.headers),
            client.delete(f"/api/projects/{created['id']}", headers=account.headers),
        )
        assert cancel.status_code in (200, 404, 409), cancel.text
        assert delete.status_code == 204, delete.text
    start = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert await assert_balances_agree(context, account.id) == start["balance"]
    assert start["balance"] == 63  # every render refunded exactly once (3 signup + 60 Pro)
