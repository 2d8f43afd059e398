"""A whole Tamil film narrated by Indic Parler-TTS (the tiny seeded checkpoint): length,
sound, subtitles spread over the clips, and what render.json records."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pipeline.backends import BackendChoice
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import probe
from pipeline.music.choice import MusicChoice
from pipeline.speech.parler_tts import model_folder
from pipeline.testing.tiny_parler import write_tiny_parler
from tests.pipeline.render_media import write_picture

pytest.importorskip("torch")

SMALL = (320, 180)
DURATION_S = 8.0
SCRIPT = "அமைதியான நதி பழைய படகு. காலை ஒளி கிராமம்."


def test_a_tamil_film_narrated_by_parler(tmp_path: Path) -> None:
    model_dir = tmp_path / "models"
    write_tiny_parler(model_folder(model_dir), seed=3)
    picture = write_picture(tmp_path / "river.png", 480, 270, 3)
    request = FilmRequest(
        script=SCRIPT,
        images=(picture,),
        voice="female",
        language="ta",
        duration_s=DURATION_S,
        music=MusicChoice.named("ambient"),
        size=SMALL,
        seed=2,
        backends=BackendChoice(tts="parler", lipsync="none", model_dir=model_dir, device="cpu"),
    )
    result = render_film(request, tmp_path / "out")
    facts = probe(result.video)
    assert facts.duration_s == pytest.approx(DURATION_S, rel=0.02)
    assert facts.audio is not None and facts.audio.sample_rate == 48_000
    # (the tiny codec's random weights make full-scale noise, which the peak limiter tames)
    assert not [w for w in result.warnings if w.startswith("Narration")]
    record = json.loads(result.report.read_text(encoding="utf-8"))
    assert record["backends"]["chosen"]["tts"] == "parler"
    assert record["backends"]["used"]["tts"] == "parler:indic-parler-tts"
    cues = result.cues
    assert cues and all(a.end_s <= b.start_s + 1e-6 for a, b in itertools.pairwise(cues))
    spoken = " ".join(" ".join(cue.lines) for cue in cues).split()
    assert spoken == SCRIPT.split()
