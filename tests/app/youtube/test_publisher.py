"""Publishing offline against scripted Google answers: upload, resume, quota, tokens."""

from __future__ import annotations

import json
import random
import urllib.parse
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials

from app.youtube.errors import (
    AccessRevoked,
    PublishInputError,
    QuotaExceeded,
    RejectedFile,
    RejectedMetadata,
    TransientError,
)
from app.youtube.metadata import VideoMetadata
from app.youtube.oauth import GOOGLE_TOKEN_URI
from app.youtube.publisher import PublishRequest, PublishResult, publish
from app.youtube.retry import RetryPolicy
from tests.app.youtube.google_http import (
    SESSION_URI,
    ScriptedHttp,
    chunk_stored,
    content_ranges,
    google_error,
    header,
    json_answer,
    session_started,
    token_granted,
    video_created,
)

CHUNK = 512 * 1024
"""Upload chunk size in the tests: the ~0.8 MB film goes up in two chunks."""


class Recorder:
    """Collects what publish reports: progress fractions, step lines, sleeps."""

    def __init__(self) -> None:
        self.progress: list[float] = []
        self.steps: list[str] = []
        self.sleeps: list[float] = []


def run(
    credentials: Credentials,
    request: PublishRequest,
    http: ScriptedHttp,
    recorder: Recorder,
    policy: RetryPolicy | None = None,
) -> PublishResult:
    return publish(
        credentials,
        request,
        on_progress=recorder.progress.append,
        on_step=recorder.steps.append,
        transport=http,
        retry_policy=policy,
        sleep=recorder.sleeps.append,
        rng=random.Random(7),
        chunk_size_bytes=CHUNK,
    )


