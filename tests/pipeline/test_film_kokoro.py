"""A whole film narrated by Kokoro (the tiny seeded graph): length, sound, subtitles from the
model's word timings, and what render.json records."""

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
from pipeline.speech.kokoro_choice import voice_vectors
from pipeline.testing.tiny_kokoro import write_tiny_kokoro
from tests.pipeline.render_media import write_picture

pytest.importorskip("onnxruntime")

SMALL = (320, 180)
DURATION_S = 14.0
SCRIPT = (
    "The lighthouse stood alone on the cliff above the grey sea, and every night its keeper "
    "climbed the long stairs. A ship answered its light."
)


def test_a_film_narrated_by_kokoro(tmp_path: Path) -> None:
    model_dir = tmp_path / "models"
    write_tiny_kokoro(model_dir, seed=11)
    picture = write_picture(tmp_path / "sea.png", 480, 270, 3)
    request = FilmRequest(
        script=SCRIPT,
        images=(picture,),
        voice="female",
        duration_s=DURATION_S,
        music=MusicChoice.named("ambient"),
        size=SMALL,
        seed=2,
        backends=BackendChoice(tts="kokoro", lipsync="none", model_dir=model_dir, device="cpu"),
    )
    result = render_film(request, tmp_path / "out")
    facts = probe(result.video)
    assert facts.duration_s == pytest.approx(DURATION_S, rel=0.02)
    assert facts.video is not None and (facts.video.width, facts.video.height) == SMALL
    assert facts.audio is not None and facts.audio.sample_rate == 48_000
    assert result.warnings == ()
    record = json.loads(result.report.read_text(encoding="utf-8"))
    assert record["backends"]["chosen"]["tts"] == "kokoro"
    assert record["backends"]["used"]["tts"] == "kokoro:" + voice_vectors("en", "female")[0]
    # The long first sentence is cut into several cues at the model's word starts.
    cues = result.cues
    assert len(cues) >= 3
    assert all(a.end_s <= b.start_s + 1e-6 for a, b in itertools.pairwise(cues))
    assert cues[0].start_s >= 0.0 and cues[-1].end_s <= DURATION_S
    spoken = " ".join(" ".join(cue.lines) for cue in cues).split()
    assert spoken == SCRIPT.split()
