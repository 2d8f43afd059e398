"""The signed-in creator's account as the studio shows it: name, plan, credits, role."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from app.credits import service as credits
from app.credits.schemas import BalanceResponse
from app.ui.formatting import minutes_label
from app.ui.logo import LOGO_SVG
from app.ui.runtime import SignedIn
from app.uploads import quotas
from app.uploads.schemas import StorageUsage
from app.web_paths import LOGOUT_PATH
from db.enums import Role


@dataclass(frozen=True)
class Account:
    """Who is signed in and what their plan allows."""

    name: str
    email: str
    is_admin: bool
    balance: BalanceResponse
    storage: StorageUsage | None = None
    """Uploads against the plan's storage quota."""
    user_id: str = ""
    """The account's id (the page keys the drafts it keeps in the browser by it)."""


async def load_account(signed: SignedIn) -> Account:
    """The user's account with a fresh balance and plan terms."""
    user = signed.user
    return Account(
        name=user.name,
        email=user.email,
        is_admin=user.role is Role.ADMIN,
        balance=await credits.balance(signed.session, user),
        storage=await quotas.usage(signed.session, user),
        user_id=str(user.id),
    )


def account_html(account: Account) -> str:
    """The header's account area: name, plan, credits, admin badge and the sign-out button."""
    balance = account.balance
    admin = '<span class="chip chip-admin">Admin</span>' if account.is_admin else ""
    return (
        f'<div class="account" aria-label="Your account" data-user="{escape(account.user_id)}">'
        f'<span class="account-name" title="{escape(account.email)}">{escape(account.name)}</span>'
        f'{admin}<span class="chip">{escape(balance.plan_type.value)} plan · films up to '
        f"{minutes_label(balance.max_video_length)}</span>"
        f'<span class="chip chip-credits" data-credits="{balance.balance}">'
        f"{balance.balance} credit{'s' if balance.balance != 1 else ''}</span>"
        f'<form method="post" action="{LOGOUT_PATH}"><button type="submit">Log out</button></form>'
        f"</div>"
    )


def header_html(account_area: str) -> str:
    """The studio's top bar: the brand and the account area."""
    return (
        '<header class="studio-header"><div class="studio-brand">'
        f'<div class="studio-logo">{LOGO_SVG}</div><div>'
        "<h1>AI Film Studio</h1><p>Script in, narrated film out.</p></div></div>"
        f"{account_area}</header>"
    )
