"""Publish a finished film to YouTube: resumable upload, captions, thumbnail, playlist.

`publish` is blocking and talks only to Google; the upload job wraps it, turns the step lines
into log rows and the raised error's `code` into the upload's failure reason.

The video goes up with a resumable ``videos.insert`` in chunks. A 5xx answer or a network
failure is retried with exponential backoff and jitter; the retry first asks the server how
many bytes it holds and continues from there, so an interrupted upload never starts over
(unless Google has dropped the upload session, which is then started again). Quota errors,
revoked access and refused files are final. Once the video is up, a failure to add captions,
thumbnail or playlist entry is recorded as a warning, not a failure: the video stays published.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

from app.youtube.classify import classify_error
from app.youtube.client import (
    HttpTransport,
    YouTubeResource,
    authorized_http,
    build_youtube,
    default_transport,
)
from app.youtube.errors import (
    AccessRevoked,
    OAuthClientRejected,
    PublishInputError,
    RejectedFile,
    RequestRejected,
    TransientError,
    YouTubeError,
)
from app.youtube.metadata import VideoMetadata
from app.youtube.retry import Backoff, RetryPolicy, Sleep, StepLog, call_with_retries
from app.youtube.thumbnail import THUMBNAIL_MAX_BYTES

T = TypeVar("T")

UPLOAD_CHUNK_QUANTUM_BYTES = 256 * 1024
"""Every chunk but the last must be a multiple of this (YouTube's resumable upload rule)."""
DEFAULT_CHUNK_SIZE_BYTES = 64 * UPLOAD_CHUNK_QUANTUM_BYTES
"""16 MiB: few round trips, and at most this much is sent again after a failure."""
UPLOAD_PROGRESS_SHARE = 0.9
"""Share of the progress bar the video upload fills; the remaining steps share the rest."""
PROGRESS_LOG_STEP_PERCENT = 20
"""A step line is written each time the upload passes another multiple of this percentage."""
VIDEO_MIME_TYPE = "video/mp4"
CAPTION_MIME_TYPE = "application/octet-stream"
THUMBNAIL_MIME_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
DEFAULT_CAPTION_NAME = "Subtitles"
"""Caption track name shown in the player's subtitle menu beside the language."""
VIDEO_PARTS = "snippet,status"
WATCH_URL = "https://www.youtube.com/watch?v="
DEFAULT_MAX_REDIRECTS = 5
"""httplib2's default redirect limit, passed through by the byte counter."""
_SESSION_GONE_STATUSES = frozenset({404, 410})

ProgressCallback = Callable[[float], None]
"""Receives the fraction of the whole publish done, 0..1, never decreasing."""

OptionalStep = Literal["captions", "thumbnail", "playlist"]
_STEP_ACTIONS: dict[OptionalStep, str] = {
    "captions": "add the captions",
    "thumbnail": "set the thumbnail",
    "playlist": "add the video to the playlist",
}


@dataclass(frozen=True)
class PublishRequest:
    """The film's files and details to publish."""

    video_path: Path
    metadata: VideoMetadata
    captions_path: Path | None = None
    """An SRT file with timings; uploaded as a caption track (YouTube does not sync it)."""
    thumbnail_path: Path | None = None
    """A JPEG or PNG of at most 2 MB (see `app.youtube.thumbnail.extract_thumbnail`)."""
    playlist_id: str | None = None
    caption_language: str | None = None
    """The caption track's language; None: the video's language."""
    caption_name: str = DEFAULT_CAPTION_NAME


@dataclass(frozen=True)
class StepFailure:
    """An optional step that did not happen, though the video itself was published."""

    step: OptionalStep
    code: str
    """The error's machine code (quota_exceeded, rejected_request ...)."""
    message: str


@dataclass(frozen=True)
class PublishResult:
    """What was published, and how the upload went."""

    video_id: str
    caption_id: str | None
    thumbnail_set: bool
    playlist_id: str | None
    """The playlist the video was added to; None when none was asked or adding failed."""
    playlist_item_id: str | None
    video_bytes: int
    bytes_sent: int
    """Video bytes put on the wire, resent ones included (equal to video_bytes when clean)."""
    attempts: int
    """Tries of the video upload: 1 when nothing failed."""
    retries: int
    """Retried failures across all steps."""
    warnings: tuple[StepFailure, ...] = field(default_factory=tuple)

    @property
    def video_url(self) -> str:
        """The watch page of the video."""
        return WATCH_URL + self.video_id


def publish(
    credentials: Credentials,
    request: PublishRequest,
    *,
    on_progress: ProgressCallback | None = None,
    on_step: StepLog | None = None,
    transport: HttpTransport | None = None,
    retry_policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
    rng: random.Random | None = None,
    chunk_size_bytes: int = DEFAULT_CHUNK_SIZE_BYTES,
) -> PublishResult:
    """Upload the film, then add captions, thumbnail and playlist entry when given.

    `credentials` may hold an expired (or no) access token: it is refreshed through the same
    `transport` (default: a fresh httplib2 transport; tests pass an HttpMockSequence). An
    exception raised by a callback aborts the publish. Raises PublishInputError before any
    request; QuotaExceeded, AccessRevoked, RejectedFile, RejectedMetadata, NoChannel,
    RequestRejected or TransientError (retries used up) for the upload; AccessRevoked or
    OAuthClientRejected after it, with `video_id` set on the error.
    """
    _check_request(request, chunk_size_bytes)
    progress = on_progress or _ignore
    step = on_step or _ignore
    meter = _MeteredTransport(transport if transport is not None else default_transport())
    youtube = build_youtube(authorized_http(credentials, meter))
    backoff = Backoff(retry_policy or RetryPolicy(), sleep, rng or random.Random())

    video_id, attempts = _upload_video(youtube, request, backoff, progress, step, chunk_size_bytes)
    try:
        return _finish(youtube, request, video_id, attempts, meter, backoff, progress, step)
    except YouTubeError as error:
        error.video_id = video_id
        raise


def _finish(
    youtube: YouTubeResource,
    request: PublishRequest,
    video_id: str,
    attempts: int,
    meter: _MeteredTransport,
    backoff: Backoff,
    progress: ProgressCallback,
    step: StepLog,
) -> PublishResult:
    warnings: list[StepFailure] = []
    planned = [
        request.captions_path is not None,
        request.thumbnail_path is not None,
        request.playlist_id is not None,
    ]
    share = (1.0 - UPLOAD_PROGRESS_SHARE) / max(sum(planned), 1)
    done = UPLOAD_PROGRESS_SHARE

    caption_id = None
    if request.captions_path is not None:
        language = request.caption_language or request.metadata.language
        captions_path = request.captions_path
        caption = _optional_step(
            "captions",
            lambda: _insert_captions(
                youtube, video_id, captions_path, language, request.caption_name
            ),
            backoff,
            step,
            warnings,
        )
        if caption is not None:
            caption_id = str(caption["id"])
            step(f"captions added ({language})")
        done += share
        progress(done)

    thumbnail_set = False
    if request.thumbnail_path is not None:
        thumbnail_path = request.thumbnail_path
        answer = _optional_step(
            "thumbnail",
            lambda: _set_thumbnail(youtube, video_id, thumbnail_path),
            backoff,
            step,
            warnings,
        )
        if answer is not None:
            thumbnail_set = True
            step("thumbnail set")
        done += share
        progress(done)

    playlist_item_id = None
    if request.playlist_id is not None:
        playlist_id = request.playlist_id
        item = _optional_step(
            "playlist",
            lambda: _add_to_playlist(youtube, video_id, playlist_id),
            backoff,
            step,
            warnings,
        )
        if item is not None:
            playlist_item_id = str(item["id"])
            step(f"added to playlist {playlist_id}")
    progress(1.0)
    step("published")
    return PublishResult(
        video_id=video_id,
        caption_id=caption_id,
        thumbnail_set=thumbnail_set,
        playlist_id=request.playlist_id if playlist_item_id is not None else None,
        playlist_item_id=playlist_item_id,
        video_bytes=request.video_path.stat().st_size,
        bytes_sent=meter.upload_bytes_sent,
        attempts=attempts,
        retries=backoff.retries,
        warnings=tuple(warnings),
    )


def _upload_video(
    youtube: YouTubeResource,
    request: PublishRequest,
    backoff: Backoff,
    progress: ProgressCallback,
    step: StepLog,
    chunk_size_bytes: int,
) -> tuple[str, int]:
    size = request.video_path.stat().st_size
    body = request.metadata.to_request_body()
    step(f"upload started ({_megabytes(size)})")
    progress(0.0)
    with request.video_path.open("rb") as stream:

        def new_session() -> Any:
            media = MediaIoBaseUpload(
                stream, mimetype=VIDEO_MIME_TYPE, chunksize=chunk_size_bytes, resumable=True
            )
            return youtube.videos().insert(part=VIDEO_PARTS, body=body, media_body=media)

        upload = new_session()
        attempts = 1
        logged_percent = 0
        while True:
            try:
                status, response = upload.next_chunk()
            except Exception as error:
                if _session_gone(error, upload):
                    upload = new_session()
                    lost = TransientError("The upload session expired; starting the upload again.")
                else:
                    classified = classify_error(
                        error, action="upload the video", refused_as=RejectedFile
                    )
                    if classified is None or classified is error:
                        raise
                    if not isinstance(classified, TransientError):
                        raise classified from error
                    lost = classified
                lost.__cause__ = error
                backoff.wait_or_give_up(lost, step)
                attempts += 1
                continue
            backoff.succeeded()
            if response is not None:
                break
            if status is not None and size:
                fraction = status.resumable_progress / size
                progress(UPLOAD_PROGRESS_SHARE * fraction)
                percent = (
                    int(fraction * 100) // PROGRESS_LOG_STEP_PERCENT * PROGRESS_LOG_STEP_PERCENT
                )
                if percent > logged_percent:
                    logged_percent = percent
                    step(f"uploaded {percent}%")
    video_id = _uploaded_video_id(response)
    progress(UPLOAD_PROGRESS_SHARE)
    step(f"video uploaded ({video_id})")
    return video_id, attempts


def _uploaded_video_id(response: Any) -> str:
    if not isinstance(response, dict) or not response.get("id"):
        raise RequestRejected("YouTube finished the upload without returning a video id.")
    status = response.get("status") or {}
    if status.get("uploadStatus") in ("rejected", "failed"):
        why = status.get("rejectionReason") or status.get("failureReason") or "no reason given"
        error = RejectedFile(f"YouTube rejected the uploaded video ({why}).")
        error.video_id = str(response["id"])
        raise error
    return str(response["id"])


def _session_gone(error: Exception, upload: Any) -> bool:
    """True when Google no longer knows the resumable session the upload was writing to."""
    return (
        isinstance(error, HttpError)
        and upload.resumable_uri is not None
        and int(error.status_code) in _SESSION_GONE_STATUSES
    )


def _optional_step(
    name: OptionalStep,
    call: Callable[[], T],
    backoff: Backoff,
    step: StepLog,
    warnings: list[StepFailure],
) -> T | None:
    try:
        return call_with_retries(call, action=_STEP_ACTIONS[name], backoff=backoff, on_step=step)
    except (AccessRevoked, OAuthClientRejected):
        raise
    except YouTubeError as error:
        warnings.append(StepFailure(name, error.code, str(error)))
        step(f"{name} skipped: {error}")
        return None


def _insert_captions(
    youtube: YouTubeResource, video_id: str, path: Path, language: str, name: str
) -> Any:
    media = MediaIoBaseUpload(io.BytesIO(path.read_bytes()), mimetype=CAPTION_MIME_TYPE)
    snippet = {"videoId": video_id, "language": language, "name": name, "isDraft": False}
    return (
        youtube.captions()
        .insert(part="snippet", body={"snippet": snippet}, media_body=media)
        .execute()
    )


def _set_thumbnail(youtube: YouTubeResource, video_id: str, path: Path) -> Any:
    media = MediaIoBaseUpload(
        io.BytesIO(path.read_bytes()), mimetype=THUMBNAIL_MIME_TYPES[path.suffix.lower()]
    )
    return youtube.thumbnails().set(videoId=video_id, media_body=media).execute()


def _add_to_playlist(youtube: YouTubeResource, video_id: str, playlist_id: str) -> Any:
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }
    return youtube.playlistItems().insert(part="snippet", body=body).execute()


