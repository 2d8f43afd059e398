"""Render jobs: a project's film."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.consent import service as consent_service
from app.jobs import lifecycle
from app.jobs.params import RenderParams, read_params
from app.music.catalogue import is_catalogue_style
from app.projects.schemas import upload_id
from app.provenance.keys import SigningKeys
from app.storage import Storage
from app.storage_keys import film_keys, job_prefix
from app.worker.inputs import StoredFile
from app.worker.job_warnings import log_warnings
from app.worker.render_work import RenderInputs, RenderOutputs, render_project
from db.enums import UploadKind
from db.models import Job, Project
from db.repositories import uploads as upload_repo
from pipeline.backends import BackendChoice
from pipeline.cache.store import CacheStore
from pipeline.errors import InputError
from pipeline.types import ProgressCallback


class RenderWork:
    """Renders a project's film and sets the project's links."""

    def __init__(
        self,
        backends: BackendChoice | None = None,
        signing: SigningKeys | None = None,
        cache: CacheStore | None = None,
    ) -> None:
        self.backends = backends or BackendChoice()
        self.signing = signing
        self.cache = cache

    async def prepare(self, session: AsyncSession, job: Job) -> RenderInputs:
        project = await session.get(Project, job.project_id)
        if project is None:
            raise InputError("The project was deleted before its film could render.")
        params = read_params(job, RenderParams)
        images = await _stored(session, project, project.images, UploadKind.IMAGE)
        await _check_consents(session, project)
        track = None
        if not is_catalogue_style(project.music):
            track = (await _stored(session, project, [project.music], UploadKind.AUDIO))[0]
        return RenderInputs(
            job_id=job.id,
            project_id=project.id,
            script=project.script,
            images=tuple(images),
            voice=str(project.voice),
            language=project.language,
            minutes=project.duration,
            music_style=None if track else project.music,
            music_track=track,
            aspect=project.aspect,
            resolution=project.resolution,
            ai_label=project.ai_label,
            captions=project.captions,
            title=project.title,
            seed=params.seed,
            previous_report=(
                film_keys(project.id, params.previous_job_id).report
                if params.previous_job_id is not None
                else None
            ),
        )

    def run(
        self, inputs: RenderInputs, storage: Storage, folder: Path, progress: ProgressCallback
    ) -> RenderOutputs:
        return render_project(
            inputs, storage, folder, progress, self.backends, self.signing, self.cache
        )

    async def finish(self, session: AsyncSession, job: Job, outcome: RenderOutputs) -> bool:
        result: dict[str, Any] = {
            "duration_s": outcome.duration_s,
            "warnings": list(outcome.warnings),
            "stage_seconds": outcome.stage_seconds,
            **outcome.details,
        }
        finished = await lifecycle.complete(session, job, result, film=outcome.keys)
        if finished:
            await log_warnings(session, job, outcome.warnings)
        return finished

    def output_prefix(self, job: Job) -> str:
        assert job.project_id is not None
        return job_prefix(job.project_id, job.id)


async def _check_consents(session: AsyncSession, project: Project) -> None:
    """Refuse a render that would use a face image whose likeness consent was revoked."""
    uploads = await upload_repo.get_owned(
        session, project.user_id, [upload_id(ref) for ref in project.images], UploadKind.IMAGE
    )
    missing = await consent_service.missing_consents(session, uploads)
    if missing:
        raise InputError(
            f"Consent to use the likeness in {missing[0]} was revoked; remove the image from "
            "the project before rendering it again."
        )


async def _stored(
    session: AsyncSession, project: Project, refs: list[str], kind: UploadKind
) -> list[StoredFile]:
    uploads = {
        upload.ref: upload
        for upload in await upload_repo.get_owned(
            session, project.user_id, [upload_id(ref) for ref in refs], kind
        )
    }
    missing = [ref for ref in refs if ref not in uploads]
    if missing:
        raise InputError(f"The uploaded file {missing[0]} no longer exists; upload it again.")
    return [StoredFile(uploads[ref].storage_key, uploads[ref].filename) for ref in refs]
