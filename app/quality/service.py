"""The quality gate before publishing: the film's contract, provenance and likeness consent."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.consent import service as consent_service
from app.errors import Conflict, NotFound
from app.projects.schemas import upload_id
from app.provenance.films import trust_anchors
from app.quality.checks import Check, media_checks
from app.storage import ObjectMissing, Storage
from db.enums import UploadKind
from db.models import Project, User
from db.repositories import projects as project_repo
from db.repositories import uploads as upload_repo

SECONDS_PER_MINUTE = 60
GATE_FAILED = "quality_gate_failed"


def _stored_checks(storage: Storage, project: Project, settings: Settings) -> list[Check]:
    assert project.video_key is not None
    with tempfile.TemporaryDirectory(prefix="quality-") as folder:
        film = Path(folder) / "film.mp4"
        try:
            storage.download(project.video_key, film)
        except ObjectMissing:
            return [Check("film", False, "The film's file is missing; render it again.")]
        srt = None
        if project.subtitles_key:
            srt_path = Path(folder) / "film.srt"
            try:
                storage.download(project.subtitles_key, srt_path)
                srt = srt_path.read_text(encoding="utf-8-sig")
            except (ObjectMissing, UnicodeDecodeError):
                srt = None
        return media_checks(
            film, srt, float(project.duration * SECONDS_PER_MINUTE), trust_anchors(settings)
        )


async def consent_check(session: AsyncSession, project: Project) -> Check:
    """Every face image of the film has a standing likeness consent."""
    if project.likeness_revoked_at is not None:
        return Check(
            "consent",
            False,
            "Consent for a face image in this film was revoked; remove it and render again.",
        )
    uploads = await upload_repo.get_owned(
        session, project.user_id, [upload_id(ref) for ref in project.images], UploadKind.IMAGE
    )
    missing = await consent_service.missing_consents(session, uploads)
    if missing:
        return Check("consent", False, f"No likeness consent for {', '.join(missing)}.")
    faces = sum(1 for upload in uploads if upload.face_detected)
    return Check("consent", True, f"{faces} face image(s), each with the uploader's consent.")


async def evaluate(
    session: AsyncSession, storage: Storage, settings: Settings, project: Project
) -> list[Check]:
    """Every check of a completed project's film, passed or not."""
    if project.video_key is None:
        raise Conflict(
            "This project has no film yet; wait for its render to complete.",
            code="project_not_complete",
        )
    checks = await to_thread.run_sync(_stored_checks, storage, project, settings)
    return [*checks, await consent_check(session, project)]


async def require_publishable(
    session: AsyncSession, storage: Storage, settings: Settings, project: Project
) -> None:
    """409 with every failed check when the film may not be published."""
    if not settings.publish_quality_gate:
        return
    failed = [
        check for check in await evaluate(session, storage, settings, project) if not check.passed
    ]
    if failed:
        reasons = " ".join(f"{check.name}: {check.reason}" for check in failed)
        raise Conflict(
            f"The film fails {len(failed)} publishing check(s). {reasons}",
            code=GATE_FAILED,
            failed=[check.as_dict() for check in failed],
        )


async def project_checks(
    session: AsyncSession, user: User, project_id: uuid.UUID, storage: Storage, settings: Settings
) -> tuple[Project, list[Check]]:
    """The user's project and its checks; 404 for anyone else's."""
    project = await project_repo.get_owned(session, project_id, user.id)
    if project is None:
        raise NotFound("No project with this id in your account.")
    return project, await evaluate(session, storage, settings, project)
