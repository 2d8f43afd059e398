"""The commercial-use gate: a studio that sells its films loads only weights it may sell from.

With commercial_only on (COMMERCIAL_USE_ONLY, the default in production), a model whose
registry entry is not `commercial_use: yes` is refused before it loads: the stage falls back
to its CPU default with one sentence naming the licence.
"""

from __future__ import annotations

from pipeline.neural.model_spec import ModelSpec

COMMERCIAL_USE_ALLOWED = "yes"


def is_refused(spec: ModelSpec, commercial_only: bool) -> bool:
    """True when the gate is on and the model's licence does not plainly allow selling output."""
    return commercial_only and spec.commercial_use != COMMERCIAL_USE_ALLOWED


def refusal(what: str, spec: ModelSpec, fallback: str) -> str:
    """The sentence a stage logs when the gate refuses a model."""
    return (
        f"{what}: {spec.name} is licensed {spec.licence} (commercial use: "
        f"{spec.commercial_use}), and COMMERCIAL_USE_ONLY refuses it, so {fallback}."
    )
