"""Piper TTS backend, driven through piper-tts's real loader, espeak phonemizer and ONNX Runtime."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.speech import piper_tts
from pipeline.testing.tiny_piper import HOP_LENGTH, SAMPLE_RATE_HZ, write_tiny_voice
from pipeline.types import Sentence

TEXT = "The lamp was lit, and the story began."


@pytest.fixture(scope="module")
def voices_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("piper_voices")
    write_tiny_voice(folder, piper_tts.voice_for("en", "female").model)
    sharvard = piper_tts.voice_for("es", "female")
    write_tiny_voice(folder, sharvard.model, espeak_voice="es", speakers=("F", "M"))
    return folder


def expected_samples(voices_dir: Path, text: str, words_per_minute: float) -> int:
    """Length the tiny voice must produce: phoneme ids x hop x piper's length_scale."""
    model_path = voices_dir / f"{piper_tts.voice_for('en', 'female').model}.onnx"
    voice = piper_tts.load_voice(model_path)
    ids = sum(len(voice.phonemes_to_ids(p)) for p in voice.phonemize(text))
    natural = piper_tts.natural_words_per_minute(model_path, "en")
    scale = piper_tts.length_scale_for(words_per_minute, natural)
    return math.floor(ids * HOP_LENGTH * np.float32(scale))


def test_every_mapped_language_has_three_voices() -> None:
    for language, voices in piper_tts.PIPER_VOICES.items():
        assert set(voices) == {"male", "female", "neutral"}, language
        for choice in voices.values():
            assert choice.model.split("_")[0] == language, choice.model


def test_unknown_voice_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Voice 'robot'"):
        piper_tts.voice_for("en", "robot")


def test_language_without_piper_voice_is_unavailable(voices_dir: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="no voice for language 'ta'"):
        piper_tts.voice_for("ta", "male")
    assert not piper_tts.is_available(voices_dir, "ta", "male")


def test_missing_weights_raise_a_clear_error(tmp_path: Path) -> None:
    assert not piper_tts.is_available(tmp_path, "en", "male")
    assert piper_tts.missing_files(tmp_path, "en", "male") == [
        "en_US-ryan-medium.onnx",
        "en_US-ryan-medium.onnx.json",
    ]
    with pytest.raises(BackendUnavailableError, match=r"missing: en_US-ryan-medium\.onnx"):
        piper_tts.synthesize_sentence(TEXT, "en", "male", 160, tmp_path)


def test_sentence_is_mono_float32_of_the_phoneme_length(voices_dir: Path) -> None:
    assert piper_tts.is_available(voices_dir, "en-US", "female")
    audio, rate = piper_tts.synthesize_sentence(TEXT, "en", "female", 300, voices_dir)
    assert rate == SAMPLE_RATE_HZ
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert len(audio) == expected_samples(voices_dir, TEXT, 300)
    assert np.isfinite(audio).all()
    assert float(np.max(np.abs(audio))) == pytest.approx(piper_tts.PEAK_LEVEL, rel=1e-5)


def test_faster_rate_gives_shorter_speech(voices_dir: Path) -> None:
    slow, _ = piper_tts.synthesize_sentence(TEXT, "en", "female", 300, voices_dir)
    fast, _ = piper_tts.synthesize_sentence(TEXT, "en", "female", 600, voices_dir)
    assert len(fast) == expected_samples(voices_dir, TEXT, 600)
    assert len(fast) / len(slow) == pytest.approx(0.5, abs=0.01)


def test_rate_maps_to_length_scale_within_limits() -> None:
    assert piper_tts.length_scale_for(160, 160) == 1.0
    assert piper_tts.length_scale_for(200, 160) == pytest.approx(0.8)
    assert piper_tts.length_scale_for(10, 160) == piper_tts.MAX_LENGTH_SCALE
    assert piper_tts.length_scale_for(10_000, 160) == piper_tts.MIN_LENGTH_SCALE
    with pytest.raises(InputError):
        piper_tts.length_scale_for(0, 160)


def test_same_text_gives_identical_audio(voices_dir: Path) -> None:
    first, _ = piper_tts.synthesize_sentence(TEXT, "en", "female", 200, voices_dir)
    second, _ = piper_tts.synthesize_sentence(TEXT, "en", "female", 200, voices_dir)
    np.testing.assert_array_equal(first, second)


def test_multi_speaker_voice_uses_the_mapped_speaker(voices_dir: Path) -> None:
    female, _ = piper_tts.synthesize_sentence("Hola, buenos días.", "es", "female", 200, voices_dir)
    neutral, _ = piper_tts.synthesize_sentence(
        "Hola, buenos días.", "es", "neutral", 200, voices_dir
    )
    assert len(female) == len(neutral) > 0
    assert not np.allclose(female, neutral)


def test_voice_is_loaded_once(voices_dir: Path) -> None:
    model_path = voices_dir / "en_US-amy-medium.onnx"
    assert piper_tts.load_voice(model_path) is piper_tts.load_voice(model_path)


def test_synthesize_narrates_every_sentence_with_progress(voices_dir: Path) -> None:
    sentences = [
        Sentence(index=0, scene_index=0, text="Once upon a time."),
        Sentence(index=1, scene_index=0, text="A fox lived by the river.", speaker="Fox"),
    ]
    reports: list[tuple[str, float]] = []
    spoken = piper_tts.synthesize(
        sentences, "female", "en", 250, voices_dir, progress=lambda s, f: reports.append((s, f))
    )
    assert [s.sentence for s in spoken] == sentences
    assert all(s.sample_rate == SAMPLE_RATE_HZ and s.duration_s > 0.2 for s in spoken)
    assert reports == [("tts", 0.5), ("tts", 1.0)]


def test_text_without_speech_is_an_input_error(voices_dir: Path) -> None:
    with pytest.raises(InputError, match="Nothing speakable"):
        piper_tts.synthesize_sentence("   ", "en", "female", 160, voices_dir)


def test_voices_live_where_the_registry_puts_them(tmp_path: Path) -> None:
    from pipeline.neural import registry

    spec = registry.piper_voice_model("hi", "female")
    assert spec is not None
    assert (
        registry.model_path(spec, tmp_path)
        == piper_tts.voice_paths(
            piper_tts.voices_folder(tmp_path), piper_tts.voice_for("hi", "female").model
        )[0]
    )
