"""Request and response bodies of the user service (field names from the seed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.schemas import LineText
from app.security import BCRYPT_MAX_PASSWORD_BYTES
from db.enums import PlanType, Role

MIN_PASSWORD_CHARS = 8


def _normalise_email(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


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
    password: str = Field(min_length=MIN_PASSWORD_CHARS)

    _email = field_validator("email", mode="before")(_normalise_email)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("password")
    @classmethod
    def _password_rules(cls, value: str) -> str:
        if len(value.encode()) > BCRYPT_MAX_PASSWORD_BYTES:
            raise ValueError(f"must be at most {BCRYPT_MAX_PASSWORD_BYTES} bytes")
        if value.isdigit() or value.isalpha():
            raise ValueError("must mix letters with digits or symbols")
        return value


class LoginRequest(BaseModel):
    """POST /api/users/login."""

    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=1, max_length=1024)

    _email = field_validator("email", mode="before")(_normalise_email)


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