def test_clean_upload_adds_captions_thumbnail_and_playlist(
    film: Path,
    subtitles: Path,
    thumbnail: Path,
    metadata: VideoMetadata,
    live_credentials: Credentials,
) -> None:
    size = film.stat().st_size
    assert CHUNK < size < 2 * CHUNK
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-1"),
            json_answer({"id": "caption-1"}),
            json_answer({"items": [{"default": {"url": "https://i.ytimg.test/1.jpg"}}]}),
            json_answer({"id": "item-1"}),
        ]
    )
    recorder = Recorder()
    request = PublishRequest(film, metadata, subtitles, thumbnail, playlist_id="PL-films")

    result = run(live_credentials, request, http, recorder)

    assert result.video_id == "vid-1"
    assert result.video_url == "https://www.youtube.com/watch?v=vid-1"
    assert result.caption_id == "caption-1"
    assert result.thumbnail_set
    assert (result.playlist_id, result.playlist_item_id) == ("PL-films", "item-1")
    assert (result.video_bytes, result.bytes_sent, result.attempts) == (size, size, 1)
    assert result.warnings == ()
    assert http.unused == 0
    assert recorder.sleeps == []

    init_uri, init_method, init_body, init_headers = http.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlparse(init_uri).query)
    assert init_method == "POST"
    assert query["uploadType"] == ["resumable"]
    assert query["part"] == ["snippet,status"]
    assert header(init_headers, "x-upload-content-length") == str(size)
    assert header(init_headers, "authorization") == "Bearer live-token"
    body = json.loads(init_body)
    assert body["snippet"]["title"] == "The Lantern"
    assert body["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
    assert content_ranges(http) == [
        f"bytes 0-{CHUNK - 1}/{size}",
        f"bytes {CHUNK}-{size - 1}/{size}",
    ]

    caption_uri, _, caption_body, _ = http.requests[3]
    assert "/upload/youtube/v3/captions" in caption_uri
    assert "uploadType=multipart" in caption_uri
    assert b'"videoId": "vid-1"' in caption_body
    assert b"Once upon a time." in caption_body
    assert "sync" not in caption_uri  # timed captions, never auto-synced
    thumbnail_uri, _, thumbnail_body, thumbnail_headers = http.requests[4]
    assert "/thumbnails/set" in thumbnail_uri
    assert "videoId=vid-1" in thumbnail_uri
    assert header(thumbnail_headers, "content-type") == "image/jpeg"
    assert thumbnail_body == thumbnail.read_bytes()
    playlist_uri, _, playlist_body, _ = http.requests[5]
    assert "/youtube/v3/playlistItems" in playlist_uri
    assert json.loads(playlist_body)["snippet"] == {
        "playlistId": "PL-films",
        "resourceId": {"kind": "youtube#video", "videoId": "vid-1"},
    }

    assert recorder.progress == sorted(recorder.progress)
    assert recorder.progress[0] == 0.0
    assert recorder.progress[-1] == 1.0
    assert recorder.steps == [
        "upload started (0.8 MB)",
        "uploaded 60%",
        "video uploaded (vid-1)",
        "captions added (en)",
        "thumbnail set",
        "added to playlist PL-films",
        "published",
    ]


def test_503_mid_upload_resumes_from_the_acknowledged_byte(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    size = film.stat().st_size
    acknowledged = 3 * 256 * 1024  # the server kept part of the failed second chunk
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            google_error(503, "backendError", "Backend Error"),
            chunk_stored(acknowledged - 1),  # answer to the status query
            video_created("vid-2"),
        ]
    )
    recorder = Recorder()

    result = run(live_credentials, PublishRequest(film, metadata), http, recorder)

    assert result.video_id == "vid-2"
    assert content_ranges(http) == [
        f"bytes 0-{CHUNK - 1}/{size}",
        f"bytes {CHUNK}-{size - 1}/{size}",
        f"bytes */{size}",
        f"bytes {acknowledged}-{size - 1}/{size}",
    ]
    # One upload session only: the retry resumed it, it did not start a new one.
    assert [method for _, method, _, _ in http.requests].count("POST") == 1
    assert all(uri == SESSION_URI for uri, method, _, _ in http.requests if method == "PUT")
    assert result.bytes_sent == CHUNK + (size - CHUNK) + (size - acknowledged)
    assert result.bytes_sent < 2 * size
    assert (result.attempts, result.retries) == (2, 1)
    assert len(recorder.sleeps) == 1
    assert 0.5 <= recorder.sleeps[0] <= 1.0
    assert any("HTTP 503" in step and "retrying in" in step for step in recorder.steps)
    assert recorder.progress == sorted(recorder.progress)


def test_network_failure_mid_upload_resumes(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    size = film.stat().st_size
    http = ScriptedHttp(
        [
            session_started(),
            ConnectionResetError(104, "Connection reset by peer"),
            chunk_stored(256 * 1024 - 1),
            chunk_stored(CHUNK - 1 + 256 * 1024),
            video_created("vid-3"),
        ]
    )
    recorder = Recorder()

    result = run(live_credentials, PublishRequest(film, metadata), http, recorder)

    assert result.video_id == "vid-3"
    assert content_ranges(http) == [
        f"bytes 0-{CHUNK - 1}/{size}",
        f"bytes */{size}",
        f"bytes {256 * 1024}-{256 * 1024 + CHUNK - 1}/{size}",
        f"bytes {256 * 1024 + CHUNK}-{size - 1}/{size}",
    ]
    assert any("network failure" in step for step in recorder.steps)


@pytest.mark.parametrize("reason", ["quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"])
def test_quota_exceeded_is_reported_and_not_retried(
    reason: str, film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp([google_error(403, reason, "The request cannot be completed.")])
    recorder = Recorder()

    with pytest.raises(QuotaExceeded) as caught:
        run(live_credentials, PublishRequest(film, metadata), http, recorder)

    assert caught.value.reason == reason
    assert caught.value.code == "quota_exceeded"
    assert reason in str(caught.value)
    assert len(http.requests) == 1
    assert recorder.sleeps == []


def test_short_term_rate_limit_is_retried(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            google_error(403, "rateLimitExceeded", "Rate Limit Exceeded"),
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-4"),
        ]
    )
    recorder = Recorder()

    result = run(live_credentials, PublishRequest(film, metadata), http, recorder)

    assert result.video_id == "vid-4"
    assert len(recorder.sleeps) == 1


def test_expired_access_token_is_refreshed_first(
    film: Path, metadata: VideoMetadata, expired_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            token_granted("fresh-token"),
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-5"),
        ]
    )

    result = run(expired_credentials, PublishRequest(film, metadata), http, Recorder())

    assert result.video_id == "vid-5"
    token_uri, token_method, token_body, _ = http.requests[0]
    assert (token_uri, token_method) == (GOOGLE_TOKEN_URI, "POST")
    form = urllib.parse.parse_qs(token_body if isinstance(token_body, str) else token_body.decode())
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["refresh-token-1"]
    api_tokens = {header(headers, "authorization") for _, _, _, headers in http.requests[1:]}
    assert api_tokens == {"Bearer fresh-token"}
    assert expired_credentials.token == "fresh-token"
    assert expired_credentials.valid


