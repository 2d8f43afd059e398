"""Settings from the environment and `.env`: one `Settings` object for every process."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from pipeline.vocabulary import (
    DEFAULT_LIPSYNC_BACKEND,
    DEFAULT_MUSIC_BACKEND,
    DEFAULT_TALKING_BACKEND,
    DEFAULT_TTS_BACKEND,
    DEFAULT_VIDEO_BACKEND,
    DeviceChoice,
    LipSyncBackend,
    MusicBackend,
    TalkingBackend,
    TtsBackend,
    VideoBackend,
)

DEFAULT_CACHE_MAX_BYTES = 20 * 1024**3
"""The stage cache's default size cap (20 GiB)."""
MIN_SECRET_KEY_BYTES = 32
"""Shortest SECRET_KEY accepted, in bytes (HS256 wants at least 256 bits)."""

SECRET_KEY_FILE = "secret_key"
"""File under DATA_DIR holding the generated development secret."""

TOKEN_LIFETIME_S = 86_400
"""Access-token lifetime in seconds (the seed: 24 hours)."""

"""The backend names of pipeline.backends (kept here so settings load without it)."""


class Environment(StrEnum):
    """Where the studio runs; secrets are only generated in development and test."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigError(Exception):
    """The settings are unusable; the message says which one to fix."""


class Settings(BaseSettings):
    """Every setting of the studio. Names match the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str | None = None
    data_dir: Path = Path("data")
    secret_key: str | None = None
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    model_dir: Path | None = None
    cache_dir: Path | None = None
    """Where a worker keeps stage outputs renders reuse (default DATA_DIR/cache)."""
    cache_max_bytes: int = Field(default=DEFAULT_CACHE_MAX_BYTES, gt=0)
    """The stage cache's size cap; least recently used entries go first past it."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    redis_url: str | None = None
    public_base_url: str | None = None
    """The address users reach the studio at; unset: each request's own address."""

    rate_limit_register: str = "10/minute"
    rate_limit_login: str = "20/minute"
    """Failed sign-ins a minute from one client address (successes are not counted)."""
    rate_limit_register_global: str = "300/minute"
    """Sign-ups a minute across every client (a ceiling against address rotation)."""
    metrics_token: str | None = None
    """Bearer token /metrics asks for; required in production (unset there: /metrics is 404)."""
    rate_limit_uploads: str = "30/minute"
    """Upload requests (images or tracks) per user."""
    rate_limit_previews: str = "6/minute"
    """Draft previews of a scene per user (each renders a few seconds of 360p film)."""
    rate_limit_voice_previews: str = "20/minute"
    """Voice previews per user in the studio (a sentence of speech each, kept once made)."""
    forwarded_allow_ips: str = ""
    """Proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or
    networks); empty: none, every client's own address is used."""
    max_json_body_bytes: int = 1024 * 1024
    """Largest JSON request body (a 100,000-character script fits with room to spare)."""
    max_request_bytes: int = 21 * 1024 * 1024
    """Largest request body of any other route (image uploads: 20 MB files plus overhead)."""
    max_audio_request_bytes: int = 101 * 1024 * 1024
    """Largest request body of the audio upload routes (100 MB tracks plus overhead)."""
    max_upload_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    max_image_decoded_bytes: int = 64 * 1024 * 1024
    """Memory a character image may take to decode (width x height x channels x depth)."""
    max_audio_upload_bytes: int = 100 * 1024 * 1024
    max_track_minutes: int = 60
    db_pool_size: int = 10
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)

    embedded_worker: bool = True
    worker_concurrency: int = Field(default=1, ge=1, le=32)
    worker_heartbeat_s: float = Field(default=5.0, gt=0)
    worker_stalled_after_s: float = Field(default=30.0, gt=0)
    job_max_attempts: int = Field(default=3, ge=1, le=10)
    job_retry_delay_s: int = Field(default=10, ge=0)

    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_redirect_uri: str | None = None
    youtube_default_playlist_id: str | None = None
    secret_key_previous: str | None = None
    """The SECRET_KEY before the last rotation: stored YouTube tokens still decrypt with it."""

    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_price_standard: str | None = None
    stripe_price_pro: str | None = None
    stripe_price_enterprise: str | None = None
    """Recurring monthly Stripe prices (price_...) of the paid plans."""
    stripe_api_base: str | None = None
    """Another address for Stripe's API (stripe-mock, a test server); unset: Stripe itself."""
    stripe_webhook_tolerance_s: int = Field(default=300, ge=1, le=3600)
    """Oldest webhook signature timestamp accepted, in seconds (Stripe's default: 5 minutes)."""

    tts_backend: TtsBackend = DEFAULT_TTS_BACKEND
    """auto: Kokoro in the languages where it measured better than espeak-ng (when the `voice`
    extra is installed), espeak-ng elsewhere; espeak, piper or kokoro pin one engine; parler
    narrates the Indian languages Indic Parler-TTS speaks with it, from MODEL_DIR."""
    music_backend: MusicBackend = DEFAULT_MUSIC_BACKEND
    """procedural (the styles), acestep (ACE-Step 1.5, commercial use allowed; the GPU image's
    default) or musicgen (research only)."""
    video_backend: VideoBackend = DEFAULT_VIDEO_BACKEND
    lipsync_backend: LipSyncBackend = DEFAULT_LIPSYNC_BACKEND
    """auto: Wav2Lip when its weights are in MODEL_DIR, no lip-sync otherwise."""
    talking_backend: TalkingBackend = DEFAULT_TALKING_BACKEND
    """lipsync: speaking characters' stills are lip-synced (LIPSYNC_BACKEND); infinitetalk:
    InfiniteTalk makes a moving, speaking character from the image and the line (weights in
    MODEL_DIR/infinitetalk; falls back to the lip-sync path with a warning when they are
    missing)."""
    lipsync_detect_every: int = Field(default=3, ge=1, le=30)
    """Frames between face detections when lip-syncing a video (more: faster, laggier boxes)."""
    music_soundfont: str = "auto"
    """The music styles' instruments: auto (an installed General MIDI soundfont, else the
    wavetable synthesiser), none (always the wavetable) or the path of an .sf2/.sf3 file."""
    video_model: Literal["svd-img2vid-xt", "svd-img2vid", "wan2.2-ti2v-5b"] = "svd-img2vid-xt"
    video_steps: int = Field(default=25, ge=1, le=100)
    """Denoising steps per image-to-video clip (fewer: faster, rougher)."""
    neural_device: DeviceChoice = "auto"
    """Where neural backends run: auto (a CUDA GPU when usable), cuda or cpu."""
    commercial_use_only: bool | None = None
    """Refuse models whose weights forbid selling the output; unset: on in production only."""

    c2pa_cert_chain: str | None = None
    """PEM certificate chain (leaf first) that signs films' Content Credentials, or its file;
    unset: a development CA and signer generated under DATA_DIR/c2pa."""
    c2pa_private_key: str | None = None
    """The PEM private key of C2PA_CERT_CHAIN's leaf, or its file."""
    publish_quality_gate: bool = True
    """Refuse to publish a film that fails its checks (length, loudness, true peak, subtitles,
    Content Credentials, likeness consent); off only to publish films made before the gate."""
    c2pa_trust_anchors: str | None = None
    """PEM root certificates the provenance check trusts (e.g. the C2PA trust list), or a file."""

    email_confirmation: bool | None = None
    """New accounts confirm their email before signing in, and sign-up answers the same for a
    known email (no account enumeration); unset: on in production only."""
    smtp_url: str | None = None
    """Where account emails go: smtp://user:pass@host:587 (STARTTLS) or smtps://...:465; unset:
    they are kept in the email_outbox table (admins read it at /api/admin/outbox)."""
    mail_from: str = "AI Film Studio <no-reply@localhost>"
    """The From address of account emails."""

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator(
        "database_url",
        "storage_url",
        "s3_endpoint_url",
        "redis_url",
        "secret_key",
        "secret_key_previous",
        "youtube_default_playlist_id",
        "commercial_use_only",
        "stripe_secret_key",
        "stripe_webhook_secret",
        "stripe_price_standard",
        "stripe_price_pro",
        "stripe_price_enterprise",
        "stripe_api_base",
        "c2pa_cert_chain",
        "c2pa_private_key",
        "c2pa_trust_anchors",
        "metrics_token",
        "public_base_url",
        "cache_dir",
        "email_confirmation",
        "smtp_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "tts_backend",
        "music_backend",
        "music_soundfont",
        "video_backend",
        "lipsync_backend",
        "talking_backend",
        "video_model",
        "neural_device",
        mode="before",
    )
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            default: Any = cls.model_fields[str(info.field_name)].default
            return default
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("secret_key_previous")
    @classmethod
    def _previous_key_length(cls, value: str | None) -> str | None:
        if value is not None and len(value.encode()) < MIN_SECRET_KEY_BYTES:
            raise ValueError(
                f"SECRET_KEY_PREVIOUS must be at least {MIN_SECRET_KEY_BYTES} bytes long."
            )
        return value

    @cached_property
    def jwt_secret(self) -> str:
        """The signing secret: SECRET_KEY, or outside production a generated one kept in DATA_DIR."""
        if self.secret_key is not None:
            if len(self.secret_key.encode()) < MIN_SECRET_KEY_BYTES:
                raise ConfigError(
                    f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes long; "
                    "generate one with `python -c 'import secrets; print(secrets.token_hex(32))'`."
                )
            return self.secret_key
        if self.environment is Environment.PRODUCTION:
            raise ConfigError("SECRET_KEY must be set in production; refusing a generated secret.")
        return _generated_secret(self.data_dir)

    @property
    def commercial_only(self) -> bool:
        """Whether only commercially usable weights may load: COMMERCIAL_USE_ONLY, else on in
        production and off elsewhere (research use)."""
        if self.commercial_use_only is not None:
            return self.commercial_use_only
        return self.environment is Environment.PRODUCTION

    @property
    def confirms_email(self) -> bool:
        """Whether sign-up waits for the email's confirmation: EMAIL_CONFIRMATION, else on in
        production only (the quick start signs in at once)."""
        if self.email_confirmation is not None:
            return self.email_confirmation
        return self.environment is Environment.PRODUCTION

    @property
    def resolved_model_dir(self) -> Path:
        """Where model weights live: MODEL_DIR, or DATA_DIR/models."""
        return self.model_dir or self.data_dir / "models"

    @property
    def resolved_cache_dir(self) -> Path:
        """Where the local stage cache lives: CACHE_DIR, or DATA_DIR/cache."""
        return self.cache_dir or self.data_dir / "cache"

    @property
    def work_dir(self) -> Path:
        """Scratch space for jobs (inputs fetched from storage, outputs before upload)."""
        return self.data_dir / "work"

    @property
    def resolved_storage_url(self) -> str:
        """Where films and uploads are stored: STORAGE_URL, or a folder under DATA_DIR."""
        return self.storage_url or (self.data_dir / "storage").resolve().as_uri()


def _generated_secret(data_dir: Path) -> str:
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(MIN_SECRET_KEY_BYTES)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret
