"""Signing up, in and out of the studio in Chromium: cookie session, login page, messages."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from app.web_session import SESSION_COOKIE
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser


def test_anonymous_visit_lands_on_the_login_page(studio: Studio) -> None:
    page = studio.page
    response = page.goto(studio.base_url + "/")
    assert response is not None and response.ok
    assert page.url == f"{studio.base_url}/studio/login"
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_visible()
    studio.shot(page, "login-page")


def test_sign_up_log_out_and_log_in(studio: Studio) -> None:
    page = studio.page
    creator = studio.sign_up("Asha Rao")
    studio.shot(page, "signed-up")
    expect(page.get_by_label("Your account")).to_contain_text("Asha Rao")
    studio.expect_credits(3)

    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is True  # ENVIRONMENT=test is not development
    assert page.evaluate("document.cookie").find(SESSION_COOKIE) == -1
    with studio.api() as api:
        profile = api.get("/api/users/profile")
    assert profile.status_code == 200
    assert profile.json()["email"] == creator.email

    studio.log_out()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    studio.shot(page, "signed-out")
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    page.goto(studio.base_url + "/studio/")
    assert page.url == f"{studio.base_url}/studio/login"

    studio.log_in(creator)
    expect(page.get_by_label("Your account")).to_contain_text("Asha Rao")
    studio.shot(page, "logged-in-again")


def test_form_errors_are_the_apis_messages(studio: Studio) -> None:
    page = studio.page
    page.goto(studio.base_url + "/studio/signup")
    studio.submit_signup("Ravi", "ravi@example.com", "password")
    api = httpx.post(
        studio.base_url + "/api/users/register",
        json={"name": "Ravi", "email": "ravi@example.com", "password": "password"},
    )
    assert api.status_code == 422
    api_problem = api.json()["errors"][0]["message"].removeprefix("password: ")
    expect(page.get_by_role("alert")).to_have_text(f"Password: {api_problem}.")
    expect(page.get_by_label("Email")).to_have_value("ravi@example.com")
    studio.shot(page, "weak-password")

    page.goto(studio.base_url + "/studio/login")
    studio.submit_login("nobody@example.com", "SecurePass123")
    api_login = httpx.post(
        studio.base_url + "/api/users/login",
        json={"email": "nobody@example.com", "password": "SecurePass123"},
    )
    expect(page.get_by_role("alert")).to_have_text(api_login.json()["detail"])
    assert page.url == f"{studio.base_url}/studio/login"
    studio.shot(page, "wrong-password")
