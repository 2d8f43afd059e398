"""Helpers for the publishing tests through the API: scripted Google, channels, films, logs."""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from app.config import Settings
from app.context import AppContext
from app.worker.process import run_worker
from app.youtube.client import HttpTransport
from app.youtube.gateway import GoogleHttp
from app.youtube.oauth import YOUTUBE_SCOPES
from db.enums import ProjectStatus, Voice
from db.models import LogEntry, Project
from tests.app.youtube.google_http import ScriptedHttp, json_answer
from tests.app.youtube.test_oauth import TokenEndpoint, granted
from tests.support.accounts import Account

CLIENT_ID = "client-1.apps.googleusercontent.com"
REDIRECT_URI = "https://studio.example/api/youtube/callback"
CHANNEL_ID = "UC-lantern-films"
DEFAULT_PLAYLIST = "PL-default"
STORED_REFRESH_TOKEN = "refresh-1"
"""The refresh token the scripted code exchange grants (see test_oauth.granted)."""
SCRIPT = (
    "A girl finds a lantern by the river. It glows when she sings.\n\n"
    "The whole village follows its light home."
)
SUBTITLES = "1\n00:00:00,000 --> 00:00:00,900\nA girl finds a lantern.\n"


@dataclass
class ScriptedGoogle:
    """What Google answers next: API/token/revoke requests and the code exchange."""

    http: ScriptedHttp = field(default_factory=lambda: ScriptedHttp([]))
    token_endpoint: TokenEndpoint = field(default_factory=lambda: TokenEndpoint(granted()))

    def script(self, answers: list[Any]) -> ScriptedHttp:
        """Answer the next requests with these, in order; the sequence to inspect after."""
        self.http = ScriptedHttp(answers)
        return self.http

    def _transport(self) -> HttpTransport:
        return self.http

    def _adapter(self) -> TokenEndpoint:
        return self.token_endpoint

    @property
    def gateway(self) -> GoogleHttp:
        """The GoogleHttp that sends every request to this script."""
        return GoogleHttp(transport=self._transport, token_adapter=self._adapter)


def google_settings(settings: Settings) -> Settings:
    """The test settings with a Google OAuth client and a default playlist; the quality gate
    is off, since these tests publish a tiny 1 s film that is not a real studio film (the gate
    is tested on rendered films in tests/app/quality)."""
    return settings.model_copy(
        update={
            "publish_quality_gate": False,
            "google_client_id": CLIENT_ID,
            "google_client_secret": "client-secret-1",
            "google_redirect_uri": REDIRECT_URI,
            "youtube_default_playlist_id": DEFAULT_PLAYLIST,
        }
    )


@contextlib.asynccontextmanager
async def publishing_worker(
    settings: Settings, database_url: str, google: ScriptedGoogle
) -> AsyncIterator[None]:
    """A worker in this event loop whose uploads talk to the scripted Google."""
    task = asyncio.create_task(
        run_worker(
            settings,
            database_url=database_url,
            install_signal_handlers=False,
            google_http=google.gateway,
        )
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def channel_list(channel_id: str = CHANNEL_ID) -> tuple[dict[str, str], str]:
    """channels.list(mine=True) answering one channel."""
    snippet = {
        "title": "Lantern Films",
        "thumbnails": {"default": {"url": "https://yt3.test/lantern.jpg"}},
    }
    return json_answer({"items": [{"id": channel_id, "snippet": snippet}]})


async def connect_channel(
    client: httpx.AsyncClient,
    account: Account,
    google: ScriptedGoogle,
    channel_id: str = CHANNEL_ID,
) -> str:
    """Connect a channel through connect + callback; returns Google's consent URL."""
    started = await client.get("/api/youtube/connect", headers=account.headers)
    assert started.status_code == 200, started.text
    url = started.json()["authorization_url"]
    google.token_endpoint = TokenEndpoint(granted(" ".join(YOUTUBE_SCOPES)))
    google.script([channel_list(channel_id)])
    answer = await client.get(
        "/api/youtube/callback", params={"state": query_of(url)["state"], "code": "code-1"}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/studio/?youtube=connected"
    return str(url)


def query_of(url: str) -> dict[str, str]:
    """A URL's query parameters (first value of each)."""
    return {
        key: values[0]
        for key, values in urllib.parse.parse_qs(urllib.parse.urlparse(url).query).items()
    }


async def add_project(
    context: AppContext,
    account: Account,
    film: Path | None,
    *,
    status: ProjectStatus = ProjectStatus.COMPLETE,
    subtitles: bool = True,
    images: bool = True,
    title: str = "The Lantern",
) -> str:
    """A project whose render is done: the film (and SRT) stored where renders put them."""
    project_id = uuid.uuid4()
    folder = f"projects/{project_id}/renders/{uuid.uuid4()}/"
    video_key = subtitles_key = None
    if film is not None:
        video_key = folder + "film.mp4"
        context.storage.put_file(video_key, film, "video/mp4")
        if subtitles:
            subtitles_key = folder + "film.srt"
            context.storage.put_bytes(subtitles_key, SUBTITLES.encode(), "application/x-subrip")
    async with context.sessions() as session, session.begin():
        session.add(
            Project(
                id=project_id,
                user_id=uuid.UUID(account.id),
                title=title,
                script=SCRIPT,
                images=[f"{uuid.uuid4()}/Asha.png"] if images else [],
                voice=Voice.FEMALE,
                duration=1,
                music="cinematic",
                status=status,
                video_key=video_key,
                subtitles_key=subtitles_key,
                language="en",
            )
        )
    return str(project_id)


async def log_rows(context: AppContext, user_id: str) -> list[tuple[str, str]]:
    """The user's (action, message) logs rows, oldest first."""
    async with context.sessions() as session:
        rows = await session.execute(
            select(LogEntry.action, LogEntry.message)
            .where(LogEntry.user_id == uuid.UUID(user_id))
            .order_by(LogEntry.timestamp, LogEntry.id)
        )
        return [(action, message) for action, message in rows]
