"""Enumerations stored as PostgreSQL ENUM types (values as the seed spells them)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do."""

    CREATOR = "creator"
    ADMIN = "admin"


class PlanType(StrEnum):
    """Subscription plans from the seed."""

    FREE = "Free"
    STANDARD = "Standard"
    PRO = "Pro"
    ENTERPRISE = "Enterprise"


class ProjectStatus(StrEnum):
    """Where a project's film stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETE = "complete"
    FAILED = "failed"


class UploadStatus(StrEnum):
    """Where a YouTube upload stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETE = "complete"
    FAILED = "failed"


class Voice(StrEnum):
    """Narration voices."""

    MALE = "male"
    FEMALE = "female"
    NEUTRAL = "neutral"


class JobStatus(StrEnum):
    """Where a background job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobKind(StrEnum):
    """What a background job produces."""

    RENDER = "render"
    AUDIO = "audio"
    MUSIC = "music"
    LIPSYNC = "lipsync"
    YOUTUBE_UPLOAD = "youtube_upload"


class LedgerReason(StrEnum):
    """Why a user's credits changed."""

    SIGNUP = "signup"
    TOPUP = "topup"
    DEBIT = "debit"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"
    GRANT = "grant"
    """A period's credits: a paid invoice or a Free renewal."""
    EXPIRY = "expiry"
    """Unspent credits of a period that ended."""
    UPGRADE = "upgrade"
    """The difference between two plans' monthly credits, granted at a mid-period upgrade."""
    CLAWBACK = "clawback"
    """Unspent credits of a refunded or disputed payment, taken back."""


class UploadKind(StrEnum):
    """What a user uploaded."""

    IMAGE = "image"
    AUDIO = "audio"
