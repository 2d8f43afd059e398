"""Column type helpers."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def pg_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A PostgreSQL ENUM type storing the enum's values (not its member names)."""
    return Enum(
        enum_class,
        name=name,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
