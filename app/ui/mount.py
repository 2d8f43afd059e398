"""Mount the Gradio studio inside the FastAPI app, behind the API's own sessions."""

from __future__ import annotations

import gradio as gr
from fastapi import FastAPI, Request
from starlette.requests import HTTPConnection

from app.config import Settings
from app.context import AppContext
from app.ui.auth_routes import router as auth_router
from app.ui.private_paths import PrivateFilePaths
from app.ui.redirect import LoginRedirect
from app.ui.runtime import StudioRuntime
from app.ui.studio import Studio
from app.ui.theme import STYLESHEET, studio_head, studio_theme
from app.ui.upload_types import UploadTypeGuard
from app.web_paths import STUDIO_PATH
from app.web_session import current_session_user_id

UPLOAD_HEADROOM_BYTES = 1024 * 1024
"""Gradio accepts files a little over the upload limit so the upload service, not Gradio,
explains a refusal (with the same message as the API)."""


def mount_studio(app: FastAPI, settings: Settings) -> None:
    """Add the sign-in pages and the studio at /studio; the session cookie guards both."""
    app.include_router(auth_router)
    app.add_middleware(LoginRedirect, settings=settings)
    app.add_middleware(UploadTypeGuard, path=f"{STUDIO_PATH}/gradio_api/upload")

    def context() -> AppContext:
        running: AppContext = app.state.context
        return running

    async def signed_in_user(request: Request) -> str | None:
        return await current_session_user_id(request, context())

    async def connection_user(connection: HTTPConnection) -> str | None:
        return await current_session_user_id(connection, context())

    app.add_middleware(
        PrivateFilePaths,
        api_prefix=f"{STUDIO_PATH}/gradio_api",
        user_of=connection_user,
        max_body_bytes=settings.max_json_body_bytes,
    )

    studio = Studio(StudioRuntime(context), settings)
    gr.mount_gradio_app(
        app,
        studio.blocks,
        path=STUDIO_PATH,
        auth_dependency=signed_in_user,
        footer_links=[],
        run_history=False,
        show_error=True,
        max_file_size=settings.max_upload_bytes + UPLOAD_HEADROOM_BYTES,
        ssr_mode=False,
        mcp_server=False,
        theme=studio_theme(),
        css_paths=[STYLESHEET],
        head=studio_head(settings.max_upload_bytes),
    )
