"""Audio and music stage jobs on neural backends (tiny piper voice, tiny MusicGen), and their
fallback warnings, run the way the worker runs them (prepare's inputs -> run -> stored file)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app.storage import LocalStorage
from app.storage_keys import job_prefix
from app.worker.stage_jobs import AudioWork, MusicWork, StageInputs
from pipeline.backends import BackendChoice
from pipeline.media.probe import probe
from pipeline.music import musicgen
from pipeline.music.musicgen import MusicGenSettings
from pipeline.neural.registry import MUSICGEN_SMALL, model_path
from pipeline.testing.tiny_musicgen import write_tiny_musicgen
from pipeline.testing.tiny_piper import write_tiny_voice

pytest.importorskip("piper")
pytest.importorskip("transformers")

TINY_MUSIC = MusicGenSettings(window_s=4.0, context_s=1.0, crossfade_s=0.2)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_voice(folder / "piper", "en_US-amy-medium")
    write_tiny_musicgen(model_path(MUSICGEN_SMALL, folder), seed=3)
    return folder


def _run(work: AudioWork | MusicWork, params: dict[str, object], tmp_path: Path) -> tuple:
    typed = work.params_model.model_validate({"output_minutes": 0.1, **params})
    storage = LocalStorage(tmp_path / "storage", "secret" * 8, "http://localhost")
    key = job_prefix(uuid.uuid4(), uuid.uuid4()) + work.filename
    inputs = StageInputs(uuid.uuid4(), key, typed)
    outcome = work.run(inputs, storage, tmp_path / "work", lambda _stage, _fraction: None)
    return outcome, probe(storage.path(key))


def test_narration_job_speaks_with_piper(model_dir: Path, tmp_path: Path) -> None:
    work = AudioWork(BackendChoice(tts="piper", model_dir=model_dir, device="cpu"))
    params = {"text": "Hello there. I came home at last.", "voice": "female", "language": "en"}
    outcome, facts = _run(work, params, tmp_path)
    assert outcome.warnings == ()
    assert outcome.backends["used"]["tts"] == "piper:en_US-amy-medium"
    assert facts.audio is not None and facts.audio.sample_rate == 48_000
    assert facts.duration_s == pytest.approx(outcome.duration_s, abs=0.1)


def test_music_job_uses_musicgen_with_the_prompt(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    real_build_prompt = musicgen.build_prompt

    def build_prompt(style: str | None, prompt: str | None = None) -> str:
        prompts.append(real_build_prompt(style, prompt))
        return prompts[-1]

    monkeypatch.setattr(musicgen, "build_prompt", build_prompt)
    choice = BackendChoice(music="musicgen", model_dir=model_dir, music_settings=TINY_MUSIC)
    params = {"style": "ambient", "prompt": "calm piano", "duration_s": 6}
    outcome, facts = _run(MusicWork(choice), params, tmp_path)
    assert prompts == [f"calm piano; {musicgen.STYLE_PROMPTS['ambient']}"]
    assert outcome.warnings == ()
    assert outcome.backends["used"]["music"] == f"musicgen:{MUSICGEN_SMALL.folder}"
    assert facts.audio is not None and facts.audio.channels == 2
    assert facts.duration_s == pytest.approx(6.0, abs=0.1)


def test_stage_jobs_without_weights_fall_back_and_say_so(tmp_path: Path) -> None:
    empty = tmp_path / "models"
    choice = BackendChoice(tts="piper", music="musicgen", model_dir=empty)
    narration, _ = _run(
        AudioWork(choice), {"text": "Hello.", "voice": "male", "language": "en"}, tmp_path
    )
    music, facts = _run(
        MusicWork(choice), {"style": "cinematic", "prompt": "", "duration_s": 5}, tmp_path
    )
    assert narration.backends["used"]["tts"] == "espeak-ng"
    assert narration.warnings[0].startswith("Narration: the piper voice en_US-ryan-medium")
    assert music.backends["used"]["music"] == "procedural"
    assert music.warnings[0].startswith("Music: the MusicGen weights are not in")
    assert facts.duration_s == pytest.approx(5.0, abs=0.1)
