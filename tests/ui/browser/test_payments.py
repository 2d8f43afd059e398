"""Paying in the studio: Subscribe opens Stripe Checkout; coming back, the Credits tab waits
for the payment's webhook and then shows the plan and credits; Manage opens the portal."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_SECRET
from tests.support.database import create_test_database, drop_test_database
from tests.support.fake_stripe import SECRET_KEY, FakeStripe, fake_stripe_server
from tests.support.stripe_events import (
    PRICES,
    WEBHOOK_SECRET,
    body_of,
    checkout_completed,
    event,
    invoice,
    new_id,
    sign,
)
from tests.ui.browser.conftest import ARTIFACTS
from tests.ui.browser.server import studio_server
from tests.ui.browser.studio_page import Shots, Studio

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stripe() -> Iterator[FakeStripe]:
    """The fake Stripe API, also serving its Checkout and portal pages to the browser."""
    with fake_stripe_server() as fake:
        fake.pages_url = fake.base_url
        yield fake


@pytest.fixture(scope="module")
def paying_studio(
    stripe: FakeStripe, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A studio with payments configured against the fake; (its URL, its database URL)."""
    database_url = create_test_database(f"filmstudio_pay_{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp("paying-studio")
    environment = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": TEST_SECRET,
        "BCRYPT_ROUNDS": "4",
        "RATE_LIMIT_REGISTER": "1000/minute",
        "RATE_LIMIT_LOGIN": "1000/minute",
        "EMBEDDED_WORKER": "false",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRICE_STANDARD": PRICES["Standard"],
        "STRIPE_PRICE_PRO": PRICES["Pro"],
        "STRIPE_PRICE_ENTERPRISE": PRICES["Enterprise"],
        "STRIPE_API_BASE": stripe.base_url,
    }
    try:
        with studio_server(environment, workdir, ARTIFACTS / "paying-server.log") as url:
            yield url, database_url
    finally:
        drop_test_database(database_url)


def _deliver(base_url: str, evt: dict[str, object]) -> None:
    body = body_of(evt)
    response = httpx.post(
        f"{base_url}/api/billing/webhook",
        content=body,
        headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text


def test_subscribe_wait_for_confirmation_then_manage(
    page: object, paying_studio: tuple[str, str], stripe: FakeStripe, shots: Shots
) -> None:
    base_url, database_url = paying_studio
    studio = Studio(page, base_url, shots)  # type: ignore[arg-type]
    creator = studio.sign_up("Paying Priya")
    studio.tab("Credits")
    tab = studio.page
    for plan in ("Standard", "Pro", "Enterprise"):
        expect(tab.get_by_role("button", name=f"Subscribe to {plan}")).to_be_visible()
    expect(tab.get_by_role("button", name="Manage subscription")).to_have_count(0)
    expect(tab.get_by_role("button", name="Top up")).to_have_count(0)
    expect(tab.locator("#credit-balance")).to_have_text("3 credits")
    expect(tab.get_by_label("Credit balance")).to_contain_text("Renews on")
    studio.shot(tab, "plans-to-subscribe")

    tab.get_by_role("button", name="Subscribe to Pro").click()
    tab.wait_for_url(f"{stripe.base_url}/c/pay/cs_*")
    expect(tab.locator("h1")).to_contain_text("Fake Stripe Checkout")
    session_id = tab.url.rsplit("/", 1)[1]
    [sent] = [call for call in stripe.calls("/v1/checkout/sessions")]
    assert sent.params["line_items"][0]["price"] == PRICES["Pro"]

    success = sent.params["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
    assert parse_qs(urlsplit(success).query)["checkout"] == ["success"]
    tab.goto(success)
    notice = tab.locator("#topup-notice")
    expect(notice).to_contain_text("Waiting for payment confirmation")
    studio.shot(tab, "waiting-for-confirmation")

    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT c.stripe_customer_id, u.id FROM credits c JOIN users u ON u.id = c.user_id "
            "WHERE u.email = %s",
            (creator.email,),
        ).fetchone()
    assert row is not None
    customer, user_id = row[0], str(row[1])
    sub = new_id("sub")
    _deliver(base_url, checkout_completed(session_id, customer, user_id, sub))
    _deliver(base_url, event("invoice.paid", invoice(customer, sub, "Pro", int(time.time()) - 5)))

    expect(notice).to_contain_text("Payment confirmed: you are on the Pro plan with 60 credits")
    expect(tab.locator("#credit-balance")).to_have_text("60 credits")
    history = tab.get_by_label("Credit history")
    expect(history).to_contain_text("Monthly credits")
    expect(history).to_contain_text("Unspent credits expired")
    expect(tab.get_by_role("button", name="Subscribe to Pro")).to_be_hidden()
    studio.shot(tab, "payment-confirmed")

    _deliver(
        base_url,
        event(
            "customer.subscription.updated",
            {
                "id": sub,
                "object": "subscription",
                "customer": customer,
                "status": "active",
                "items": {"data": [{"price": {"id": PRICES["Pro"]}}]},
            },
        ),
    )
    tab.reload()
    studio.tab("Credits")
    manage = tab.get_by_role("button", name="Manage subscription")
    expect(manage).to_be_visible()
    manage.click()
    tab.wait_for_url(f"{stripe.base_url}/p/session/bps_*")
    expect(tab.locator("h1")).to_contain_text("Fake Stripe Billing portal")
