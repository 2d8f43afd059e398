"""Stage jobs of the AI job service: narration audio and music tracks."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs import lifecycle
from app.jobs.params import MusicParams, NarrationParams, Params, read_params
from app.storage import Storage
from app.storage_keys import job_prefix
from app.worker.job_warnings import log_warnings
from app.worker.paid_length import PaidLengthBackends
from app.worker.render_work import seed_for
from db.models import Job
from pipeline.audio_files import music_file, narration_file
from pipeline.backends import BackendChoice, StageBackends
from pipeline.types import ProgressCallback

M4A_TYPE = "audio/mp4"
SECONDS_PER_MINUTE = 60
PAID_ROUNDING_SLACK = 1e-9
"""Keeps 2.0000000001 minutes (float noise) from counting as a third paid minute."""


def stage_prefix(job: Job) -> str:
    """Where a stage job's output is stored."""
    assert job.project_id is not None
    return job_prefix(job.project_id, job.id)


@dataclass(frozen=True)
class StageInputs(Generic[Params]):
    """A stage job's id, output key and parameters."""

    job_id: uuid.UUID
    output_key: str
    params: Params
    paid_s: float | None = None
    """Seconds of output the job was charged for (whole started minutes)."""


@dataclass(frozen=True)
class StageOutcome:
    """A stored stage output, its length, and what the backends reported."""

    output_key: str
    duration_s: float
    warnings: tuple[str, ...] = ()
    backends: dict[str, Any] = field(default_factory=dict)


class _StageWork(Generic[Params]):
    """The shared steps of stage jobs; subclasses name the file, their params and make it."""

    filename = "output.m4a"
    params_model: type[Params]

    def __init__(self, backends: BackendChoice | None = None) -> None:
        self.backends = backends or BackendChoice()

    async def prepare(self, session: AsyncSession, job: Job) -> StageInputs[Params]:
        paid_s = (
            math.ceil(job.output_minutes - PAID_ROUNDING_SLACK) * SECONDS_PER_MINUTE
            if job.output_minutes
            else None
        )
        params = read_params(job, self.params_model)
        return StageInputs(job.id, stage_prefix(job) + self.filename, params, paid_s)

    def stage_backends(self, inputs: StageInputs[Params]) -> StageBackends:
        """The backends this job runs with."""
        return StageBackends(self.backends)

    def make(
        self,
        inputs: StageInputs[Params],
        path: Path,
        progress: ProgressCallback,
        stages: StageBackends,
    ) -> float:
        raise NotImplementedError

    def run(
        self,
        inputs: StageInputs[Params],
        storage: Storage,
        folder: Path,
        progress: ProgressCallback,
    ) -> StageOutcome:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.filename
        stages = self.stage_backends(inputs)
        duration_s = self.make(inputs, path, progress, stages)
        storage.put_file(inputs.output_key, path, M4A_TYPE)
        return StageOutcome(
            inputs.output_key, duration_s, tuple(stages.warnings), {"used": stages.used}
        )

    async def finish(self, session: AsyncSession, job: Job, outcome: StageOutcome) -> bool:
        finished = await lifecycle.complete(
            session,
            job,
            {
                "output_key": outcome.output_key,
                "duration_s": round(outcome.duration_s, 3),
                "warnings": list(outcome.warnings),
                "backends": outcome.backends,
            },
        )
        if finished:
            await log_warnings(session, job, outcome.warnings)
        return finished

    def output_prefix(self, job: Job) -> str:
        return stage_prefix(job)


class AudioWork(_StageWork[NarrationParams]):
    """Narration of a text in a voice and language."""

    filename = "narration.m4a"
    params_model = NarrationParams

    def stage_backends(self, inputs: StageInputs[NarrationParams]) -> StageBackends:
        """Narration stops at the paid length, however long the text really speaks."""
        if inputs.paid_s is None:
            return StageBackends(self.backends)
        return PaidLengthBackends(self.backends, max(inputs.paid_s, SECONDS_PER_MINUTE))

    def make(
        self,
        inputs: StageInputs[NarrationParams],
        path: Path,
        progress: ProgressCallback,
        stages: StageBackends,
    ) -> float:
        params = inputs.params
        return narration_file(
            params.text,
            params.voice,
            params.language,
            path,
            progress=progress,
            stages=stages,
        )


class MusicWork(_StageWork[MusicParams]):
    """A music track in a catalogue style (MusicGen with the free-text prompt when chosen)."""

    filename = "music.m4a"
    params_model = MusicParams

    def make(
        self,
        inputs: StageInputs[MusicParams],
        path: Path,
        progress: ProgressCallback,
        stages: StageBackends,
    ) -> float:
        params = inputs.params
        return music_file(
            params.style,
            params.duration_s,
            path,
            seed_for(inputs.job_id),
            progress,
            prompt=params.prompt or None,
            stages=stages,
        )
