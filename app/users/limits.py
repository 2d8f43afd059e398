"""Rate limits on signing up and signing in, shared by the REST routes and the studio UI.

Sign-in counts failures only: a correct password never uses up anyone's allowance, so an
attacker's wrong guesses at a victim's email cannot keep the victim out for long (the email's
failures back off in two tiers) and a client address that keeps failing is slowed down.
"""

from __future__ import annotations

from app.context import AppContext

EMAIL_FAILURES_SHORT = "5/minute"
EMAIL_FAILURES_LONG = "30/hour"
"""Per-email backoff: after 5 failures a minute, wait; after 30 an hour, wait longer."""


async def check_register_rate(context: AppContext, client: str) -> None:
    """Count one sign-up attempt from this client address; 429 when over the limit."""
    await context.limiter.check("register", client, context.settings.rate_limit_register)
    await context.limiter.check("register-all", "all", context.settings.rate_limit_register_global)


async def check_login_rate(
    context: AppContext, client: str, email: str, known_device: bool = False
) -> None:
    """429 when this client address or this email has failed too often recently.

    A known device (see app/users/devices.py) is exempt from the email's back-off, so other
    people's wrong guesses cannot keep the account's owner out; its address limit still holds.
    """
    limiter = context.limiter
    await limiter.ensure_room("login-ip", client, context.settings.rate_limit_login)
    if known_device:
        return
    await limiter.ensure_room("login-email", email, EMAIL_FAILURES_SHORT)
    await limiter.ensure_room("login-email-long", email, EMAIL_FAILURES_LONG)


async def count_login_failure(context: AppContext, client: str, email: str) -> None:
    """Count one failed sign-in against the client address and the email."""
    limiter = context.limiter
    await limiter.count("login-ip", client, context.settings.rate_limit_login)
    await limiter.count("login-email", email, EMAIL_FAILURES_SHORT)
    await limiter.count("login-email-long", email, EMAIL_FAILURES_LONG)


async def check_reset_rate(context: AppContext, client: str, email: str) -> None:
    """Count one password-reset request from this client and for this email (each email gets
    at most a few reset emails a minute and an hour, whether or not it has an account)."""
    limiter = context.limiter
    await limiter.check("reset-ip", client, context.settings.rate_limit_login)
    await limiter.check("reset-email", email, EMAIL_FAILURES_SHORT)
    await limiter.check("reset-email-long", email, EMAIL_FAILURES_LONG)


async def check_link_rate(context: AppContext, client: str) -> None:
    """Count one use of an emailed link (confirmation or reset) from this client address."""
    await context.limiter.check("account-link", client, context.settings.rate_limit_login)
