"""Which lip-sync model a render or job gets: MuseTalk first on auto, Wav2Lip when asked, and
the commercial gate (MuseTalk passes it, Wav2Lip does not)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.lipsync.musetalk import MuseTalkModel
from pipeline.lipsync.wav2lip import Wav2LipModel
from pipeline.neural.registry import MUSETALK_UNET, WAV2LIP, model_path
from pipeline.testing.tiny_musetalk import write_tiny_musetalk
from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip

pytest.importorskip("onnxruntime")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_musetalk(model_path(MUSETALK_UNET, folder), seed=1)
    build_tiny_wav2lip(model_path(WAV2LIP, folder), seed=2)
    return folder


def _stages(model_dir: Path | None, **choice: object) -> StageBackends:
    return StageBackends(BackendChoice(model_dir=model_dir, device="cpu", **choice))  # type: ignore[arg-type]


def test_auto_prefers_musetalk_and_the_commercial_gate_lets_it_through(both: Path) -> None:
    for commercial_only in (False, True):
        stages = _stages(both, commercial_only=commercial_only)
        assert isinstance(stages.lipsync_model(always_warn=True), MuseTalkModel)
        assert stages.used["lipsync"] == MUSETALK_UNET.name and stages.warnings == []


def test_wav2lip_stays_selectable_for_research_but_not_commercially(both: Path) -> None:
    research = _stages(both, lipsync="wav2lip")
    assert isinstance(research.lipsync_model(), Wav2LipModel)
    assert research.used["lipsync"] == WAV2LIP.name
    gated = _stages(both, lipsync="wav2lip", commercial_only=True)
    assert gated.lipsync_model() is None and gated.used["lipsync"] == "none"
    (warning,) = gated.warnings
    assert "wav2lip-gan-96 is licensed" in warning and "COMMERCIAL_USE_ONLY refuses it" in warning


def test_musetalk_asked_for_but_missing_says_how_to_fetch_it(tmp_path: Path) -> None:
    stages = _stages(tmp_path, lipsync="musetalk")
    assert stages.lipsync_model() is None and stages.used["lipsync"] == "none"
    (warning,) = stages.warnings
    assert warning.startswith("Lip-sync: MuseTalk is unavailable (musetalkV15/musetalk.json")
    assert "filmstudio models download 'musetalk-*'" in warning
    quiet = _stages(tmp_path)
    assert quiet.lipsync_model() is None and quiet.warnings == []
    asked = _stages(tmp_path, commercial_only=True)
    assert asked.lipsync_model(always_warn=True) is None
    assert len(asked.warnings) == 1 and "MuseTalk" in asked.warnings[0]


def test_broken_musetalk_weights_are_reported_and_wav2lip_serves_on_auto(
    both: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "models"
    shutil.copytree(both, copy)
    (model_path(MUSETALK_UNET, copy) / "musetalkV15" / "unet.pth").write_bytes(b"not weights")
    stages = _stages(copy)
    assert isinstance(stages.lipsync_model(), Wav2LipModel)
    (warning,) = stages.warnings
    assert warning.startswith("Lip-sync: MuseTalk is installed but cannot run here")
