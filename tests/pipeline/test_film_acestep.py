"""A whole film with MUSIC_BACKEND=acestep: a tiny seeded ACE-Step pipeline in MODEL_DIR as
`filmstudio models download acestep-1.5-xl-turbo` lays it out, its music in the mix, its
progress in the render's, the result probed with ffmpeg."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.backends import BackendChoice
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.acestep import AceStepSettings
from pipeline.music.choice import MusicChoice
from pipeline.neural.registry import ACESTEP_XL_TURBO, model_path
from pipeline.testing.tiny_acestep import write_tiny_acestep
from tests.pipeline.render_media import write_picture

pytest.importorskip("diffusers")

SMALL = (320, 180)
DURATION_S = 8.0
SCRIPT = "The lighthouse stood alone on the cliff above the grey sea."
# Two pieces of 4.5 s crossfaded over 1 s make the 8 s bed.
TINY_ACESTEP = AceStepSettings(max_chunk_s=5.0, min_chunk_s=2.0, crossfade_s=1.0)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_acestep(model_path(ACESTEP_XL_TURBO, folder), seed=2)
    return folder


def test_a_film_with_acestep_music(model_dir: Path, tmp_path: Path) -> None:
    choice = BackendChoice(
        music="acestep",
        lipsync="none",
        model_dir=model_dir,
        device="cpu",
        acestep_settings=TINY_ACESTEP,
        commercial_only=True,
    )
    request = FilmRequest(
        script=SCRIPT,
        images=(write_picture(tmp_path / "sea.png", 480, 270, 3),),
        voice="female",
        duration_s=DURATION_S,
        music=MusicChoice.named("cinematic"),
        music_prompt="calm piano",
        size=SMALL,
        seed=5,
        backends=choice,
    )
    reports: list[tuple[str, float]] = []
    result = render_film(request, tmp_path / "out", lambda s, f: reports.append((s, f)))

    facts = probe(result.video)
    video, audio = facts.video, facts.audio
    assert video is not None and audio is not None
    assert facts.duration_s == pytest.approx(DURATION_S, rel=0.02)
    assert (video.width, video.height) == SMALL
    assert (audio.codec, audio.sample_rate, audio.channels) == ("aac", 48_000, 2)
    loudness = measure_loudness(result.video)
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0

    record: dict[str, Any] = json.loads(result.report.read_text(encoding="utf-8"))
    assert record["backends"]["chosen"]["music"] == "acestep"
    assert record["backends"]["used"]["music"] == f"acestep:{ACESTEP_XL_TURBO.folder}"
    assert record["warnings"] == []
    assert result.mix.music_lufs > -40  # the music is really in the mix
    assert result.stage_seconds["music"] > 0

    music = [fraction for stage, fraction in reports if stage == "music"]
    assert music, "the music stage's progress was dropped"
    fractions = [fraction for _stage, fraction in reports]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
