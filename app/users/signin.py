"""Signing in, shared by POST /api/users/login and the studio's sign-in form: the failure
limits, the token, and an audit row for every failed attempt."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.transaction import transaction
from app.users import service
from app.users.devices import is_known_device
from app.users.limits import check_login_rate, count_login_failure
from app.users.schemas import LoginRequest, TokenResponse


async def sign_in(
    context: AppContext,
    session: AsyncSession,
    body: LoginRequest,
    client: str,
    device_token: str | None = None,
) -> TokenResponse:
    """A token for correct credentials; 401 (counted and audited) otherwise, 429 when this
    client or this email (unless signing in from a device known to it) failed too often."""
    email = str(body.email)
    known = is_known_device(context.settings, email, device_token)
    await check_login_rate(context, client, email, known_device=known)
    try:
        return await service.login(session, context.settings, body)
    except service.LoginFailed:
        await count_login_failure(context, client, email)
        async with transaction(context.sessions) as audit:  # the request's own rolls back
            await service.record_failed_login(audit, email, client)
        raise
