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
from app.storage_keys import film_keys
from app.worker.process import run_worker
from app.youtube.client import HttpTransport
from app.youtube.gateway import GoogleHttp
from app.youtube.oauth import YOUTUBE_SCOPES
from db.enums import ProjectStatus, Voice
from db.models import LogEntry, Project, YoutubeAccount
from tests.app.youtube.google_http import ScriptedHttp, json_answer
from tests.app.youtube.test_oauth import TokenEndpoint, granted
from tests.support.accounts import Account, register
from tests.support.jobs import wait_for_job

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
    keys = film_keys(project_id, uuid.uuid4())
    video_key = subtitles_key = None
    if film is not None:
        video_key = keys.video
        context.storage.put_file(video_key, film, "video/mp4")
        if subtitles:
            subtitles_key = keys.srt
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


@dataclass
class Publisher:
    """A creator on the app configured for Google, with Google's answers scripted for them."""

    studio: httpx.AsyncClient
    context: AppContext
    settings: Settings
    google: ScriptedGoogle
    account: Account
    film: Path

    @property
    def headers(self) -> dict[str, str]:
        """The creator's Authorization header."""
        return self.account.headers

    async def another(self, name: str) -> Publisher:
        """Another creator on the same app and the same scripted Google."""
        account = await register(self.studio, name)
        return Publisher(self.studio, self.context, self.settings, self.google, account, self.film)

    async def connect(self, channel_id: str = CHANNEL_ID) -> str:
        """Connect the creator's channel; Google's consent URL."""
        return await connect_channel(self.studio, self.account, self.google, channel_id)

    async def add_film(self, *, stored: bool = True, **options: Any) -> str:
        """A project of the creator whose render is done (see add_project); its id."""
        return await add_project(
            self.context, self.account, self.film if stored else None, **options
        )

    async def request_upload(
        self, project_id: str, channel_id: str = CHANNEL_ID, **extra: Any
    ) -> httpx.Response:
        """POST /api/youtube/upload for one of the creator's films, as it answers."""
        headers = {**self.headers, **extra.pop("headers", {})}
        return await self.studio.post(
            "/api/youtube/upload",
            json={"project_id": project_id, "channel_id": channel_id, **extra},
            headers=headers,
        )

    async def upload(self, project_id: str, **extra: Any) -> dict[str, Any]:
        """Queue an upload to the connected channel; the 202 body."""
        answer = await self.request_upload(project_id, **extra)
        assert answer.status_code == 202, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def publish(
        self, queued: dict[str, Any], answers: list[Any], settings: Settings | None = None
    ) -> tuple[dict[str, Any], dict[str, Any], ScriptedHttp]:
        """Script Google's answers and run a worker until the upload job ends; the job and the
        upload as the API shows them, and the script to inspect."""
        http = self.google.script(answers)
        async with publishing_worker(
            settings or self.settings, self.context.database_url, self.google
        ):
            job = await wait_for_job(self.studio, self.headers, queued["job_id"], timeout_s=60)
        return job, await self.get(f"/api/youtube/videos/{queued['id']}"), http

    async def get(self, path: str) -> Any:
        """GET an API path as the creator; the 200 body."""
        answer = await self.studio.get(path, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def logs(self) -> list[tuple[str, str]]:
        """The creator's (action, message) log rows, oldest first."""
        return await log_rows(self.context, self.account.id)

    async def stored_token(self) -> str | None:
        """The encrypted refresh token stored for the connected channel."""
        async with self.context.sessions() as session:
            token: str | None = await session.scalar(select(YoutubeAccount.encrypted_refresh_token))
        return token
