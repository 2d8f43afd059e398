"""Which stages' warm models each job kind keeps (pipeline.neural.resident releases the rest)."""

from __future__ import annotations

from app.worker.job_stages import STAGES_OF_KIND
from db.enums import JobKind


def test_every_job_kind_names_the_stages_it_keeps() -> None:
    assert set(STAGES_OF_KIND) == set(JobKind)
    assert STAGES_OF_KIND[JobKind.MUSIC] == {"music"}
    assert "lipsync" not in STAGES_OF_KIND[JobKind.AUDIO]
