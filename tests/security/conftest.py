"""Security-test fixtures: a live studio on 127.0.0.1 with its own database, a signed-in user."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.context import AppContext
from tests.conftest import TEST_SECRET
from tests.support.accounts import PASSWORD
from tests.support.database import create_test_database, drop_test_database
from tests.support.fake_stripe import SECRET_KEY, FakeStripe, fake_stripe_server
from tests.support.stripe_events import PRICES, WEBHOOK_SECRET
from tests.ui.browser.server import studio_server


@pytest.fixture(scope="package")
def live_stripe() -> Iterator[FakeStripe]:
    """The local fake of Stripe's API the live studio's payments talk to."""
    with fake_stripe_server() as fake:
        yield fake


@pytest.fixture(scope="package")
def live_url(tmp_path_factory: pytest.TempPathFactory, live_stripe: FakeStripe) -> Iterator[str]:
    """A running `uvicorn app.main:create_app` on a free loopback port (no worker), with
    payments on against the fake Stripe."""
    database_url = create_test_database(f"filmstudio_sec_{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp("security")
    environment = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": TEST_SECRET,
        "BCRYPT_ROUNDS": "4",
        "RATE_LIMIT_REGISTER": "100000/minute",
        "RATE_LIMIT_LOGIN": "100000/minute",
        "EMBEDDED_WORKER": "false",
        "GRADIO_ANALYTICS_ENABLED": "False",
        # A YouTube client that is configured (so its routes answer, not 503) but never called:
        # the fuzzer cannot produce the signed state a callback needs to reach Google.
        "GOOGLE_CLIENT_ID": "fuzz-client.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "fuzz-secret",
        "GOOGLE_REDIRECT_URI": "http://127.0.0.1/api/youtube/callback",
        # Payments on (so billing routes answer as in production, not 503), against the fake.
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRICE_STANDARD": PRICES["Standard"],
        "STRIPE_PRICE_PRO": PRICES["Pro"],
        "STRIPE_PRICE_ENTERPRISE": PRICES["Enterprise"],
        "STRIPE_API_BASE": live_stripe.base_url,
    }
    try:
        with studio_server(environment, workdir, Path(workdir) / "server.log") as url:
            yield url
    finally:
        drop_test_database(database_url)


@pytest.fixture(scope="package")
def live_token(live_url: str) -> str:
    """The access token of a creator registered on the live studio."""
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=live_url, timeout=30) as http:
        registered = http.post(
            "/api/users/register", json={"name": "Fuzz", "email": email, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        login = http.post("/api/users/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token: str = login.json()["access_token"]
        return token


@pytest.fixture
async def confirming(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> httpx.AsyncClient:
    """The API client with EMAIL_CONFIRMATION on (production's default)."""
    monkeypatch.setattr(context.settings, "email_confirmation", True)
    return client
