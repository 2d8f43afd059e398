"""Send an anonymous visit to the studio page to the login page instead of a JSON 401, and
keep browsers from storing the signed-in page (Back after signing out must not show it)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.web_paths import LOGIN_PATH, STUDIO_PAGES, STUDIO_PATH
from app.web_session import current_session_user_id

PAGE_METHODS = frozenset({"GET", "HEAD"})
NO_STORE = "no-store"
NEXT_PARAM = "next"
"""The login page's query parameter naming where to go once signed in."""


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path inside the studio (never another site), else None."""
    if not target or not target.startswith(f"{STUDIO_PATH}/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    return target


def login_url(next_path: str | None = None) -> str:
    """The login page, returning to `next_path` (a studio path) after signing in."""
    target = safe_next(next_path)
    return f"{LOGIN_PATH}?{urlencode({NEXT_PARAM: target})}" if target else LOGIN_PATH


class LoginRedirect:
    """ASGI middleware: GET /studio without a valid session answers 303 to the login page;
    the signed-in page itself is sent with `Cache-Control: no-store`.

    Only the page itself is redirected; the studio's API calls keep answering 401 (checked by
    the mount's auth dependency), as an API should.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["method"] in PAGE_METHODS
            and scope["path"] in STUDIO_PAGES
        ):
            await self.app(scope, receive, send)
            return
        if await current_session_user_id(HTTPConnection(scope), scope["app"].state.context) is None:
            query = scope.get("query_string", b"").decode("latin-1")
            back = f"{scope['path']}?{query}" if query else None
            await RedirectResponse(login_url(back), status_code=303)(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_no_store)
