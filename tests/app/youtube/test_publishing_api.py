"""Publishing through the API with a real worker; Google's answers scripted (no network).

The app and worker get a GoogleHttp whose transports are HttpMockSequence scripts: the web
routes through FastAPI's dependency override, the worker through run_worker(google_http=).
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import httpx
import pytest
from fastapi import FastAPI

from app.config import Settings
from app.context import AppContext
from app.main import create_app
from app.storage import LocalStorage
from app.ui.runtime import StudioRuntime
from app.ui.tabs.films import FilmsTab, publish_note
from app.web_session import SESSION_COOKIE
from app.youtube.gateway import google_http
from app.youtube.oauth import GOOGLE_REVOKE_URI, GOOGLE_TOKEN_URI
from db.enums import ProjectStatus
from tests.app.youtube.google_http import (
    SESSION_URI,
    chunk_stored,
    content_ranges,
    google_error,
    header,
    json_answer,
    session_started,
    token_granted,
    video_created,
)
from tests.app.youtube.studio_support import (
    CHANNEL_ID,
    DEFAULT_PLAYLIST,
    SCRIPT,
    STORED_REFRESH_TOKEN,
    Publisher,
    ScriptedGoogle,
    google_settings,
    query_of,
)
from tests.conftest import empty_tables
from tests.support.accounts import register

THUMBNAIL_SET = json_answer({"items": [{"default": {"url": "https://i.ytimg.test/1.jpg"}}]})


@pytest.fixture(scope="session")
def publishing_settings(settings: Settings) -> Settings:
    return google_settings(settings)


@pytest.fixture(scope="session")
async def publishing_app(publishing_settings: Settings) -> AsyncIterator[FastAPI]:
    """The studio app configured with a Google OAuth client."""
    application = create_app(publishing_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def publishing_context(publishing_app: FastAPI) -> AppContext:
    context: AppContext = publishing_app.state.context
    return context


@pytest.fixture
def google(publishing_app: FastAPI) -> Iterator[ScriptedGoogle]:
    """Google as the app sees it during one test."""
    scripted = ScriptedGoogle()
    publishing_app.dependency_overrides[google_http] = lambda: scripted.gateway
    yield scripted
    publishing_app.dependency_overrides.pop(google_http, None)


@pytest.fixture
async def studio(
    publishing_app: FastAPI, publishing_context: AppContext
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTPS client on the configured app, starting from empty tables (plans kept)."""
    await empty_tables(publishing_context)
    transport = httpx.ASGITransport(app=publishing_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


@pytest.fixture
async def creator(
    studio: httpx.AsyncClient,
    publishing_context: AppContext,
    publishing_settings: Settings,
    google: ScriptedGoogle,
    film: Path,
) -> Publisher:
    """A signed-up creator with no channel connected yet."""
    account = await register(studio)
    return Publisher(studio, publishing_context, publishing_settings, google, account, film)


@pytest.fixture
async def publisher(creator: Publisher) -> Publisher:
    """A creator whose YouTube channel is connected."""
    await creator.connect()
    return creator


def _form(body: Any) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(body if isinstance(body, str) else body.decode())


def _steps(rows: list[tuple[str, str]]) -> list[str]:
    return [message for action, message in rows if action == "youtube.upload.step"]


async def test_a_clean_upload_with_captions_thumbnail_and_playlist(
    publisher: Publisher, film: Path
) -> None:
    project_id = await publisher.add_film()

    queued = await publisher.upload(
        project_id,
        privacy="unlisted",
        playlist_id="PL-films",
        tags=["animation", "short film", "animation"],
    )
    assert queued["video_id"] is None
    assert (queued["playlist_id"], queued["upload_status"]) == ("PL-films", "pending")
    assert queued["contains_synthetic_media"] is True  # the film has character images
    assert queued["tags"] == ["animation", "short film"]
    again = await publisher.request_upload(project_id)
    assert again.status_code == 409 and again.json()["code"] == "upload_in_progress"

    size = film.stat().st_size
    job, video, http = await publisher.publish(
        queued,
        [
            token_granted("access-1"),
            session_started(),
            video_created("vid-1"),
            json_answer({"id": "caption-1"}),
            THUMBNAIL_SET,
            json_answer({"id": "item-1"}),
        ],
    )

    assert job["status"] == "complete" and job["attempts"] == 1 and job["credits"] == 0
    assert video["upload_status"] == "complete"
    assert video["video_id"] == "vid-1"
    assert video["youtube_url"] == "https://www.youtube.com/watch?v=vid-1"
    assert (video["caption_id"], video["thumbnail_set"]) == ("caption-1", True)
    assert (video["failure_reason"], video["warnings"], video["progress"]) == (None, [], 100.0)
    assert job["result"]["bytes_sent"] == size and job["result"]["retries"] == 0
    assert http.unused == 0

    token_uri, _, token_body, _ = http.requests[0]
    assert token_uri == GOOGLE_TOKEN_URI
    assert _form(token_body)["refresh_token"] == [STORED_REFRESH_TOKEN]
    insert = json.loads(http.requests[1][2])
    assert insert["snippet"]["title"] == "The Lantern"
    assert insert["snippet"]["description"] == SCRIPT
    assert insert["snippet"]["tags"] == ["animation", "short film"]
    assert insert["status"] == {
        "privacyStatus": "unlisted",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
    assert content_ranges(http) == [f"bytes 0-{size - 1}/{size}"]
    caption_uri, _, caption_body, _ = http.requests[3]
    assert "/captions" in caption_uri and b"A girl finds a lantern." in caption_body
    thumbnail_uri, _, thumbnail_body, thumbnail_headers = http.requests[4]
    assert "/thumbnails/set" in thumbnail_uri
    assert header(thumbnail_headers, "content-type") == "image/jpeg"
    assert thumbnail_body[:2] == b"\xff\xd8"  # a JPEG taken from the film
    playlist = json.loads(http.requests[5][2])["snippet"]
    assert playlist["playlistId"] == "PL-films" and playlist["resourceId"]["videoId"] == "vid-1"

    rows = await publisher.logs()
    actions = {action for action, _ in rows}
    assert {
        "youtube.connect",
        "youtube.connected",
        "youtube.upload.queued",
        "job.queued",
        "job.started",
        "youtube.upload.started",
        "youtube.upload.complete",
        "job.complete",
    } <= actions
    assert _steps(rows) == [
        f"upload started ({size / 1_000_000:.1f} MB)",
        "video uploaded (vid-1)",
        "captions added (en)",
        "thumbnail set",
        "added to playlist PL-films",
        "published",
    ]
    listing = await publisher.get("/api/youtube/videos")
    assert listing["total"] == 1
    assert listing["videos"][0]["id"] == queued["id"]
    assert listing["videos"][0]["project_title"] == "The Lantern"
    assert listing["videos"][0]["upload_status"] == "complete"
    balance = await publisher.get("/api/credits/balance")
    assert balance["balance"] == 3  # publishing is free

    stored = await publisher.stored_token()
    assert stored is not None and stored.startswith("yt1:")
    assert STORED_REFRESH_TOKEN not in stored


async def test_idempotency_key_answers_a_retried_upload_once(publisher: Publisher) -> None:
    project_id = await publisher.add_film()
    key = {"Idempotency-Key": "publish-lantern-1"}

    first = await publisher.request_upload(project_id, headers=key)
    second = await publisher.request_upload(project_id, headers=key)

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["playlist_id"] == DEFAULT_PLAYLIST  # the configured default
    assert (await publisher.get("/api/youtube/videos"))["total"] == 1


async def test_a_503_mid_upload_resumes_from_the_acknowledged_byte(
    publisher: Publisher, film: Path
) -> None:
    queued = await publisher.upload(await publisher.add_film(subtitles=False))
    size = film.stat().st_size
    acknowledged = 2 * 256 * 1024
    assert acknowledged < size

    job, video, http = await publisher.publish(
        queued,
        [
            token_granted("access-1"),
            session_started(),
            google_error(503, "backendError", "Backend Error"),
            chunk_stored(acknowledged - 1),
            video_created("vid-2"),
            THUMBNAIL_SET,
            json_answer({"id": "item-2"}),
        ],
    )

    assert job["status"] == "complete" and job["attempts"] == 1
    assert (video["upload_status"], video["video_id"]) == ("complete", "vid-2")
    assert content_ranges(http) == [
        f"bytes 0-{size - 1}/{size}",
        f"bytes */{size}",
        f"bytes {acknowledged}-{size - 1}/{size}",
    ]
    assert sum("uploadType=resumable" in uri for uri, _, _, _ in http.requests) == 1  # one session
    assert all(uri == SESSION_URI for uri, method, _, _ in http.requests if method == "PUT")
    assert job["result"]["bytes_sent"] == size + (size - acknowledged)
    assert (job["result"]["attempts"], job["result"]["retries"]) == (2, 1)
    assert job["result"]["playlist_id"] == DEFAULT_PLAYLIST
    steps = _steps(await publisher.logs())
    assert any("HTTP 503" in step and "retrying in" in step for step in steps), steps
    assert steps[-1] == "published"


async def test_quota_exceeded_fails_the_upload_with_the_reason_and_no_retry(
    publisher: Publisher,
) -> None:
    queued = await publisher.upload(await publisher.add_film())

    job, video, http = await publisher.publish(
        queued,
        [
            token_granted("access-1"),
            google_error(403, "quotaExceeded", "The request cannot be completed."),
        ],
    )

    assert job["status"] == "failed" and job["attempts"] == 1
    assert video["upload_status"] == "failed"
    assert video["failure_reason"] == "quota_exceeded"
    assert "quota exceeded (quotaExceeded)" in video["failure_message"]
    assert "midnight Pacific" in video["failure_message"]
    assert video["video_id"] is None
    assert len(http.requests) == 2 and http.unused == 0
    rows = await publisher.logs()
    assert "job.retry" not in {action for action, _ in rows}
    assert any(action == "youtube.upload.failed" and "quota_exceeded" in m for action, m in rows)
    channel = await publisher.get("/api/youtube/channel")
    assert channel["connected"] is True  # quota says nothing about the grant


async def test_an_expired_access_token_is_refreshed_and_the_chunk_sent_again(
    publisher: Publisher,
) -> None:
    queued = await publisher.upload(await publisher.add_film(subtitles=False))
    stored_before = await publisher.stored_token()

    job, video, http = await publisher.publish(
        queued,
        [
            token_granted("access-1"),
            session_started(),
            google_error(401, "authError", "Invalid Credentials"),  # it expired meanwhile
            token_granted("access-2"),
            video_created("vid-3"),
            THUMBNAIL_SET,
            json_answer({"id": "item-3"}),
        ],
    )

    assert job["status"] == "complete", job
    assert (video["upload_status"], video["video_id"]) == ("complete", "vid-3")
    token_calls = [body for uri, _, body, _ in http.requests if uri == GOOGLE_TOKEN_URI]
    assert len(token_calls) == 2
    assert all(_form(body)["refresh_token"] == [STORED_REFRESH_TOKEN] for body in token_calls)
    puts = [headers for uri, method, _, headers in http.requests if method == "PUT"]
    assert [header(h, "authorization") for h in puts] == ["Bearer access-1", "Bearer access-2"]
    assert job["result"]["retries"] == 0  # a refresh is not a failure
    assert await publisher.stored_token() == stored_before


async def test_a_revoked_refresh_token_disconnects_the_account_and_tells_the_user(
    publisher: Publisher,
) -> None:
    project_id = await publisher.add_film()
    queued = await publisher.upload(project_id)

    revoked = json_answer(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    )
    job, video, http = await publisher.publish(queued, [revoked])

    assert job["status"] == "failed" and job["attempts"] == 1
    assert (video["upload_status"], video["failure_reason"]) == ("failed", "access_revoked")
    assert "connect the YouTube channel again" in video["failure_message"]
    assert [uri for uri, _, _, _ in http.requests] == [GOOGLE_TOKEN_URI]

    channel = await publisher.get("/api/youtube/channel")
    assert channel["connected"] is False
    assert channel["channel_id"] == CHANNEL_ID
    assert "connect the YouTube channel again" in channel["disconnect_reason"]
    assert channel["disconnected_at"] is not None
    assert await publisher.stored_token() is None  # the dead token is forgotten
    told = [
        message for action, message in await publisher.logs() if action == "youtube.access_revoked"
    ]
    assert len(told) == 1 and "Lantern Films" in told[0]

    retry = await publisher.request_upload(project_id)
    assert retry.status_code == 409
    assert retry.json()["code"] == "youtube_not_connected"
    assert "connect the YouTube channel again" in retry.json()["detail"]


async def test_upload_is_refused_for_an_incomplete_film_and_the_wrong_channel(
    creator: Publisher,
) -> None:
    project_id = await creator.add_film()
    not_connected = await creator.request_upload(project_id)
    assert not_connected.status_code == 409
    assert not_connected.json()["code"] == "youtube_not_connected"

    await creator.connect()
    rendering = await creator.add_film(stored=False, status=ProjectStatus.PROCESSING)
    incomplete = await creator.request_upload(rendering)
    assert incomplete.status_code == 409
    assert incomplete.json()["code"] == "project_not_complete"
    assert incomplete.json()["status"] == "processing"

    other_channel = await creator.request_upload(project_id, channel_id="UC-someone-else")
    assert other_channel.status_code == 409
    assert other_channel.json()["code"] == "channel_not_connected"
    assert other_channel.json()["connected_channel_id"] == CHANNEL_ID

    bad_privacy = await creator.request_upload(project_id, privacy="friends")
    assert bad_privacy.status_code == 422
    listing = await creator.get("/api/youtube/videos")
    assert listing == {"videos": [], "total": 0, "page": 1, "per_page": 20}


async def test_another_users_project_and_upload_are_404(publisher: Publisher) -> None:
    project_id = await publisher.add_film()
    queued = await publisher.upload(project_id)

    intruder = await publisher.another("Intruder")
    await intruder.connect()
    stolen = await intruder.request_upload(project_id)
    assert stolen.status_code == 404
    peek = await intruder.studio.get(
        f"/api/youtube/videos/{queued['id']}", headers=intruder.headers
    )
    assert peek.status_code == 404
    assert (await intruder.get("/api/youtube/videos"))["total"] == 0


async def test_without_google_settings_the_endpoints_answer_503(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    for method, path, body in (
        ("GET", "/api/youtube/connect", None),
        ("GET", "/api/youtube/channel", None),
        ("POST", "/api/youtube/upload", {"project_id": str(uuid.uuid4()), "channel_id": "UC-1"}),
    ):
        answer = await client.request(method, path, json=body, headers=account.headers)
        assert answer.status_code == 503, (path, answer.text)
        error = answer.json()
        assert error["code"] == "youtube_not_configured"
        assert "GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI" in error["detail"]
        assert error["missing_settings"] == [
            "GOOGLE_CLIENT_ID",
            "GOOGLE_CLIENT_SECRET",
            "GOOGLE_REDIRECT_URI",
        ]
    listing = await client.get("/api/youtube/videos", headers=account.headers)
    assert listing.status_code == 200  # the history stays readable


async def test_connect_keeps_state_and_pkce_in_the_session_until_the_callback(
    creator: Publisher,
) -> None:
    studio, account = creator.studio, creator.account
    anonymous = await studio.get("/api/youtube/connect", headers={"Accept": "text/html"})
    assert anonymous.status_code == 401
    studio.cookies.set(SESSION_COOKIE, account.token)  # signed in to the studio in a browser
    browser = await studio.get("/api/youtube/connect", headers={"Accept": "text/html"})
    studio.cookies.delete(SESSION_COOKIE)
    assert browser.status_code == 303
    assert browser.headers["location"].startswith("https://accounts.google.com/o/oauth2/v2/auth")
    forged = await studio.get(
        "/api/youtube/callback", params={"state": "forged-state", "code": "code-1"}
    )
    assert forged.headers["location"] == "/studio/?youtube=failed&reason=oauth_state_mismatch"
    replay = await studio.get(
        "/api/youtube/callback",
        params={"state": query_of(browser.headers["location"])["state"], "code": "code-1"},
    )
    assert replay.headers["location"] == "/studio/?youtube=failed&reason=oauth_session_expired"

    url = await creator.connect()
    consent = query_of(url)
    assert consent["code_challenge_method"] == "S256"
    assert consent["login_hint"] == account.user["email"]
    assert "filmstudio_youtube_oauth" not in studio.cookies  # single use
    verifier = _form(creator.google.token_endpoint.sent[0].body)["code_verifier"][0]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert consent["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    channel = await creator.get("/api/youtube/channel")
    assert channel["connected"] is True
    assert (channel["channel_id"], channel["channel_title"]) == (CHANNEL_ID, "Lantern Films")
    assert channel["channel_url"] == f"https://www.youtube.com/channel/{CHANNEL_ID}"
    actions = [action for action, _ in await creator.logs()]
    assert actions.count("youtube.connect.failed") == 1  # the forged one


async def test_disconnect_revokes_at_google_and_forgets_the_token(publisher: Publisher) -> None:
    http = publisher.google.script([({"status": "200"}, "")])

    answer = await publisher.studio.post("/api/youtube/disconnect", headers=publisher.headers)

    assert answer.status_code == 200
    assert answer.json()["connected"] is False
    assert "You disconnected" in answer.json()["disconnect_reason"]
    revoke_uri, _, revoke_body, _ = http.requests[0]
    assert revoke_uri == GOOGLE_REVOKE_URI
    assert _form(revoke_body)["token"] == [STORED_REFRESH_TOKEN]
    actions = [action for action, _ in await publisher.logs()]
    assert {"youtube.disconnected", "youtube.revoked"} <= set(actions)
    assert await publisher.stored_token() is None
    assert http.unused == 0


async def test_a_cancelled_upload_shows_as_failed_and_frees_the_film(publisher: Publisher) -> None:
    project_id = await publisher.add_film()
    queued = await publisher.upload(project_id)

    cancelled = await publisher.studio.post(
        f"/api/ai/jobs/{queued['job_id']}/cancel", headers=publisher.headers
    )
    assert cancelled.status_code == 200, cancelled.text

    video = await publisher.get(f"/api/youtube/videos/{queued['id']}")
    assert (video["upload_status"], video["failure_reason"]) == ("failed", "cancelled")
    assert "cancelled by the user" in video["failure_message"]
    again = await publisher.request_upload(project_id)
    assert again.status_code == 202, again.text


async def test_tokens_from_before_a_secret_rotation_still_publish_and_are_re_encrypted(
    publisher: Publisher,
) -> None:
    project_id = await publisher.add_film(subtitles=False)
    queued = await publisher.upload(project_id, playlist_id="PL-rotation")
    before = await publisher.stored_token()
    assert before is not None
    rotated = publisher.settings.model_copy(
        update={
            "secret_key": "a-brand-new-secret-key-of-at-least-32-bytes",
            "secret_key_previous": publisher.settings.jwt_secret,
        }
    )
    rotated.__dict__.pop("jwt_secret", None)  # forget the cached old secret

    job, video, _ = await publisher.publish(
        queued,
        [
            token_granted("access-1"),
            session_started(),
            video_created("vid-4"),
            THUMBNAIL_SET,
            json_answer({"id": "item-4"}),
        ],
        settings=rotated,
    )

    assert job["status"] == "complete", job
    assert video["video_id"] == "vid-4"
    after = await publisher.stored_token()
    assert after is not None and after.split(":")[1] != before.split(":")[1]  # new key id


async def test_a_film_gone_from_storage_fails_at_once_with_the_reason(
    publisher: Publisher,
) -> None:
    project_id = await publisher.add_film()
    queued = await publisher.upload(project_id)
    storage = publisher.context.storage
    assert isinstance(storage, LocalStorage)
    for path in (storage.root / "projects" / project_id).rglob("film.mp4"):
        path.unlink()

    job, video, http = await publisher.publish(queued, [])

    assert job["status"] == "failed" and job["attempts"] == 1
    assert video["failure_reason"] == "invalid_publish_input"
    assert "gone from storage" in video["failure_message"]
    assert http.requests == []  # nothing was sent to Google


async def test_the_studio_publish_button_queues_the_upload_for_the_connected_channel(
    creator: Publisher,
) -> None:
    project_id = await creator.add_film()
    settings = creator.settings
    with gr.Blocks():
        tab = FilmsTab(StudioRuntime(lambda: creator.context), settings, gr.State())
    signed_in = gr.Request(username=creator.account.id)
    assert 'href="/api/youtube/connect"' in publish_note(settings)

    opened = await tab.show(project_id, signed_in)
    assert opened[tab.publish].interactive is True
    first = await tab.publish_film(project_id, signed_in)
    assert "Connect a YouTube channel first" in first

    await creator.connect()
    queued = await tab.publish_film(project_id, signed_in)
    assert "Uploading to &#x27;Lantern Films&#x27; as a private video" in queued
    again = await tab.publish_film(project_id, signed_in)
    assert "already being uploaded" in again
    listing = await creator.get("/api/youtube/videos")
    assert [video["upload_status"] for video in listing["videos"]] == ["pending"]