def _check_request(request: PublishRequest, chunk_size_bytes: int) -> None:
    if chunk_size_bytes <= 0 or chunk_size_bytes % UPLOAD_CHUNK_QUANTUM_BYTES:
        raise ValueError(
            f"The upload chunk size must be a positive multiple of {UPLOAD_CHUNK_QUANTUM_BYTES} "
            "bytes."
        )
    video = request.video_path
    if not video.is_file() or video.stat().st_size == 0:
        raise PublishInputError(f"The film file {video} is missing or empty.")
    if request.captions_path is not None and not request.captions_path.is_file():
        raise PublishInputError(f"The subtitles file {request.captions_path} is missing.")
    thumbnail = request.thumbnail_path
    if thumbnail is not None:
        if thumbnail.suffix.lower() not in THUMBNAIL_MIME_TYPES:
            raise PublishInputError(f"The thumbnail {thumbnail.name} must be a JPEG or PNG file.")
        if not thumbnail.is_file():
            raise PublishInputError(f"The thumbnail file {thumbnail} is missing.")
        if thumbnail.stat().st_size > THUMBNAIL_MAX_BYTES:
            raise PublishInputError(
                f"The thumbnail {thumbnail.name} is larger than YouTube's 2 MB limit."
            )
    if request.playlist_id is not None and not request.playlist_id.strip():
        raise PublishInputError("The playlist id is empty.")


class _MeteredTransport:
    """Passes requests through and counts the video bytes sent in upload chunks."""

    def __init__(self, inner: HttpTransport) -> None:
        self._inner = inner
        self.upload_bytes_sent = 0

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = DEFAULT_MAX_REDIRECTS,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        if method == "PUT" and headers:
            lowered = {str(key).lower(): str(value) for key, value in headers.items()}
            content_range = lowered.get("content-range", "")
            if content_range.startswith("bytes ") and not content_range.startswith("bytes */"):
                self.upload_bytes_sent += int(lowered.get("content-length", "0"))
        return self._inner.request(
            uri,
            method,
            body=body,
            headers=headers,
            redirections=redirections,
            connection_type=connection_type,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _ignore(*_: object) -> None:
    """A callback that drops what it is given."""