def test_access_token_refused_by_the_api_is_refreshed_and_replayed(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            google_error(401, "authError", "Invalid Credentials"),
            token_granted("second-token"),
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-6"),
        ]
    )

    result = run(live_credentials, PublishRequest(film, metadata), http, Recorder())

    assert result.video_id == "vid-6"
    assert header(http.requests[0][3], "authorization") == "Bearer live-token"
    assert http.requests[1][0] == GOOGLE_TOKEN_URI
    assert http.requests[2][2] == http.requests[0][2]  # the same insert, replayed
    assert header(http.requests[2][3], "authorization") == "Bearer second-token"


def test_revoked_refresh_token_raises_access_revoked(
    film: Path, metadata: VideoMetadata, expired_credentials: Credentials
) -> None:
    revoked = json_answer(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, 400
    )
    http = ScriptedHttp([revoked])
    recorder = Recorder()

    with pytest.raises(AccessRevoked) as caught:
        run(expired_credentials, PublishRequest(film, metadata), http, recorder)

    assert caught.value.code == "access_revoked"
    assert "connect the YouTube channel again" in str(caught.value)
    assert caught.value.video_id is None
    assert [uri for uri, _, _, _ in http.requests] == [GOOGLE_TOKEN_URI]
    assert recorder.sleeps == []


def test_access_revoked_after_the_upload_keeps_the_video_id(
    film: Path, subtitles: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-7"),
            google_error(401, "authError", "Invalid Credentials"),
            json_answer({"error": "invalid_grant"}, 400),
        ]
    )

    with pytest.raises(AccessRevoked) as caught:
        run(live_credentials, PublishRequest(film, metadata, subtitles), http, Recorder())

    assert caught.value.video_id == "vid-7"


def test_retries_stop_after_the_attempt_limit_with_growing_waits(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    policy = RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=3.0)
    http = ScriptedHttp([google_error(500, "backendError", "Backend Error")] * 4)
    recorder = Recorder()

    with pytest.raises(TransientError) as caught:
        run(live_credentials, PublishRequest(film, metadata), http, recorder, policy)

    assert caught.value.attempts == 4
    assert "gave up after 4 attempts" in str(caught.value)
    assert len(http.requests) == 4
    ceilings = [1.0, 2.0, 3.0]
    assert len(recorder.sleeps) == 3
    for wait, ceiling in zip(recorder.sleeps, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_expired_upload_session_starts_the_upload_again(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    size = film.stat().st_size
    second_session = "https://upload.test/resumable-session-2"
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            google_error(503, "backendError"),
            google_error(404, "notFound", "Upload session not found"),
            session_started(second_session),
            chunk_stored(CHUNK - 1),
            video_created("vid-8"),
        ]
    )
    recorder = Recorder()

    result = run(live_credentials, PublishRequest(film, metadata), http, recorder)

    assert result.video_id == "vid-8"
    assert result.attempts == 3
    puts = [uri for uri, method, _, _ in http.requests if method == "PUT"]
    assert puts[-2:] == [second_session, second_session]
    assert content_ranges(http)[-1] == f"bytes {CHUNK}-{size - 1}/{size}"
    assert any("session expired" in step for step in recorder.steps)


