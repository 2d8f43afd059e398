"""Send an anonymous visit to the studio page to the login page instead of a JSON 401."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.web_paths import LOGIN_PATH, STUDIO_PAGES
from app.web_session import current_session_user_id

PAGE_METHODS = frozenset({"GET", "HEAD"})


class LoginRedirect:
    """ASGI middleware: GET /studio without a valid session answers 303 to the login page.

    Only the page itself is redirected; the studio's API calls keep answering 401 (checked by
    the mount's auth dependency), as an API should.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in PAGE_METHODS
            and scope["path"] in STUDIO_PAGES
            and await current_session_user_id(HTTPConnection(scope), scope["app"].state.context)
            is None
        ):
            await RedirectResponse(LOGIN_PATH, status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)
