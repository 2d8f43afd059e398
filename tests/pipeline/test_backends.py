"""StageBackends on its own: which engine each stage uses, and the warnings when it falls back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.backends import CPU_DEFAULTS, BackendChoice, StageBackends
from pipeline.neural.registry import WAV2LIP, model_path
from pipeline.picture.image_to_video import shot_seed
from pipeline.speech import piper_tts
from pipeline.testing.tiny_piper import SAMPLE_RATE_HZ, write_tiny_voice
from pipeline.types import Sentence

pytest.importorskip("piper")

SENTENCES = [
    Sentence(index=0, scene_index=0, text="The river was quiet."),
    Sentence(index=1, scene_index=0, text="A boat drifted past the village."),
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_voice(folder / "piper", "en_US-ryan-medium")
    return folder


def test_piper_narrates_when_its_voice_is_present(model_dir: Path) -> None:
    stages = StageBackends(BackendChoice(tts="piper", model_dir=model_dir, device="cpu"))
    natural = piper_tts.natural_words_per_minute(
        model_dir / "piper" / "en_US-ryan-medium.onnx", "en"
    )
    slow = stages.speak(SENTENCES, "male", "en", round(natural * 0.75))
    fast = stages.speak(SENTENCES, "male", "en", round(natural * 1.5))
    assert stages.used["tts"] == "piper:en_US-ryan-medium"
    assert stages.warnings == []
    assert [clip.sentence for clip in slow] == SENTENCES
    assert all(clip.sample_rate == SAMPLE_RATE_HZ for clip in slow)
    assert all(np.isfinite(clip.audio).all() and len(clip.audio) > 0 for clip in slow)
    # The requested pace reaches piper: a faster narration is shorter.
    assert sum(c.duration_s for c in fast) < 0.6 * sum(c.duration_s for c in slow)


def test_piper_without_the_voice_or_the_language_uses_espeak(model_dir: Path) -> None:
    stages = StageBackends(BackendChoice(tts="piper", model_dir=model_dir))
    female = stages.speak(SENTENCES, "female", "en", 160)  # en_US-amy-medium is not there
    tamil = stages.speak(
        [Sentence(index=0, scene_index=0, text="வணக்கம் நண்பர்களே.")], "male", "ta", 160
    )
    assert stages.used["tts"] == "espeak-ng"
    assert female and tamil and all(len(clip.audio) for clip in [*female, *tamil])
    assert stages.warnings[0].startswith("Narration: the piper voice en_US-amy-medium is not in")
    assert "`filmstudio models download piper-en_US-amy-medium`" in stages.warnings[0]
    assert stages.warnings[1] == "Narration: piper has no voice for Tamil, so espeak-ng spoke it."
    stages.speak(SENTENCES, "female", "en", 160)
    assert len(stages.warnings) == 2  # each reason is said once


def test_musicgen_without_weights_plays_the_procedural_style(tmp_path: Path) -> None:
    stages = StageBackends(BackendChoice(music="musicgen", model_dir=tmp_path))
    chunks = list(stages.music_chunks("ambient", 2.5, 48_000, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == 120_000
    assert all(chunk.shape[1] == 2 for chunk in chunks)
    assert stages.used["music"] == "procedural"
    assert len(stages.warnings) == 1
    assert stages.warnings[0].startswith("Music: the MusicGen weights are not in")


def test_acestep_without_weights_plays_the_procedural_style_and_says_how_to_fetch_them(
    tmp_path: Path,
) -> None:
    stages = StageBackends(BackendChoice(music="acestep", model_dir=tmp_path))
    chunks = list(stages.music_chunks("ambient", 2.5, 48_000, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == 120_000
    assert stages.used["music"] == "procedural"
    (warning,) = stages.warnings
    assert warning.startswith(
        f"Music: the ACE-Step weights are not in {tmp_path / 'acestep-v15-xl-turbo-diffusers'}"
    )
    assert "`filmstudio models download acestep-1.5-xl-turbo` fetches it" in warning
    without_dir = StageBackends(BackendChoice(music="acestep"))
    list(without_dir.music_chunks("ambient", 1.0, 48_000, seed=1, chunk_s=1.0))
    assert "MODEL_DIR is not set" in without_dir.warnings[0]


def test_no_model_dir_and_explicit_wav2lip_warns_but_auto_stays_quiet() -> None:
    loud = StageBackends(BackendChoice(lipsync="wav2lip"))
    assert loud.lipsync_model() is None
    assert "MODEL_DIR is not set" in loud.warnings[0]
    quiet = StageBackends(BackendChoice())
    assert quiet.lipsync_model() is None and quiet.warnings == []
    assert quiet.lipsync_model(always_warn=True) is None and len(quiet.warnings) == 1
    off = StageBackends(CPU_DEFAULTS)
    assert off.lipsync_model() is None and off.warnings == []
    assert off.used["lipsync"] == "none"


def test_shot_seeds_are_reproducible_and_distinct() -> None:
    assert shot_seed(7, 2) == shot_seed(7, 2)
    assert len({shot_seed(7, shot) for shot in range(20)}) == 20
    assert shot_seed(7, 2) != shot_seed(8, 2)


def test_wav2lip_weights_that_do_not_load_are_reported_even_on_auto(tmp_path: Path) -> None:
    broken = model_path(WAV2LIP, tmp_path)
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"this is not an onnx graph")
    stages = StageBackends(BackendChoice(model_dir=tmp_path))
    assert stages.lipsync_model() is None
    assert len(stages.warnings) == 1
    assert "could not be loaded by onnxruntime" in stages.warnings[0]


def test_cache_keys_follow_the_narration_and_music_weights_installed(tmp_path: Path) -> None:
    from pipeline.backends import cache_inputs
    from pipeline.neural.registry import ACESTEP_XL_TURBO, WHISPER_ALIGNER, model_path

    choice = BackendChoice(tts="auto", music="acestep", model_dir=tmp_path)
    speech_before, music_before = cache_inputs(choice, "tts"), cache_inputs(choice, "music")
    for spec in (WHISPER_ALIGNER, ACESTEP_XL_TURBO):
        for item in spec.files:
            path = model_path(spec, tmp_path) / item.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
    speech_after, music_after = cache_inputs(choice, "tts"), cache_inputs(choice, "music")
    assert "whisper-small-aligner" in speech_after["installed"]
    assert speech_after != speech_before, "new word timings: the scene's narration is redone"
    assert music_after["installed"] == ["acestep-1.5-xl-turbo"] and music_after != music_before
    assert cache_inputs(choice, "tts") == speech_after, "stable while nothing changes"
