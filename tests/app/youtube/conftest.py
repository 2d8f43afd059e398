"""Fixtures for the YouTube tests: a tiny real MP4, subtitles, credentials, no network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials
from PIL import Image

from app.youtube.metadata import FilmDetails, VideoMetadata, build_video_metadata
from tests.app.youtube.google_http import credentials
from tests.app.youtube.sample_media import make_mp4

FILM_SECONDS = 1


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to open a network connection."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a YouTube test tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="session")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1 s noisy 160x90 film of about 0.8 MB: two 512 KiB upload chunks."""
    return make_mp4(tmp_path_factory.mktemp("film") / "film.mp4", seconds=FILM_SECONDS)


@pytest.fixture
def subtitles(tmp_path: Path) -> Path:
    path = tmp_path / "film.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:00,900\nOnce upon a time.\n", encoding="utf-8")
    return path


@pytest.fixture
def thumbnail(tmp_path: Path) -> Path:
    path = tmp_path / "thumb.jpg"
    Image.new("RGB", (1280, 720), (200, 120, 40)).save(path, "JPEG")
    return path


@pytest.fixture
def metadata() -> VideoMetadata:
    return build_video_metadata(
        FilmDetails(title="The Lantern", script="A girl finds a lantern. It glows.")
    )


@pytest.fixture
def live_credentials() -> Credentials:
    """An access token valid for another hour."""
    return credentials("live-token", expires_in_s=3600)


@pytest.fixture
def expired_credentials() -> Credentials:
    """An access token that expired a minute ago; the refresh token is still good."""
    return credentials("stale-token", expires_in_s=-60)
