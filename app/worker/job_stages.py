"""Which pipeline stages' models each kind of job uses (the others' are released first)."""

from __future__ import annotations

from db.enums import JobKind
from pipeline.neural.model_spec import Stage

ALL_STAGES: frozenset[Stage] = frozenset({"tts", "music", "visuals", "lipsync", "faces"})

STAGES_OF_KIND: dict[JobKind, frozenset[Stage]] = {
    JobKind.RENDER: ALL_STAGES,
    JobKind.AUDIO: frozenset({"tts"}),
    JobKind.MUSIC: frozenset({"music"}),
    JobKind.LIPSYNC: frozenset({"lipsync", "faces"}),
    JobKind.YOUTUBE_UPLOAD: ALL_STAGES,
}
"""A film uses every stage; an upload uses none, so it keeps what the next film wants warm."""
