"""COMMERCIAL_USE_ONLY: models whose weights forbid selling the output never load; each stage
falls back to its CPU default and says why, naming the licence."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.neural.licences import is_refused
from pipeline.neural.registry import MUSICGEN_SMALL, WAV2LIP, list_models, model_path
from pipeline.testing.tiny_piper import write_tiny_voice
from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip
from pipeline.types import Sentence

pytest.importorskip("piper")

SENTENCE = [Sentence(index=0, scene_index=0, text="The river was quiet.")]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_voice(folder / "piper", "en_US-ryan-medium")  # licence unknown: refused
    write_tiny_voice(folder / "piper", "te_IN-venkatesh-medium")  # CC-BY-4.0: allowed
    build_tiny_wav2lip(model_path(WAV2LIP, folder), seed=2)
    return folder


def test_only_plainly_commercial_weights_pass_the_gate() -> None:
    passed = {spec.name for spec in list_models() if not is_refused(spec, commercial_only=True)}
    assert "piper-te_IN-venkatesh-medium" in passed
    assert {"wav2lip-gan-96", "musicgen-small", "svd-img2vid-xt"}.isdisjoint(passed)
    assert {"acestep-1.5-xl-turbo", "wan2.2-ti2v-5b", "musetalk-1.5"} <= passed
    assert not any(is_refused(spec, commercial_only=False) for spec in list_models())


def test_a_refused_voice_falls_back_to_espeak_and_an_allowed_one_speaks(model_dir: Path) -> None:
    choice = BackendChoice(tts="piper", model_dir=model_dir, device="cpu", commercial_only=True)
    english = StageBackends(choice)
    assert english.speak(SENTENCE, "male", "en", 160)
    assert english.used["tts"] == "espeak-ng"
    (warning,) = english.warnings
    assert warning.startswith("Narration: piper-en_US-ryan-medium is licensed")
    assert "COMMERCIAL_USE_ONLY refuses it, so espeak-ng spoke it." in warning
    telugu = StageBackends(choice)
    assert telugu.speak([Sentence(index=0, scene_index=0, text="నమస్కారం.")], "male", "te", 160)
    assert telugu.used["tts"] == "piper:te_IN-venkatesh-medium"
    assert telugu.warnings == []


def test_wav2lip_present_but_refused_is_said_even_on_auto(model_dir: Path) -> None:
    research = StageBackends(BackendChoice(model_dir=model_dir, device="cpu"))
    assert research.lipsync_model() is not None
    gated = StageBackends(BackendChoice(model_dir=model_dir, device="cpu", commercial_only=True))
    assert gated.lipsync_model() is None
    assert gated.used["lipsync"] == "none"
    (warning,) = gated.warnings
    assert "wav2lip-gan-96 is licensed" in warning and "(commercial use: no)" in warning


def test_musicgen_and_svd_are_refused_before_their_weights_are_looked_for(tmp_path: Path) -> None:
    choice = BackendChoice(music="musicgen", video="svd", model_dir=tmp_path, commercial_only=True)
    stages = StageBackends(choice)
    chunks = list(stages.music_chunks("ambient", 1.0, 48_000, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == 48_000
    assert stages.used["music"] == "procedural"
    assert stages.warnings[0].startswith(f"Music: {MUSICGEN_SMALL.name} is licensed")
    assert "weights are not in" not in " ".join(stages.warnings)


def test_acestep_passes_the_gate_and_then_looks_for_its_weights(tmp_path: Path) -> None:
    choice = BackendChoice(music="acestep", model_dir=tmp_path, commercial_only=True)
    stages = StageBackends(choice)
    chunks = list(stages.music_chunks("ambient", 1.0, 48_000, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == 48_000
    assert stages.used["music"] == "procedural"
    (warning,) = stages.warnings
    assert warning.startswith("Music: the ACE-Step weights are not in")
    assert "COMMERCIAL_USE_ONLY" not in warning
