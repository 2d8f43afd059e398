"""Connecting a user's YouTube channel: start, callback, status, disconnect.

Google's HTTP calls are blocking; they run in a thread. The caller owns the transaction.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.youtube.configured import oauth_client, token_cipher
from app.youtube.errors import TokenDecryptionError, YouTubeError
from app.youtube.gateway import GoogleHttp
from app.youtube.oauth import (
    PENDING_AUTHORIZATION_TTL_S,
    fetch_channel,
    finish_authorization,
    revoke_token,
    start_authorization,
)
from app.youtube.pending import PendingConnection, seal, unseal
from app.youtube.schemas import ChannelResponse
from db.models import User, YoutubeAccount, YoutubeAccountState
from db.repositories import logs as log_repo
from db.repositories import users as user_repo
from db.repositories import youtube as youtube_repo

log = logging.getLogger(__name__)

CHANNEL_URL = "https://www.youtube.com/channel/"
DISCONNECTED_BY_USER = "You disconnected the channel from the studio."


@dataclass(frozen=True)
class ConnectStart:
    """Where to send the user, and the sealed pending authorization for their session."""

    authorization_url: str
    pending_cookie: str
    expires_in: int = PENDING_AUTHORIZATION_TTL_S


@dataclass(frozen=True)
class ConnectResult:
    """How the callback ended: "connected", or the error's machine code and message."""

    connected: bool
    code: str
    message: str


async def start(session: AsyncSession, settings: Settings, user: User) -> ConnectStart:
    """Google's consent URL (PKCE, fresh state) and the pending data to keep until the callback."""
    client = oauth_client(settings)
    begun = start_authorization(client, login_hint=user.email)
    sealed = seal(PendingConnection(user.id, begun.pending), token_cipher(settings))
    await log_repo.add(
        session, "youtube.connect", "Started connecting a YouTube channel", user_id=user.id
    )
    return ConnectStart(begun.url, sealed)


async def finish(
    session: AsyncSession,
    settings: Settings,
    google: GoogleHttp,
    pending_cookie: str | None,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
) -> ConnectResult:
    """Check the callback, trade its code for tokens, read the channel and store it.

    Raises YouTubeNotConfigured (503) without Google settings; every other failure comes back
    as a ConnectResult (and a logs row when the user is known).
    """
    client = oauth_client(settings)
    cipher = token_cipher(settings)
    try:
        pending = unseal(pending_cookie, cipher)
    except YouTubeError as failure:
        return ConnectResult(False, failure.code, failure.message)
    user = await user_repo.get(session, pending.user_id)
    if user is None:
        return ConnectResult(False, "oauth_session_expired", "The account no longer exists.")
    try:
        authorization = await to_thread.run_sync(
            functools.partial(
                finish_authorization,
                client,
                pending.authorization,
                state=state,
                code=code,
                error=error,
                http_adapter=google.token_adapter(),
            )
        )
        channel = await to_thread.run_sync(
            functools.partial(
                fetch_channel, authorization.credentials, transport=google.transport()
            )
        )
    except YouTubeError as failure:
        await log_repo.add(
            session,
            "youtube.connect.failed",
            f"Connecting a YouTube channel failed ({failure.code}): {failure.message}",
            user_id=user.id,
        )
        return ConnectResult(False, failure.code, failure.message)

    account = await youtube_repo.get_account(session, user.id, lock=True)
    if account is None:
        account = await youtube_repo.add_account(
            session,
            YoutubeAccount(user_id=user.id, channel_id=channel.channel_id, connected_at=_now()),
        )
    account.channel_id = channel.channel_id
    account.channel_title = channel.title[:255]
    account.channel_thumbnail_url = channel.thumbnail_url
    account.encrypted_refresh_token = cipher.encrypt(
        authorization.refresh_token, owner_id=str(user.id)
    )
    account.granted_scopes = list(authorization.granted_scopes)
    account.state = YoutubeAccountState.CONNECTED
    account.connected_at = _now()
    account.disconnected_at = None
    account.disconnect_reason = None
    message = f"Connected the YouTube channel '{channel.title}' ({channel.channel_id})"
    await log_repo.add(session, "youtube.connected", message, user_id=user.id)
    return ConnectResult(True, "connected", message)


async def status(session: AsyncSession, settings: Settings, user: User) -> ChannelResponse:
    """The user's channel (503 without Google settings); connected false when there is none."""
    oauth_client(settings)
    return describe(await youtube_repo.get_account(session, user.id))


def describe(account: YoutubeAccount | None) -> ChannelResponse:
    """An account as the API shows it."""
    if account is None:
        return ChannelResponse(connected=False)
    return ChannelResponse(
        connected=account.state is YoutubeAccountState.CONNECTED,
        channel_id=account.channel_id,
        channel_title=account.channel_title,
        channel_url=CHANNEL_URL + account.channel_id,
        thumbnail_url=account.channel_thumbnail_url,
        granted_scopes=list(account.granted_scopes),
        connected_at=account.connected_at,
        disconnected_at=account.disconnected_at,
        disconnect_reason=account.disconnect_reason,
    )


async def disconnect(
    session: AsyncSession, settings: Settings, google: GoogleHttp, user: User
) -> ChannelResponse:
    """Forget the channel's token and revoke it at Google; local forgetting happens either way."""
    account = await youtube_repo.get_account(session, user.id, lock=True)
    if account is None or account.state is YoutubeAccountState.DISCONNECTED:
        return describe(account)
    token = None
    if account.encrypted_refresh_token:
        try:
            token = token_cipher(settings).decrypt(
                account.encrypted_refresh_token, owner_id=str(user.id)
            )
        except TokenDecryptionError as failure:
            log.warning("Cannot revoke the YouTube token of user %s: %s", user.id, failure)
    await mark_disconnected(session, account, DISCONNECTED_BY_USER, "youtube.disconnected")
    if token is not None:
        await _revoke(session, google, user, token)
    return describe(account)


async def mark_disconnected(
    session: AsyncSession, account: YoutubeAccount, reason: str, action: str
) -> None:
    """Forget the account's token, record why, and write a logs row the user sees."""
    account.state = YoutubeAccountState.DISCONNECTED
    account.encrypted_refresh_token = None
    account.disconnected_at = _now()
    account.disconnect_reason = reason
    await log_repo.add(
        session,
        action,
        f"YouTube channel '{account.channel_title}' ({account.channel_id}) disconnected: {reason}",
        user_id=account.user_id,
    )


async def _revoke(session: AsyncSession, google: GoogleHttp, user: User, token: str) -> None:
    try:
        revoked = await to_thread.run_sync(
            functools.partial(revoke_token, token, transport=google.transport())
        )
    except YouTubeError as failure:
        await log_repo.add(
            session,
            "youtube.revoke.failed",
            f"Google could not revoke the channel's authorization ({failure.message}); remove "
            "the studio at https://myaccount.google.com/permissions to be sure.",
            user_id=user.id,
        )
        return
    message = "Google revoked the studio's access" if revoked else "The access was already revoked"
    await log_repo.add(session, "youtube.revoked", message, user_id=user.id)


def _now() -> datetime:
    return datetime.now(UTC)
