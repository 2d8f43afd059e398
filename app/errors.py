"""One error hierarchy with HTTP status codes, and one JSON error shape for every failure.

Every error answers `{"detail": "<one sentence>", "code": "<machine code>", ...extra fields}`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.errors import InputError


class AppError(Exception):
    """A failure the client can act on; subclasses fix the status code and machine code."""

    status_code: ClassVar[int] = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        code: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra
        self.headers = headers or {}


class BadRequest(AppError):
    """The request is malformed in a way validation could not express."""


class Unauthorized(AppError):
    """No valid credentials were given."""

    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"}, **extra)


class PaymentRequired(AppError):
    """The user's credits do not cover the work."""

    status_code = 402
    code = "insufficient_credits"


class Forbidden(AppError):
    """The user is known but may not do this."""

    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    """The resource does not exist or belongs to someone else."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The resource is in a state that does not allow the request."""

    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    """An upload is bigger than allowed."""

    status_code = 413
    code = "payload_too_large"


class UnsupportedMedia(AppError):
    """An upload is not a supported file type."""

    status_code = 415
    code = "unsupported_media_type"


class Unprocessable(AppError):
    """The request is well-formed but breaks a rule (plan limit, script length, bad image)."""

    status_code = 422
    code = "unprocessable"


class RateLimited(AppError):
    """Too many requests; retry after the given number of seconds."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(
            message, headers={"Retry-After": str(retry_after_s)}, retry_after=retry_after_s
        )


class ServiceUnavailable(AppError):
    """A dependency is not configured or not reachable."""

    status_code = 503
    code = "service_unavailable"


def error_body(message: str, code: str, **extra: Any) -> dict[str, Any]:
    """The one JSON shape of every error response."""
    return {"detail": message, "code": code, **extra}


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def _validation_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ")
    return f"{_field_name(tuple(error.get('loc', ())))}: {message}"


async def _app_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AppError)
    return JSONResponse(
        error_body(error.message, error.code, **error.extra),
        status_code=error.status_code,
        headers=error.headers,
    )


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {"field": _field_name(tuple(item.get("loc", ()))), "message": _validation_message(item)}
        for item in error.errors()
    ]
    summary = "; ".join(problem["message"] for problem in problems[:3])
    return JSONResponse(
        error_body(f"Invalid request: {summary}.", "validation_error", errors=problems),
        status_code=422,
    )


async def _input_error(_: Request, error: Exception) -> JSONResponse:
    """A script or text the pipeline cannot use (only emoji, only punctuation...)."""
    return JSONResponse(error_body(str(error), "invalid_input"), status_code=422)


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    codes = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }
    return JSONResponse(
        error_body(str(error.detail), codes.get(error.status_code, "http_error")),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every expected error through the one JSON error shape."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(InputError, _input_error)
