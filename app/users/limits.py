"""Rate limits on signing up and signing in, shared by the REST routes and the studio UI."""

from __future__ import annotations

from app.context import AppContext


async def check_register_rate(context: AppContext, client: str) -> None:
    """Count one sign-up attempt from this client address; 429 when over the limit."""
    await context.limiter.check("register", client, context.settings.rate_limit_register)


async def check_login_rate(context: AppContext, client: str, email: str) -> None:
    """Count one sign-in attempt per client address and per email; 429 when over either limit."""
    rate = context.settings.rate_limit_login
    await context.limiter.check("login-ip", client, rate)
    await context.limiter.check("login-email", email, rate)
