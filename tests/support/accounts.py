"""Helpers to make users and sign them in through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "SecurePass123"


@dataclass
class Account:
    """A registered, signed-in user."""

    user: dict[str, Any]
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> str:
        """The user's id."""
        return str(self.user["id"])


async def register(client: httpx.AsyncClient, name: str = "Test Creator") -> Account:
    """Register a new user with a unique email and log in."""
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    response = await client.post(
        "/api/users/register", json={"name": name, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    login = await client.post("/api/users/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return Account(user=response.json(), token=login.json()["access_token"])