def test_refused_video_file_is_rejected_file(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            google_error(400, "invalidVideo", "The video file is not a valid video."),
        ]
    )

    with pytest.raises(RejectedFile, match="not a valid video"):
        run(live_credentials, PublishRequest(film, metadata), http, Recorder())


def test_refused_title_is_rejected_metadata(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp(
        [
            google_error(
                400, "invalidTitle", "The request metadata specifies an invalid video title."
            )
        ]
    )

    with pytest.raises(RejectedMetadata, match="invalidTitle"):
        run(live_credentials, PublishRequest(film, metadata), http, Recorder())


def test_video_rejected_after_upload_is_rejected_file(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    rejected = json_answer(
        {"id": "vid-9", "status": {"uploadStatus": "rejected", "rejectionReason": "duplicate"}}
    )
    http = ScriptedHttp([session_started(), chunk_stored(CHUNK - 1), rejected])

    with pytest.raises(RejectedFile, match="duplicate") as caught:
        run(live_credentials, PublishRequest(film, metadata), http, Recorder())

    assert caught.value.video_id == "vid-9"


def test_thumbnail_refusal_is_a_warning_and_the_rest_goes_on(
    film: Path, thumbnail: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    refusal = google_error(
        403,
        "forbidden",
        "The authenticated user doesn't have permissions to upload and set custom video thumbnails.",
    )
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            video_created("vid-10"),
            refusal,
            json_answer({"id": "item-10"}),
        ]
    )
    recorder = Recorder()
    request = PublishRequest(film, metadata, thumbnail_path=thumbnail, playlist_id="PL-1")

    result = run(live_credentials, request, http, recorder)

    assert not result.thumbnail_set
    assert result.playlist_item_id == "item-10"
    assert [(w.step, w.code) for w in result.warnings] == [("thumbnail", "rejected_request")]
    assert "custom video thumbnails" in result.warnings[0].message
    assert any(step.startswith("thumbnail skipped:") for step in recorder.steps)


def test_bad_input_fails_before_any_request(
    tmp_path: Path, film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    http = ScriptedHttp([])
    with pytest.raises(PublishInputError, match="missing or empty"):
        run(live_credentials, PublishRequest(tmp_path / "absent.mp4", metadata), http, Recorder())
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff" * (2 * 1024 * 1024 + 1))
    with pytest.raises(PublishInputError, match="2 MB"):
        run(live_credentials, PublishRequest(film, metadata, thumbnail_path=big), http, Recorder())
    with pytest.raises(ValueError, match="multiple of 262144"):
        publish(
            live_credentials, PublishRequest(film, metadata), transport=http, chunk_size_bytes=1000
        )
    assert http.requests == []


def test_upload_found_complete_after_a_failure_is_not_sent_again(
    film: Path, metadata: VideoMetadata, live_credentials: Credentials
) -> None:
    size = film.stat().st_size
    http = ScriptedHttp(
        [
            session_started(),
            chunk_stored(CHUNK - 1),
            TimeoutError("timed out"),  # the last chunk's answer was lost...
            video_created("vid-11"),  # ...but the server had it all: the status query says so
        ]
    )

    result = run(live_credentials, PublishRequest(film, metadata), http, Recorder())

    assert result.video_id == "vid-11"
    assert content_ranges(http)[-1] == f"bytes */{size}"
    assert http.unused == 0
