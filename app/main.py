"""The FastAPI application: REST under /api, docs, probes, metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse

from app.admin.routes import router as admin_router
from app.ai.routes import router as ai_router
from app.billing.routes import router as billing_router
from app.body_limits import BodyLimitMiddleware, BodyLimits
from app.config import Environment, Settings
from app.consent.routes import router as consent_router
from app.context import AppContext
from app.credits.routes import router as credits_router
from app.embedded_db import resolve_database_url
from app.errors import install_error_handlers
from app.files.routes import router as files_router
from app.health import router as health_router
from app.metrics import Metrics, MetricsMiddleware
from app.music.routes import router as music_router
from app.openapi_errors import install_openapi
from app.projects.routes import router as projects_router
from app.provenance.routes import router as provenance_router
from app.quality.routes import router as quality_router
from app.ratelimit import RateLimiter
from app.request_base import RequestBaseUrlMiddleware
from app.security_headers import SecurityHeadersMiddleware
from app.storage import open_storage
from app.storyboard.routes import router as storyboard_router
from app.ui import STUDIO_PATH, mount_studio
from app.uploads.routes import router as uploads_router
from app.users.routes import router as users_router
from app.worker.process import run_worker
from app.youtube.routes import router as youtube_router
from db import migrate
from db.session import create_engine, create_session_factory

log = logging.getLogger(__name__)

GC_THRESHOLDS = (20_000, 20, 20)
"""Collect young objects every 20,000 allocations instead of 700: a request allocates a few
thousand short-lived objects, and fewer collections keep the API's tail latency down."""

API_DESCRIPTION = (
    "Turn a script, character images, a voice, a length and music into a narrated, "
    'subtitled film. Errors answer `{"detail": ..., "code": ...}`.'
)

AUDIO_UPLOAD_PATHS = ("/api/uploads/audio", f"{STUDIO_PATH}/gradio_api/upload")
"""Routes that take music tracks (up to MAX_AUDIO_REQUEST_BYTES); the studio's upload route
serves the track picker too."""

SIGN_IN_FIRST_PATHS = ("/api/uploads",)
"""Routes whose bearer token is checked before their (large) body is read."""


def _metrics_token(settings: Settings) -> str | None:
    """METRICS_TOKEN; in production without one, a random token nobody knows (so 404)."""
    if settings.metrics_token is None and settings.environment is Environment.PRODUCTION:
        return secrets.token_hex(32)
    return settings.metrics_token


async def build_context(settings: Settings) -> AppContext:
    """Start (or reach) the database, migrate it, and open the shared resources."""
    url = await to_thread.run_sync(resolve_database_url, settings.database_url, settings.data_dir)
    await to_thread.run_sync(migrate.upgrade, url)
    engine = create_engine(url, pool_size=settings.db_pool_size)
    return AppContext(
        settings=settings,
        database_url=url,
        engine=engine,
        sessions=create_session_factory(engine),
        read_sessions=create_session_factory(
            engine.execution_options(isolation_level="AUTOCOMMIT")
        ),
        limiter=RateLimiter(settings.redis_url),
        storage=open_storage(
            settings.resolved_storage_url,
            settings.jwt_secret,
            settings.public_base_url,
            settings.s3_endpoint_url,
        ),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The studio's ASGI app; resources are opened in its lifespan, not at import."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.jwt_secret  # noqa: B018  (fail fast on a missing production secret)
        context = await build_context(settings)
        app.state.context = context
        gc.freeze()  # start-up objects (models, routes, UI) never die: keep them out of GC scans
        gc.set_threshold(*GC_THRESHOLDS)
        worker = (
            asyncio.create_task(
                run_worker(
                    settings, database_url=context.database_url, install_signal_handlers=False
                ),
                name="embedded-worker",
            )
            if settings.embedded_worker
            else None
        )
        try:
            yield
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            await context.engine.dispose()

    app = FastAPI(
        title="AI Film Studio",
        version="0.1.0",
        description=API_DESCRIPTION,
        docs_url="/api/docs",
        redoc_url="/api/redoc",
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in (
        users_router,
        ai_router,
        projects_router,
        storyboard_router,
        provenance_router,
        quality_router,
        credits_router,
        billing_router,
        uploads_router,
        music_router,
        admin_router,
        consent_router,
        youtube_router,
        files_router,
        health_router,
    ):
        app.include_router(router)

    app.add_middleware(
        BodyLimitMiddleware,
        limits=BodyLimits(
            json_bytes=settings.max_json_body_bytes,
            default_bytes=settings.max_request_bytes,
            audio_bytes=settings.max_audio_request_bytes,
            audio_paths=AUDIO_UPLOAD_PATHS,
            sign_in_first_paths=SIGN_IN_FIRST_PATHS,
        ),
        secret=lambda: settings.jwt_secret,
    )
    metrics = Metrics(token=_metrics_token(settings))
    app.add_route("/metrics", metrics.endpoint, include_in_schema=False)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )

    install_openapi(app)
    app.add_middleware(RequestBaseUrlMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware, hsts=settings.environment is Environment.PRODUCTION
    )

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(STUDIO_PATH)

    mount_studio(app, settings)
    return app
