"""The credit invariant, checked after every API test that used the database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.context import AppContext
from tests.support.ledger import assert_every_balance_agrees


@pytest.fixture(autouse=True)
async def credits_stay_consistent(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """After each test with a client: ledger sum == users.credits == credits_balance, >= 0."""
    yield
    if "client" in request.fixturenames:
        context: AppContext = request.getfixturevalue("context")
        await assert_every_balance_agrees(context)
