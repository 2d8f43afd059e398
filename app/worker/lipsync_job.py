"""Lip-sync jobs (POST /api/ai/lip-sync): a stored video's faces made to speak a stored audio."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs import lifecycle
from app.jobs.params import LipSyncParams, read_params
from app.provenance.films import sign_film
from app.provenance.keys import SigningKeys
from app.storage import Storage
from app.worker.inputs import StoredFile, fetch_files
from app.worker.job_warnings import log_warnings
from app.worker.stage_jobs import stage_prefix
from db.models import Job
from pipeline.backends import BackendChoice, StageBackends
from pipeline.lipsync.video_file import NO_MODEL_NOTE, lipsync_file
from pipeline.types import ProgressCallback

OUTPUT_NAME = "lipsync.mp4"
MP4_TYPE = "video/mp4"


@dataclass(frozen=True)
class LipSyncInputs:
    """The stored video and audio of a lip-sync job and where its output goes."""

    job_id: uuid.UUID
    output_key: str
    video: StoredFile
    audio: StoredFile


@dataclass(frozen=True)
class LipSyncOutcome:
    """The stored output and what the lip-sync noticed."""

    output_key: str
    duration_s: float
    frames: int
    lipsynced: bool
    warnings: tuple[str, ...]
    backends: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)


def _stored(key: str) -> StoredFile:
    return StoredFile(key, PurePosixPath(key).name or "input")


class LipSyncWork:
    """Downloads the video and audio, lip-syncs (MuseTalk or Wav2Lip when present) and stores the MP4."""

    def __init__(
        self, backends: BackendChoice | None = None, signing: SigningKeys | None = None
    ) -> None:
        self.backends = backends or BackendChoice()
        self.signing = signing

    async def prepare(self, session: AsyncSession, job: Job) -> LipSyncInputs:
        params = read_params(job, LipSyncParams)
        return LipSyncInputs(
            job_id=job.id,
            output_key=stage_prefix(job) + OUTPUT_NAME,
            video=_stored(params.video_key),
            audio=_stored(params.audio_key),
        )

    def run(
        self, inputs: LipSyncInputs, storage: Storage, folder: Path, progress: ProgressCallback
    ) -> LipSyncOutcome:
        video, audio = fetch_files(storage, [inputs.video, inputs.audio], folder / "inputs")
        stages = StageBackends(self.backends)
        model = stages.lipsync_model(always_warn=True)

        def note(message: str) -> None:
            if message != NO_MODEL_NOTE:  # the backend's own warning already says why
                stages.warn(f"Lip-sync: {message}")

        result = lipsync_file(
            video,
            audio,
            folder / OUTPUT_NAME,
            model,
            progress,
            on_note=note,
            options=self.backends.lipsync_options,
            work_dir=folder,
        )
        provenance: dict[str, Any] = {"signed": False}
        if self.signing is not None:
            signed = sign_film(
                result.path, self.signing, stages.used, [video, audio], composite=True
            )
            provenance = signed.record()
        storage.put_file(inputs.output_key, result.path, MP4_TYPE)
        return LipSyncOutcome(
            output_key=inputs.output_key,
            duration_s=result.duration_s,
            frames=result.frames,
            lipsynced=result.lipsynced,
            warnings=tuple(stages.warnings),
            backends={"used": stages.used},
            provenance=provenance,
        )

    async def finish(self, session: AsyncSession, job: Job, outcome: LipSyncOutcome) -> bool:
        finished = await lifecycle.complete(
            session,
            job,
            {
                "output_key": outcome.output_key,
                "duration_s": round(outcome.duration_s, 3),
                "frames": outcome.frames,
                "lipsynced": outcome.lipsynced,
                "warnings": list(outcome.warnings),
                "backends": outcome.backends,
                "provenance": outcome.provenance,
            },
        )
        if finished:
            await log_warnings(session, job, outcome.warnings)
        return finished

    def output_prefix(self, job: Job) -> str:
        return stage_prefix(job)
