"""Signing up with email confirmation, and resetting a forgotten password, in Chromium.

A second studio runs with EMAIL_CONFIRMATION=true (production's default) and no SMTP server,
so its emails land in the outbox table, where the test reads the links as a person would
read their mailbox. The first studio (confirmation off) checks that sign-up still signs in
at once and remembers the device, as sign-in does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from playwright.sync_api import expect

from app.users.devices import DEVICE_COOKIE
from app.web_session import SESSION_COOKIE
from tests.conftest import TEST_SECRET
from tests.support.accounts import PASSWORD
from tests.support.database import create_test_database, drop_test_database
from tests.support.mail import link_token
from tests.ui.browser.conftest import ARTIFACTS
from tests.ui.browser.server import studio_server
from tests.ui.browser.studio_page import Creator, Studio

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Lantern-Orchard-8842"


@pytest.fixture(scope="module")
def confirming_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of a studio that confirms emails (no worker)."""
    database_url = create_test_database(f"filmstudio_mail_{uuid.uuid4().hex[:10]}")
    workdir = tmp_path_factory.mktemp("confirming")
    environment = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": TEST_SECRET,
        "BCRYPT_ROUNDS": "4",
        "EMBEDDED_WORKER": "false",
        "EMAIL_CONFIRMATION": "true",
        "SMTP_URL": "",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    try:
        with studio_server(environment, workdir, ARTIFACTS / "server-confirming.log") as url:
            yield url, database_url
    finally:
        drop_test_database(database_url)


def _mailbox(database_url: str, email: str, kind: str) -> str:
    """The body of the newest email of this kind to this address."""
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT body FROM email_outbox WHERE recipient = %s AND kind = %s "
            "ORDER BY created_at DESC LIMIT 1",
            (email, kind),
        ).fetchone()
    assert row is not None, f"no {kind} email to {email}"
    return str(row[0])


def test_sign_up_confirms_the_email_before_signing_in(
    studio: Studio, confirming_studio: tuple[str, str]
) -> None:
    base_url, database_url = confirming_studio
    page = studio.page
    creator = Creator(name="Mira Okafor", email=f"ui-{uuid.uuid4().hex[:12]}@example.com")
    page.goto(f"{base_url}/studio/signup")
    studio.submit_signup(creator.name, creator.email, creator.password)
    expect(page.get_by_role("status")).to_have_text(
        "Check your email to finish signing up: we sent you a link."
    )
    studio.shot(page, "check-your-email")
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]

    # the same page again for the now-known email: nothing tells it apart
    page.goto(f"{base_url}/studio/signup")
    studio.submit_signup("Someone Else", creator.email, PASSWORD)
    expect(page.get_by_role("status")).to_have_text(
        "Check your email to finish signing up: we sent you a link."
    )

    page.goto(f"{base_url}/studio/login")
    studio.submit_login(creator.email, creator.password)
    expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")

    token = link_token(_mailbox(database_url, creator.email, "confirm_email"))
    page.goto(f"{base_url}/studio/confirm?token={token}")
    expect(page.get_by_role("status")).to_contain_text("Your email is confirmed")
    studio.shot(page, "confirmed")
    studio.submit_login(creator.email, creator.password)
    studio.base_url = base_url
    studio.wait_for_studio()
    studio.expect_credits(3)

    page.goto(f"{base_url}/studio/confirm?token={token}")
    expect(page.get_by_role("alert")).to_contain_text("already used")


def test_forgotten_password_is_reset_by_the_emailed_link(
    studio: Studio, confirming_studio: tuple[str, str]
) -> None:
    base_url, database_url = confirming_studio
    page = studio.page
    email = f"ui-{uuid.uuid4().hex[:12]}@example.com"
    page.goto(f"{base_url}/studio/signup")
    studio.submit_signup("Tomas Lind", email, PASSWORD)
    page.goto(
        f"{base_url}/studio/confirm?token="
        + link_token(_mailbox(database_url, email, "confirm_email"))
    )

    page.goto(f"{base_url}/studio/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("we sent it a link")
    studio.shot(page, "reset-asked")

    token = link_token(_mailbox(database_url, email, "password_reset"))
    page.goto(f"{base_url}/studio/reset-password?token={token}")
    page.get_by_label("New password").fill("password1")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("New password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")
    studio.shot(page, "password-set")

    studio.submit_login(email, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")
    studio.submit_login(email, NEW_PASSWORD)
    studio.base_url = base_url
    studio.wait_for_studio()


def test_sign_up_without_confirmation_signs_in_and_remembers_the_device(studio: Studio) -> None:
    studio.sign_up("Noor Haddad")
    names = {cookie["name"] for cookie in studio.page.context.cookies()}
    assert {SESSION_COOKIE, DEVICE_COOKIE} <= names
    device = next(c for c in studio.page.context.cookies() if c["name"] == DEVICE_COOKIE)
    assert device["httpOnly"] is True
