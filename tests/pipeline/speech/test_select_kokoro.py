"""Which narrator speaks: kokoro chosen, auto per language, and the fallback to espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.speech import kokoro_choice, kokoro_model
from pipeline.speech.kokoro_choice import KokoroLanguage, kokoro_is_default, voice_vectors
from pipeline.testing.tiny_kokoro import write_tiny_kokoro
from pipeline.types import Sentence

pytest.importorskip("onnxruntime")

SENTENCES = [
    Sentence(index=0, scene_index=0, text="The river was quiet."),
    Sentence(index=1, scene_index=0, text="A boat drifted past the village."),
]
HINDI = [Sentence(index=0, scene_index=0, text="नदी शांत थी।")]
BETTER = KokoroLanguage(0.05, 0.12, 0.04, 0.05, "jf_alpha")
WORSE = KokoroLanguage(0.30, 0.12, 0.04, 0.05, "jf_alpha")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_kokoro(folder, seed=7)
    return folder


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> dict[str, KokoroLanguage]:
    """The per-language table, as a measurement that put Kokoro ahead in English only."""
    measured = {"en": BETTER, "hi": WORSE}
    monkeypatch.setattr(kokoro_choice, "MEASURED", measured)
    return measured


@pytest.fixture
def not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kokoro_model, "packaged_installed", lambda: False)


def test_kokoro_narrates_when_chosen_with_word_timings(model_dir: Path) -> None:
    stages = StageBackends(BackendChoice(tts="kokoro", model_dir=model_dir, device="cpu"))
    spoken = stages.speak(SENTENCES, "neutral", "en", 160)
    assert stages.used["tts"] == "kokoro:" + "+".join(voice_vectors("en", "neutral"))
    assert stages.warnings == []
    for clip in spoken:
        starts = [seconds for _, seconds in clip.word_starts]
        assert len(starts) == len(clip.sentence.text.split())
        assert starts == sorted(starts) and starts[-1] < clip.duration_s


def test_kokoro_chosen_without_the_model_warns_once_and_espeak_speaks(
    tmp_path: Path, not_installed: None
) -> None:
    stages = StageBackends(BackendChoice(tts="kokoro", model_dir=tmp_path))
    first = stages.speak(SENTENCES, "male", "en", 160)
    stages.speak(HINDI, "female", "hi", 160)
    assert stages.used["tts"] == "espeak-ng"
    assert stages.warnings == [
        "Narration: Kokoro is not installed (pip install 'ai-film-studio[voice]'; "
        "`make serve` installs it), so espeak-ng spoke it."
    ]
    assert first[0].sample_rate == 22_050 and first[0].word_starts


def test_a_damaged_model_falls_back_with_the_reason(tmp_path: Path) -> None:
    folder = write_tiny_kokoro(tmp_path)
    (folder / kokoro_model.MODEL_FILE).write_bytes(b"not an onnx graph")
    stages = StageBackends(BackendChoice(tts="kokoro", model_dir=tmp_path, device="cpu"))
    assert stages.speak(SENTENCES, "male", "en", 160)
    assert stages.used["tts"] == "espeak-ng"
    assert len(stages.warnings) == 1 and stages.warnings[0].endswith("So espeak-ng spoke it.")


def test_auto_uses_kokoro_only_where_it_measured_better(
    model_dir: Path, table: dict[str, KokoroLanguage]
) -> None:
    assert kokoro_is_default("en") and not kokoro_is_default("hi")
    assert not kokoro_is_default("ta")  # not measured: espeak-ng
    english = StageBackends(BackendChoice(tts="auto", model_dir=model_dir, device="cpu"))
    english.speak(SENTENCES, "female", "en", 160)
    assert english.used["tts"] == "kokoro:jf_alpha"
    hindi = StageBackends(BackendChoice(tts="auto", model_dir=model_dir, device="cpu"))
    hindi.speak(HINDI, "female", "hi", 160)
    assert hindi.used["tts"] == "espeak-ng"
    assert english.warnings == [] and hindi.warnings == []


def test_auto_without_the_model_stays_on_espeak_quietly(
    tmp_path: Path, table: dict[str, KokoroLanguage], not_installed: None
) -> None:
    stages = StageBackends(BackendChoice(model_dir=tmp_path))
    assert stages.choice.tts == "auto"
    stages.speak(SENTENCES, "male", "en", 160)
    assert stages.used["tts"] == "espeak-ng" and stages.warnings == []


def test_the_stability_and_intelligibility_rules() -> None:
    assert BETTER.beats_espeak and not WORSE.beats_espeak
    shaky = KokoroLanguage(0.05, 0.12, 0.20, 0.05)
    assert not shaky.beats_espeak  # steadier espeak-ng wins
    unheard = KokoroLanguage(0.90, 1.00, 0.04, 0.05)
    assert not unheard.beats_espeak  # a recogniser that follows neither decides nothing
