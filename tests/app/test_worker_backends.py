"""Settings choose each stage's backend; the worker turns them into the pipeline's BackendChoice."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from app.config import Settings
from app.worker.backends import backend_choice
from db.enums import Voice
from pipeline import vocabulary


def test_settings_use_the_pipeline_backend_names() -> None:
    fields = Settings.model_fields
    for field, names in [
        ("tts_backend", vocabulary.TTS_BACKENDS),
        ("music_backend", vocabulary.MUSIC_BACKENDS),
        ("video_backend", vocabulary.VIDEO_BACKENDS),
        ("lipsync_backend", vocabulary.LIPSYNC_BACKENDS),
    ]:
        assert get_args(fields[field].annotation) == names


def test_database_enums_hold_the_pipeline_value_sets() -> None:
    assert tuple(voice.value for voice in Voice) == vocabulary.VOICES


def test_defaults_are_the_cpu_backends_with_lipsync_when_present(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    choice = backend_choice(settings)
    assert choice.chosen() == {
        "tts": "auto",
        "music": "procedural",
        "video": "kenburns",
        "lipsync": "auto",
    }
    assert choice.model_dir == tmp_path / "models"
    assert choice.device is None
    assert choice.lipsync_options.detect_every == 3


def test_environment_chooses_neural_backends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "TTS_BACKEND": "piper",
        "MUSIC_BACKEND": "MusicGen",
        "VIDEO_BACKEND": "svd",
        "LIPSYNC_BACKEND": "",
        "VIDEO_MODEL": "svd-img2vid",
        "VIDEO_STEPS": "12",
        "NEURAL_DEVICE": "cuda",
        "MODEL_DIR": str(tmp_path / "weights"),
        "LIPSYNC_DETECT_EVERY": "5",
    }.items():
        monkeypatch.setenv(name, value)
    choice = backend_choice(Settings(_env_file=None))  # type: ignore[call-arg]
    assert choice.chosen() == {
        "tts": "piper",
        "music": "musicgen",
        "video": "svd",
        "lipsync": "auto",
    }
    assert choice.model_dir == tmp_path / "weights"
    assert (choice.video_model, choice.video_settings.steps) == ("svd-img2vid", 12)
    assert choice.device == "cuda"
    assert choice.lipsync_options.detect_every == 5


def test_music_backend_acestep_is_a_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSIC_BACKEND", "acestep")
    assert backend_choice(Settings(_env_file=None)).music == "acestep"


def test_an_unknown_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTS_BACKEND", "coqui")
    with pytest.raises(ValueError, match="tts_backend"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("environment", "setting", "expected"),
    [
        ("production", None, True),
        ("development", None, False),
        ("production", "false", False),
        ("development", "true", True),
        ("development", "", False),
    ],
)
def test_commercial_use_only_is_on_in_production_unless_set(
    tmp_path: Path, environment: str, setting: str | None, expected: bool
) -> None:
    values: dict[str, object] = {"environment": environment, "data_dir": tmp_path}
    if setting is not None:
        values["commercial_use_only"] = setting
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
    assert settings.commercial_only is expected
    assert backend_choice(settings).commercial_only is expected
