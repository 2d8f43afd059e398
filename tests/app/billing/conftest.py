"""Billing fixtures: the fake Stripe API and settings with payments on (the credit invariant
is checked after every test by tests/app/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.config import Settings
from app.context import AppContext
from tests.support.fake_stripe import SECRET_KEY, FakeStripe, fake_stripe_server
from tests.support.stripe_events import PRICES, WEBHOOK_SECRET


@pytest.fixture(scope="session")
def stripe_server() -> Iterator[FakeStripe]:
    """The fake Stripe API on a loopback port for the whole session."""
    with fake_stripe_server() as fake:
        yield fake


@pytest.fixture
def fake_stripe(stripe_server: FakeStripe) -> FakeStripe:
    """The fake, its request log cleared and answering normally."""
    stripe_server.requests.clear()
    stripe_server.invoice_payments.clear()
    stripe_server.fail_with = None
    return stripe_server


def with_payments(settings: Settings, api_base: str) -> Settings:
    """These settings with every Stripe setting filled in."""
    return settings.model_copy(
        update={
            "stripe_secret_key": SECRET_KEY,
            "stripe_webhook_secret": WEBHOOK_SECRET,
            "stripe_price_standard": PRICES["Standard"],
            "stripe_price_pro": PRICES["Pro"],
            "stripe_price_enterprise": PRICES["Enterprise"],
            "stripe_api_base": api_base,
        }
    )


@pytest.fixture
def use_settings(context: AppContext) -> Iterator[Callable[[Settings], None]]:
    """Run the app with other settings for one test (the routes read context.settings)."""
    original = context.settings

    def switch(settings: Settings) -> None:
        context.settings = settings

    yield switch
    context.settings = original


@pytest.fixture
def payments(
    use_settings: Callable[[Settings], None], settings: Settings, fake_stripe: FakeStripe
) -> FakeStripe:
    """Payments configured against the fake Stripe."""
    use_settings(with_payments(settings, fake_stripe.base_url))
    return fake_stripe
