"""Request and response bodies of the user service (field names from the seed)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.schemas import LineText
from app.users.passwords import MIN_PASSWORD_CHARS, password_problem

__all__ = ["MIN_PASSWORD_CHARS", "password_problem"]
from db.enums import PlanType, Role


def _normalise_email(value: object) -> object:
    """NFKC first: fullwidth look-alikes ("ｊｏｈｎ@example.com") are the same address."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).strip().lower()


def _strong_password(value: str) -> str:
    problem = password_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


NewPassword = Annotated[str, AfterValidator(_strong_password), Field(min_length=1)]


class RegisterRequest(BaseModel):
    """POST /api/users/register."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "John Doe",
                "email": "john@example.com",
                "password": "SecurePass123",
            }
        }
    )

    name: LineText = Field(min_length=1, max_length=255)
    email: EmailStr = Field(max_length=255)
    password: NewPassword

    _email = field_validator("email", mode="before")(_normalise_email)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value


class LoginRequest(BaseModel):
    """POST /api/users/login."""

    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=1, max_length=1024)

    _email = field_validator("email", mode="before")(_normalise_email)


class ChangePasswordRequest(BaseModel):
    """POST /api/users/password."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: NewPassword


LinkToken = Annotated[
    str, Field(min_length=1, max_length=2048, description="The token from the emailed link.")
]


class ConfirmEmailRequest(BaseModel):
    """POST /api/users/confirm."""

    token: LinkToken


class PasswordResetRequest(BaseModel):
    """POST /api/users/password-reset."""

    email: EmailStr = Field(max_length=255)

    _email = field_validator("email", mode="before")(_normalise_email)


class PasswordResetConfirmRequest(BaseModel):
    """POST /api/users/password-reset/confirm."""

    token: LinkToken
    new_password: NewPassword


class AcceptedResponse(BaseModel):
    """A request taken; what happens next is told by email."""

    message: str


class TokenResponse(BaseModel):
    """A bearer token and its lifetime in seconds."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserResponse(BaseModel):
    """A user as the register response shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    email: str
    plan_type: PlanType
    credits: int
    role: Role
    created_at: datetime


class ProfileResponse(UserResponse):
    """GET /api/users/profile."""

    updated_at: datetime
    disabled_at: datetime | None = Field(
        default=None, description="When an administrator disabled the account; null if enabled."
    )
