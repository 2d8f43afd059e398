"""Sessions end when they should; sign-in resists guessing without locking victims out."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.context import AppContext
from app.users.devices import DEVICE_COOKIE, DEVICE_HEADER, is_known_device
from db.models import LogEntry
from tests.app.test_admin import _make_admin
from tests.conftest import TEST_SECRET
from tests.support.accounts import PASSWORD, register
from tests.support.media import image_bytes

NEW_PASSWORD = "Another-Strong-7731"


@pytest.fixture
async def browser_like(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client over HTTPS; `client` first empties the tables."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


async def _profile(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return (await client.get("/api/users/profile", headers=headers)).status_code


async def test_logout_everywhere_revokes_every_token(client: httpx.AsyncClient) -> None:
    account = await register(client)
    assert await _profile(client, account.headers) == 200
    out = await client.post("/api/users/logout-everywhere", headers=account.headers)
    assert out.status_code == 204
    revoked = await client.get("/api/users/profile", headers=account.headers)
    assert revoked.status_code == 401
    assert "session has ended" in revoked.json()["detail"]


async def test_password_change_ends_old_sessions_and_the_new_password_works(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    wrong = await client.post(
        "/api/users/password",
        json={"current_password": "not-it-123", "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert wrong.status_code == 403
    weak = await client.post(
        "/api/users/password",
        json={"current_password": PASSWORD, "new_password": "password1"},
        headers=account.headers,
    )
    assert weak.status_code == 422
    changed = await client.post(
        "/api/users/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=account.headers,
    )
    assert changed.status_code == 200, changed.text
    assert await _profile(client, account.headers) == 401
    fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert await _profile(client, fresh) == 200
    email = account.user["email"]
    old = await client.post("/api/users/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/api/users/login", json={"email": email, "password": NEW_PASSWORD})
    assert new.status_code == 200


async def test_admin_disable_ends_sessions_and_blocks_sign_in_until_enabled(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    admin = await register(client)
    await _make_admin(context, admin.id)
    creator = await register(client)
    denied = await client.post(f"/api/admin/users/{admin.id}/disable", headers=creator.headers)
    assert denied.status_code == 403
    disabled = await client.post(f"/api/admin/users/{creator.id}/disable", headers=admin.headers)
    assert disabled.status_code == 200 and disabled.json()["disabled_at"] is not None
    assert await _profile(client, creator.headers) == 401
    login = {"email": creator.user["email"], "password": PASSWORD}
    assert (await client.post("/api/users/login", json=login)).status_code == 403
    enabled = await client.post(f"/api/admin/users/{creator.id}/enable", headers=admin.headers)
    assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
    assert (await client.post("/api/users/login", json=login)).status_code == 200
    missing = await client.post(f"/api/admin/users/{uuid.uuid4()}/disable", headers=admin.headers)
    assert missing.status_code == 404


async def test_studio_logout_ends_the_session_on_the_server(
    browser_like: httpx.AsyncClient,
) -> None:
    email = f"sec-{uuid.uuid4().hex[:10]}@example.com"
    signed_up = await browser_like.post(
        "/studio/signup", data={"name": "Sam", "email": email, "password": PASSWORD}
    )
    assert signed_up.status_code == 303
    stolen = browser_like.cookies.get("filmstudio_session")
    assert stolen
    assert (await browser_like.get("/studio/", follow_redirects=False)).status_code == 200
    out = await browser_like.post("/studio/logout")
    assert out.status_code == 303
    replay = await browser_like.get(
        "/studio/", cookies={"filmstudio_session": stolen}, follow_redirects=False
    )
    assert replay.status_code == 303  # back to the sign-in page: the old cookie is dead
    api = await browser_like.get(
        "/api/users/profile", headers={"Authorization": f"Bearer {stolen}"}
    )
    assert api.status_code == 401


async def test_cross_site_login_and_logout_forms_are_refused(
    browser_like: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    account = await register(client)
    evil = {"Origin": "https://evil.example"}
    login = await browser_like.post(
        "/studio/login",
        data={"email": account.user["email"], "password": PASSWORD},
        headers=evil,
    )
    assert login.status_code == 403
    assert "filmstudio_session" not in browser_like.cookies
    fetch_site = await browser_like.post(
        "/studio/login",
        data={"email": account.user["email"], "password": PASSWORD},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert fetch_site.status_code == 403
    assert (await browser_like.post("/studio/logout", headers=evil)).status_code == 403
    same = await browser_like.post(
        "/studio/login",
        data={"email": account.user["email"], "password": PASSWORD},
        headers={"Origin": "https://testserver"},
    )
    assert same.status_code == 303


@pytest.mark.parametrize("exp", ["tomorrow", 1e20, 10**30, None])
async def test_tokens_with_absurd_expiry_are_401(client: httpx.AsyncClient, exp: object) -> None:
    account = await register(client)
    claims: dict[str, object] = {"sub": account.id}
    if exp is not None:
        claims["exp"] = exp
    token = jwt.encode(claims, TEST_SECRET, "HS256")
    response = await client.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


async def test_forged_and_alg_none_tokens_are_401(client: httpx.AsyncClient) -> None:
    account = await register(client)
    claims = {"sub": account.id, "exp": int(time.time()) + 600}
    forged = jwt.encode(claims, "another-secret-that-is-long-enough-for-hs256", "HS256")
    unsigned = jwt.encode(claims, None, "none")  # type: ignore[arg-type]
    tampered = account.token[:-4] + ("AAAA" if not account.token.endswith("AAAA") else "BBBB")
    for token in (forged, unsigned, tampered, "garbage", ""):
        response = await client.get(
            "/api/users/profile", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, token


async def test_successful_sign_ins_never_count_against_the_limit(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context.settings, "rate_limit_login", "3/minute")
    account = await register(client)
    login = {"email": account.user["email"], "password": PASSWORD}
    for _ in range(6):
        assert (await client.post("/api/users/login", json=login)).status_code == 200


async def test_failed_sign_ins_back_off_per_email_and_are_audited(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    wrong = {"email": account.user["email"], "password": "Wrong-Guess-42"}
    statuses = [(await client.post("/api/users/login", json=wrong)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    async with context.sessions() as session:
        rows = (
            await session.scalars(select(LogEntry).where(LogEntry.action == "user.login_failed"))
        ).all()
    assert len(rows) == 5
    assert all(str(row.user_id) == account.id for row in rows)


@pytest.mark.parametrize(
    "password", ["password1", "        1", "Password123!", "qwerty12345", "aaaa1111"]
)
async def test_weak_passwords_are_refused(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post(
        "/api/users/register",
        json={
            "name": "Weak",
            "email": f"w-{uuid.uuid4().hex[:8]}@example.com",
            "password": password,
        },
    )
    assert response.status_code == 422, password


async def test_fullwidth_look_alike_email_is_the_same_account(client: httpx.AsyncClient) -> None:
    account = await register(client)
    local, domain = account.user["email"].split("@")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in local)
    again = await client.post(
        "/api/users/register",
        json={"name": "Twin", "email": f"{fullwidth}@{domain}", "password": PASSWORD},
    )
    assert again.status_code != 201
    login = await client.post(
        "/api/users/login", json={"email": f"{fullwidth}@{domain}", "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_the_studio_upload_route_takes_only_the_studios_file_types(
    browser_like: httpx.AsyncClient,
) -> None:
    email = f"up-{uuid.uuid4().hex[:10]}@example.com"
    await browser_like.post(
        "/studio/signup", data={"name": "Up", "email": email, "password": PASSWORD}
    )
    for name in ("page.html", "run.exe", "x.svg", "noext"):
        refused = await browser_like.post(
            "/studio/gradio_api/upload", files=[("files", (name, b"<html></html>", "text/html"))]
        )
        assert refused.status_code == 415, (name, refused.text)
    accepted = await browser_like.post(
        "/studio/gradio_api/upload", files=[("files", ("face.png", image_bytes(), "image/png"))]
    )
    assert accepted.status_code == 200, accepted.text


async def test_a_known_device_keeps_signing_in_while_the_email_backs_off(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    email = account.user["email"]
    first = await client.post("/api/users/login", json={"email": email, "password": PASSWORD})
    assert first.status_code == 200
    device = first.headers[DEVICE_HEADER]
    client.cookies.clear()  # the attacker's requests carry no device token
    wrong = {"email": email, "password": "Wrong-Guess-42"}
    statuses = [(await client.post("/api/users/login", json=wrong)).status_code for _ in range(6)]
    assert statuses[-1] == 429
    right = {"email": email, "password": PASSWORD}
    assert (await client.post("/api/users/login", json=right)).status_code == 429  # unknown device
    client.cookies.clear()
    known = await client.post("/api/users/login", json=right, headers={DEVICE_HEADER: device})
    assert known.status_code == 200
    client.cookies.clear()
    client.cookies.set(DEVICE_COOKIE, device)  # a browser sends it back as its cookie
    assert (await client.post("/api/users/login", json=right)).status_code == 200
    client.cookies.clear()
    other = await register(client)
    borrowed = await client.post(
        "/api/users/login",
        json={"email": other.user["email"], "password": "Wrong-Guess-42"},
        headers={DEVICE_HEADER: device},
    )
    assert borrowed.status_code == 401
    forged = device[:-4] + ("0000" if not device.endswith("0000") else "1111")
    assert not is_known_device(context.settings, email, forged)
    assert not is_known_device(context.settings, email, f"{10**11}.x.{device.split('.')[2]}")
    assert is_known_device(context.settings, email.upper(), device)
