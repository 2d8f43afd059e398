"""Checks a film's settings must pass before any credit is spent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.consent import service as consent_service
from app.credits.service import check_plan_allows
from app.errors import Unprocessable
from app.music.catalogue import is_catalogue_style
from app.projects.schemas import UPLOAD_REF, FilmSettings, upload_id
from db.enums import UploadKind
from db.models import Plan, Upload, User
from db.repositories import uploads as upload_repo
from pipeline.errors import ScriptLengthError
from pipeline.timing import check_fit

SECONDS_PER_MINUTE = 60


async def check_film_settings(
    session: AsyncSession, user: User, plan: Plan, settings: FilmSettings
) -> None:
    """422 when the plan caps the length, an image or track is not the user's, or the script
    cannot fill the requested minutes; 409 when a face image's likeness consent was revoked."""
    check_plan_allows(plan, settings.duration)
    images = await _check_uploads(session, user, settings.images, UploadKind.IMAGE, "image")
    await consent_service.check_renderable(session, images)
    if not is_catalogue_style(settings.music):
        if not UPLOAD_REF.match(settings.music):
            raise Unprocessable(
                f"Music '{settings.music[:80]}' is neither a style from GET /api/music/catalogue "
                "nor an uploaded track's ref.",
                code="unknown_music",
            )
        await _check_uploads(session, user, [settings.music], UploadKind.AUDIO, "music track")
    check_script_fits(settings.script, settings.duration, settings.language, settings.voice)


def check_script_fits(script: str, minutes: int, language: str, voice: str) -> None:
    """422 with the numbers when narration cannot fill the film or would overflow it."""
    try:
        check_fit(script, minutes * SECONDS_PER_MINUTE, language, voice)
    except ScriptLengthError as error:
        raise Unprocessable(
            str(error),
            code="script_length",
            narration_seconds=round(error.narration_s, 1),
            requested_seconds=round(error.requested_s, 1),
        ) from error


async def _check_uploads(
    session: AsyncSession, user: User, refs: list[str], kind: UploadKind, label: str
) -> list[Upload]:
    if not refs:
        return []
    uploads = await upload_repo.get_owned(session, user.id, [upload_id(ref) for ref in refs], kind)
    found = {upload.ref for upload in uploads}
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise Unprocessable(
            f"Unknown {label} reference {missing[0]!r}; upload it first and use the returned ref.",
            code="unknown_upload",
            missing=missing,
        )
    return list(uploads)
