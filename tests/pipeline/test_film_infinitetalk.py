"""A whole film whose speaking character is made by a tiny seeded InfiniteTalk
(TALKING_BACKEND=infinitetalk) with the commercial gate on; missing weights and running out
of GPU memory fall back with a warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from pipeline.backends import BackendChoice
from pipeline.media.probe import probe
from pipeline.talking import infinitetalk
from pipeline.talking.settings import TalkSettings
from pipeline.testing.tiny_infinitetalk import write_tiny_infinitetalk
from tests.pipeline.speaking_film import render_speaking_film

pytest.importorskip("diffusers")

DURATION_S = 8.0
FPS = 30
SCREENPLAY = """The lighthouse stood alone on the cliff.

MAYA: Is anyone up there?"""
TINY = TalkSettings(num_frames=9, steps=1, pixel_area=32 * 32, prompt="a slow camera")


def _render(tmp_path: Path, weights: Path, folder: str) -> tuple[Path, dict[str, Any], list[str]]:
    backends = BackendChoice(
        lipsync="none",
        talking="infinitetalk",
        model_dir=weights,
        device="cpu",
        commercial_only=True,
        talking_stills=False,
        talking_settings=TINY,
    )
    return render_speaking_film(tmp_path, backends, folder, SCREENPLAY, DURATION_S)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("models")
    write_tiny_infinitetalk(root / "infinitetalk", seed=4)
    return root


@pytest.mark.slow
def test_a_speaking_character_is_made_by_infinitetalk(models: Path, tmp_path: Path) -> None:
    video, backends, warnings = _render(tmp_path, models, "talking")
    assert backends["used"]["talking"] == "infinitetalk-single" and warnings == []
    assert backends["chosen"]["talking"] == "infinitetalk"
    (shot,) = [s for s in backends["shots"] if s["kind"] == "talking"]
    assert shot["speaker"] == "MAYA" and shot["frames_per_clip"] == 9
    assert backends["seconds"]["lipsync"] > 0
    assert shot["output_frames"] == round((shot["end_s"] - shot["start_s"]) * FPS)
    probed = probe(video).video
    assert probed is not None and probed.frames == round(DURATION_S * FPS)


@pytest.mark.slow
def test_missing_weights_fall_back_to_the_lipsync_path(tmp_path: Path) -> None:
    _, backends, warnings = _render(tmp_path, tmp_path / "empty", "missing")
    assert backends["used"]["talking"] == "lipsync"
    assert not [s for s in backends["shots"] if s["kind"] == "talking"]
    assert any("InfiniteTalk" in w and "lip-synced instead" in w for w in warnings)


@pytest.mark.slow
def test_running_out_of_gpu_memory_twice_keeps_the_film_whole(
    models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def out_of_memory(*_args: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(infinitetalk, "talk_clip", out_of_memory)
    video, _, warnings = _render(tmp_path, models, "oom")
    assert any("InfiniteTalk failed on MAYA's shot" in w for w in warnings)
    probed = probe(video).video
    assert probed is not None and probed.frames == round(DURATION_S * FPS)
