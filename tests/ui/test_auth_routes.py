"""The studio's session in-process: redirects, cookie flags, the same rules and words as the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.config import Environment, Settings
from app.context import AppContext
from app.web_session import SESSION_COOKIE, cookie_is_secure
from tests.support.accounts import PASSWORD

STUDIO = "/studio/"


@pytest.fixture
async def browser_like(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client over HTTPS (the session cookie is Secure outside development);
    `client` first empties the tables."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


def _email() -> str:
    return f"ui-{uuid.uuid4().hex[:12]}@example.com"


async def _sign_up(http: httpx.AsyncClient, email: str) -> httpx.Response:
    return await http.post(
        "/studio/signup", data={"name": "Asha", "email": email, "password": PASSWORD}
    )


async def test_anonymous_visits_go_to_the_login_page_and_the_ui_api_answers_401(
    browser_like: httpx.AsyncClient,
) -> None:
    root = await browser_like.get("/")
    assert root.status_code == 307
    assert root.headers["location"] == "/studio"
    for path in ("/studio", STUDIO):
        response = await browser_like.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/studio/login"
    login = await browser_like.get("/studio/login")
    assert login.status_code == 200
    assert login.headers["content-type"].startswith("text/html")
    assert '<label for="email">Email</label>' in login.text
    config = await browser_like.get("/studio/config")
    assert config.status_code == 401


async def test_sign_up_sets_an_httponly_lax_secure_cookie_holding_the_api_token(
    browser_like: httpx.AsyncClient,
) -> None:
    response = await _sign_up(browser_like, _email())
    assert response.status_code == 303
    assert response.headers["location"] == STUDIO
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "SameSite=lax", "Secure", "Max-Age=86400", "Path=/"):
        assert flag in cookie, cookie
    token = browser_like.cookies[SESSION_COOKIE]
    profile = await browser_like.get(
        "/api/users/profile", headers={"Authorization": f"Bearer {token}"}
    )
    assert profile.status_code == 200
    assert profile.json()["credits"] == 3

    page = await browser_like.get(STUDIO)
    assert page.status_code == 200
    assert "AI Film Studio" in page.text
    assert (await browser_like.get("/studio/config")).status_code == 200
    again = await browser_like.get("/studio/login")
    assert (again.status_code, again.headers["location"]) == (303, STUDIO)

    out = await browser_like.post("/studio/logout")
    assert (out.status_code, out.headers["location"]) == (303, "/studio/login?signed_out=true")
    assert "Max-Age=0" in out.headers["set-cookie"] or "expires=" in out.headers["set-cookie"]
    assert SESSION_COOKIE not in browser_like.cookies
    assert (await browser_like.get(STUDIO)).status_code == 303


async def test_a_forged_or_expired_cookie_is_no_session(browser_like: httpx.AsyncClient) -> None:
    browser_like.cookies.set(SESSION_COOKIE, "not-a-token", domain="testserver")
    assert (await browser_like.get(STUDIO)).status_code == 303
    assert (await browser_like.get("/studio/config")).status_code == 401


async def test_sign_in_checks_like_the_api(
    browser_like: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    email = _email()
    await _sign_up(browser_like, email)
    browser_like.cookies.clear()

    taken = await _sign_up(browser_like, email)
    api_taken = await client.post(
        "/api/users/register", json={"name": "Asha", "email": email, "password": PASSWORD}
    )
    assert taken.status_code == api_taken.status_code == 409
    assert api_taken.json()["detail"] in taken.text

    wrong = await browser_like.post("/studio/login", data={"email": email, "password": "nope1234"})
    api_wrong = await client.post("/api/users/login", json={"email": email, "password": "nope1234"})
    assert wrong.status_code == api_wrong.status_code == 401
    assert api_wrong.json()["detail"] in wrong.text
    assert SESSION_COOKIE not in browser_like.cookies

    bad_email = await browser_like.post(
        "/studio/login", data={"email": "not-an-email", "password": "x"}
    )
    assert bad_email.status_code == 422
    assert "Email: value is not a valid email address" in bad_email.text

    right = await browser_like.post("/studio/login", data={"email": email, "password": PASSWORD})
    assert (right.status_code, right.headers["location"]) == (303, STUDIO)


async def test_sign_in_shares_the_apis_rate_limit(
    browser_like: httpx.AsyncClient,
    client: httpx.AsyncClient,
    context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context.settings, "rate_limit_login", "2/minute")
    email = _email()
    credentials = {"email": email, "password": PASSWORD}
    assert (await client.post("/api/users/login", json=credentials)).status_code == 401
    assert (await browser_like.post("/studio/login", data=credentials)).status_code == 401
    limited = await browser_like.post("/studio/login", data=credentials)
    assert limited.status_code == 429
    assert "Too many attempts; try again in" in limited.text
    assert (await client.post("/api/users/login", json=credentials)).status_code == 429


def test_the_cookie_is_secure_everywhere_but_development() -> None:
    def secure(environment: Environment) -> bool:
        return cookie_is_secure(Settings(_env_file=None, environment=environment))  # type: ignore[call-arg]

    assert not secure(Environment.DEVELOPMENT)
    assert secure(Environment.TEST)
    assert secure(Environment.PRODUCTION)
