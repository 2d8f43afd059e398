"""Schema pieces shared by several domains: paging, plain messages, responses from rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, TypeVar

from fastapi import Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from app.text_rules import check_multiline, check_single_line
from pipeline.speech.tts import LANGUAGES

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
"""The highest page number a list accepts (a larger offset is never a real page)."""


class PageParams(BaseModel):
    """Which page of a list to return."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.per_page


def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1.")] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Rows per page (1-100).")
    ] = 20,
) -> PageParams:
    """Paging query parameters."""
    return PageParams(page=page, per_page=per_page)


class Message(BaseModel):
    """A plain confirmation."""

    message: str


def _has_words(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain some text")
    return value


def _known_language(value: str) -> str:
    if value not in LANGUAGES:
        raise ValueError(f"'{value}' is not supported; choose one of {', '.join(LANGUAGES)}")
    return value


ModelT = TypeVar("ModelT", bound=BaseModel)


class _RowWith:
    """A row whose attributes are read through, with some values added or replaced."""

    __slots__ = ("_row", "_values")

    def __init__(self, row: object, values: Mapping[str, object]) -> None:
        self._row = row
        self._values = values

    def __getattr__(self, name: str) -> object:
        if name in self._values:
            return self._values[name]
        return getattr(self._row, name)


def from_row(model: type[ModelT], row: object, **values: object) -> ModelT:
    """The model validated from a row's attributes (pydantic's from_attributes), with the
    fields the row does not hold (links, progress, renamed fields) given as values."""
    return model.model_validate(_RowWith(row, values), from_attributes=True)


def _not_a_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true or false")
    return value


Count = Annotated[int, BeforeValidator(_not_a_boolean)]
"""A whole number that refuses JSON booleans (pydantic would read true as 1)."""

FreeText = Annotated[str, AfterValidator(check_multiline)]
"""Multi-line free text (a script, a prompt): no control characters but tabs and line breaks."""

LineText = Annotated[str, AfterValidator(check_single_line)]
"""Single-line free text (a title, a name, a tag, a filter): no control or invisible
characters."""

SpokenText = Annotated[FreeText, AfterValidator(_has_words)]
"""Text that must hold more than white space (a script, a narration)."""

LanguageCode = Annotated[
    str, AfterValidator(_known_language), Field(description="Narration language, e.g. en, hi, ta.")
]
"""A narration language the speech engine supports."""
