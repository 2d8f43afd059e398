"""A whole film whose speaking character is lip-synced by a tiny seeded MuseTalk, with the
commercial gate on (the GPU image's default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from pipeline.backends import BackendChoice
from pipeline.media.probe import probe
from pipeline.neural.registry import MUSETALK_UNET, model_path
from pipeline.testing.tiny_musetalk import write_tiny_musetalk
from tests.pipeline.speaking_film import SMALL, render_speaking_film

pytest.importorskip("diffusers")

DURATION_S = 10.0
FPS = 30
SCREENPLAY = """The lighthouse stood alone on the cliff above the grey sea.

MAYA: Is anyone up there? I saw your light."""
ENCODING_NOISE_LEVELS = 4
"""Mean difference two encodes of the same frames may show, in 8-bit levels."""
STRONG_CHANGE = 40


def _frames(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number in indices:
                found[number] = np.asarray(frame.to_ndarray(format="rgb24"))
    return found


def test_a_talking_character_is_lip_synced_by_musetalk(tmp_path: Path) -> None:
    models = tmp_path / "models"
    write_tiny_musetalk(model_path(MUSETALK_UNET, models), seed=7)

    def render(lipsync: str, folder: str) -> tuple[Path, dict[str, Any], list[str]]:
        backends = BackendChoice(
            lipsync=lipsync,  # type: ignore[arg-type]
            model_dir=models,
            device="cpu",
            commercial_only=True,
            talking_stills=False,
        )
        return render_speaking_film(tmp_path, backends, folder, SCREENPLAY, DURATION_S)

    video, backends, warnings = render("auto", "musetalk")
    assert backends["used"]["lipsync"] == MUSETALK_UNET.name and warnings == []
    (shot,) = [s for s in backends["shots"] if s["kind"] == "lipsync"]
    assert shot["model"] == MUSETALK_UNET.name and shot["speaker"] == "MAYA"
    assert shot["face"] is True and shot["frames"] == round((shot["end_s"] - shot["start_s"]) * FPS)
    assert backends["seconds"]["lipsync"] > 0
    facts = probe(video).video
    assert facts is not None and facts.frames == round(DURATION_S * FPS)
    assert (facts.width, facts.height) == SMALL

    plain, plain_backends, _ = render("none", "plain")
    assert plain_backends["used"]["lipsync"] == "none"
    middle = round((shot["start_s"] + shot["end_s"]) / 2 * FPS)
    before = round(shot["start_s"] * FPS) - 5
    synced, still = _frames(video, {middle, before}), _frames(plain, {middle, before})
    changed = np.abs(synced[middle].astype(int) - still[middle].astype(int)).max(axis=2)
    rows = np.flatnonzero((changed > STRONG_CHANGE).any(axis=1))
    assert rows.size > 5, "MuseTalk changed (almost) nothing in MAYA's shot"
    assert rows.min() > SMALL[1] // 3  # the mouth, not the eyes or the forehead
    # Outside the shot the two films differ only by x264's noise (a few levels, by host).
    outside = np.abs(synced[before].astype(int) - still[before].astype(int)).max(axis=2)
    assert outside.mean() < ENCODING_NOISE_LEVELS
    assert (outside > STRONG_CHANGE).mean() < rows.size / SMALL[1] / 4
