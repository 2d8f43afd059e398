"""Scripted Google HTTP answers for offline tests (over googleapiclient's HttpMockSequence)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from google.oauth2.credentials import Credentials
from googleapiclient.http import HttpMockSequence

from app.youtube.oauth import GOOGLE_TOKEN_URI

SESSION_URI = "https://upload.test/resumable-session-1"
"""The resumable session URI the scripted server hands out."""

Answer = tuple[dict[str, str], str]


class ScriptedHttp(HttpMockSequence):  # type: ignore[misc]
    """HttpMockSequence whose script may also hold exceptions, raised for that request."""

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = 1,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        if self._iterable and isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        response: tuple[Any, bytes] = super().request(
            uri, method, body, headers, redirections, connection_type
        )
        return response

    @property
    def unused(self) -> int:
        """Scripted answers not consumed."""
        return len(self._iterable)

    @property
    def requests(self) -> list[tuple[str, str, Any, dict[str, str]]]:
        """(uri, method, body, headers) of every request made, in order."""
        return list(self.request_sequence)


def json_answer(payload: object, status: int = 200) -> Answer:
    return {"status": str(status), "content-type": "application/json"}, json.dumps(payload)


def google_error(status: int, reason: str, message: str = "Refused") -> Answer:
    body = {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}
    return json_answer(body, status)


def session_started(uri: str = SESSION_URI) -> Answer:
    return {"status": "200", "location": uri}, ""


def chunk_stored(last_byte: int) -> Answer:
    """308 Resume Incomplete: the server holds bytes 0..last_byte."""
    return {"status": "308", "range": f"bytes=0-{last_byte}"}, ""


def video_created(video_id: str = "vid-1", upload_status: str = "uploaded") -> Answer:
    return json_answer({"id": video_id, "status": {"uploadStatus": upload_status}})


def token_granted(access_token: str, expires_in_s: int = 3600) -> Answer:
    return json_answer(
        {"access_token": access_token, "expires_in": expires_in_s, "token_type": "Bearer"}
    )


def header(headers: dict[str, str] | None, name: str) -> str | None:
    """A request header by case-insensitive name."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def content_ranges(http: ScriptedHttp) -> list[str]:
    """The Content-Range of every PUT to the upload session, in order."""
    return [
        header(headers, "content-range") or ""
        for uri, method, _, headers in http.requests
        if method == "PUT" and uri.startswith("https://upload.test/")
    ]


def utc_now() -> dt.datetime:
    """Naive UTC now, as google-auth compares expiries."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def credentials(access_token: str | None, *, expires_in_s: float) -> Credentials:
    return Credentials(  # type: ignore[no-untyped-call]
        token=access_token,
        refresh_token="refresh-token-1",
        token_uri=GOOGLE_TOKEN_URI,
        client_id="client-1.apps.googleusercontent.com",
        client_secret="client-secret-1",
        expiry=utc_now() + dt.timedelta(seconds=expires_in_s),
    )
