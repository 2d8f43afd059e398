"""Turn the services' errors into the readable sentences the studio shows.

Pydantic's own wording ("String should have at least 1 character", "Input should be less
than or equal to 40") is replaced by a sentence a creator can act on; a validator's own
message (already written for people) is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from app.errors import AppError

log = logging.getLogger(__name__)

UNEXPECTED_ERROR = "Something went wrong on our side; please try again in a moment."
MAX_LISTED_PROBLEMS = 3

EMPTY_FIELD: dict[str, str] = {
    "title": "Give your film a title.",
    "script": "Write the script first: at least one sentence for the narrator.",
    "name": "Enter your name.",
    "email": "Enter your email address.",
    "password": "Enter your password.",
}
"""What to say when a required text field is left empty."""


def _label(field: str, labels: Mapping[str, str]) -> str:
    return labels.get(field, field.replace("_", " ").capitalize() or "Input")


def problem_sentence(item: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One validation problem as a sentence about its field."""
    loc = item.get("loc") or ()
    field = str(loc[0]) if loc else ""
    label = _label(field, labels)
    kind = str(item.get("type", ""))
    context: Mapping[str, Any] = item.get("ctx") or {}
    if kind in ("missing", "string_too_short") and (
        kind == "missing" or context.get("min_length") == 1
    ):
        return EMPTY_FIELD.get(field, f"{label} is empty; fill it in.")
    if kind == "string_too_short":
        return f"{label} is too short: use at least {context.get('min_length')} characters."
    if kind == "string_too_long":
        return f"{label} is too long: keep it under {context.get('max_length'):,} characters."
    if kind == "too_long":
        return f"{label}: use at most {context.get('max_length')}."
    if kind in ("int_from_float", "int_parsing", "float_parsing"):
        return f"{label} must be a whole number."
    if kind in ("less_than_equal", "less_than"):
        return f"{label} is more than allowed here; choose a smaller value."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{label} is too small; choose at least {context.get('ge', context.get('gt'))}."
    if kind in ("literal_error", "enum"):
        return f"Choose one of the offered options for {label.lower()}."
    message = str(item.get("msg", "")).removeprefix("Value error, ")
    return f"{label}: {message}."


def field_problems(error: ValidationError, labels: Mapping[str, str]) -> dict[str, str]:
    """The first problem of each field, keyed by field name ("" when about no field)."""
    problems: dict[str, str] = {}
    for item in error.errors():
        loc = item["loc"]
        problems.setdefault(str(loc[0]) if loc else "", problem_sentence(item, labels))
    return problems


def validation_message(error: ValidationError, labels: Mapping[str, str]) -> str:
    """The schema's complaints in plain sentences (at most MAX_LISTED_PROBLEMS)."""
    sentences = [problem_sentence(item, labels) for item in error.errors()[:MAX_LISTED_PROBLEMS]]
    return " ".join(sentence.rstrip(".") + "." for sentence in sentences)


def error_message(error: Exception, labels: Mapping[str, str] | None = None) -> str:
    """What to tell the user about a failed action (the service's own message when it has one)."""
    if isinstance(error, AppError):
        return error.message
    if isinstance(error, ValidationError):
        return validation_message(error, labels or {})
    log.exception("Studio action failed unexpectedly", exc_info=error)
    return UNEXPECTED_ERROR
