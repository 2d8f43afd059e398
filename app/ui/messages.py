"""Turn the services' errors into the one readable sentence the studio shows."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pydantic import ValidationError

from app.errors import AppError

log = logging.getLogger(__name__)

UNEXPECTED_ERROR = "Something went wrong on our side; please try again in a moment."
MAX_LISTED_PROBLEMS = 3


def validation_message(error: ValidationError, labels: Mapping[str, str]) -> str:
    """The schema's complaints, each prefixed with the label of the field it is about."""
    problems = []
    for item in error.errors()[:MAX_LISTED_PROBLEMS]:
        field = str(item["loc"][0]) if item["loc"] else ""
        label = labels.get(field, field.replace("_", " ").capitalize() or "Input")
        message = str(item["msg"]).removeprefix("Value error, ")
        problems.append(f"{label}: {message}")
    return "; ".join(problems) + "."


def error_message(error: Exception, labels: Mapping[str, str] | None = None) -> str:
    """What to tell the user about a failed action (the service's own message when it has one)."""
    if isinstance(error, AppError):
        return error.message
    if isinstance(error, ValidationError):
        return validation_message(error, labels or {})
    log.exception("Studio action failed unexpectedly", exc_info=error)
    return UNEXPECTED_ERROR
