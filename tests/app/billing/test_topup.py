"""The seed's POST /api/credits/topup: never free credits in production."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.config import Environment, Settings
from app.context import AppContext
from tests.app.billing.conftest import with_payments
from tests.app.billing.support import ledger
from tests.support.accounts import register
from tests.support.fake_stripe import FakeStripe


async def test_production_without_payments_is_503_naming_the_settings(
    client: httpx.AsyncClient,
    context: AppContext,
    settings: Settings,
    use_settings: Callable[[Settings], None],
) -> None:
    use_settings(
        settings.model_copy(
            update={"environment": Environment.PRODUCTION, "email_confirmation": False}
        )
    )
    account = await register(client)
    response = await client.post(
        "/api/credits/topup", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "payments_not_configured"
    assert body["missing_settings"] == [
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_PRICE_STANDARD",
        "STRIPE_PRICE_PRO",
        "STRIPE_PRICE_ENTERPRISE",
    ]
    assert "STRIPE_SECRET_KEY" in body["detail"]
    assert await ledger(context, account.id) == [("signup", 3, None)]


async def test_partial_settings_are_503_in_any_environment(
    client: httpx.AsyncClient, settings: Settings, use_settings: Callable[[Settings], None]
) -> None:
    use_settings(settings.model_copy(update={"stripe_secret_key": "sk_test_x"}))
    account = await register(client)
    response = await client.post(
        "/api/credits/topup", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert response.status_code == 503
    assert "STRIPE_SECRET_KEY" not in response.json()["missing_settings"]


async def test_with_payments_topup_is_402_with_a_checkout_url(
    client: httpx.AsyncClient,
    context: AppContext,
    settings: Settings,
    use_settings: Callable[[Settings], None],
    fake_stripe: FakeStripe,
) -> None:
    production = settings.model_copy(
        update={"environment": Environment.PRODUCTION, "email_confirmation": False}
    )
    use_settings(with_payments(production, fake_stripe.base_url))
    account = await register(client)
    response = await client.post(
        "/api/credits/topup", json={"plan_type": "Enterprise"}, headers=account.headers
    )
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "checkout_required"
    assert body["checkout_url"].startswith("https://checkout.stripe.test/c/pay/cs_")
    assert body["plan_type"] == "Enterprise"
    [call] = fake_stripe.calls("/v1/checkout/sessions")
    assert call.params["line_items"][0]["price"] == "price_ent_test"
    assert await ledger(context, account.id) == [("signup", 3, None)]
    # The Stripe customer made for it is kept: the next checkout reuses it.
    again = await client.post(
        "/api/credits/checkout", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert again.status_code == 200
    assert len(fake_stripe.calls("/v1/customers")) == 1


async def test_stripe_down_is_503_and_nothing_changes(
    client: httpx.AsyncClient, context: AppContext, payments: FakeStripe
) -> None:
    payments.fail_with = 500
    account = await register(client)
    response = await client.post(
        "/api/credits/checkout", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert response.status_code == 503
    assert response.json()["code"] == "stripe_unavailable"
    assert await ledger(context, account.id) == [("signup", 3, None)]
