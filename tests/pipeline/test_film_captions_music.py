"""Whole renders with shorts captions and with soundfont music: real MP4s, probed and decoded."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from pipeline.backends import BackendChoice
from pipeline.errors import InputError
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.choice import MusicChoice
from pipeline.neural.soundfonts import installed_soundfont
from pipeline.picture.shorts_captions import group_words, spoken_words, to_ass

SCRIPT = "The lighthouse stood alone on the cliff. Is anyone up there tonight?"
PORTRAIT = (180, 320)
FPS = 30


def _frames(path: Path) -> list[npt.NDArray[np.uint8]]:
    with av.open(str(path)) as container:
        return [np.asarray(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def _highlight(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    red, green, blue = (frame[:, :, k].astype(int) for k in range(3))
    return (red > 170) & (green > 130) & (blue < 110)


def test_a_short_with_karaoke_captions(tmp_path: Path) -> None:
    request = FilmRequest(
        script=SCRIPT,
        duration_s=10.0,
        aspect="9:16",
        size=PORTRAIT,
        music=MusicChoice.silence(),
        captions="shorts",
    )
    result = render_film(request, tmp_path / "out")
    facts = probe(result.video)
    assert facts.video is not None and facts.audio is not None
    assert (facts.video.width, facts.video.height) == PORTRAIT
    assert (facts.video.profile, facts.video.pix_fmt) == ("High", "yuv420p")
    assert facts.video.frames == round(10.0 * FPS) and facts.faststart
    record = json.loads(result.report.read_text(encoding="utf-8"))
    assert record["settings"]["captions"] == "shorts"
    assert record["settings"]["burn_subtitles"] is False

    # The karaoke timings are the TTS's word starts.
    speech = result.timeline.speech
    assert all(span.word_starts for span in speech)
    starts = [word.start_s for span in speech for word in spoken_words(span)]
    for span in speech:
        for _offset, seconds in span.word_starts:
            assert any(abs(span.start_s + seconds - start) < 1e-9 for start in starts)
    assert "Dialogue:" in to_ass(group_words(speech), *PORTRAIT)

    # Decoded at each word of the first group: the lit region grows word by word.
    frames = _frames(result.video)
    group = group_words(speech)[0]
    lit_pixels = []
    for word in group.words:
        frame = frames[min(len(frames) - 1, round((word.start_s + 0.08) * FPS))]
        lit_pixels.append(int(_highlight(frame).sum()))
    assert lit_pixels[0] > 0
    assert all(b > a for a, b in itertools.pairwise(lit_pixels))
    silent = frames[round(speech[0].start_s * FPS) - 3]
    assert int(_highlight(silent).sum()) < lit_pixels[0] // 4


def test_unknown_captions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Captions 'giant' are not known"):
        render_film(FilmRequest(script=SCRIPT, captions="giant"), tmp_path)


@pytest.mark.skipif(installed_soundfont() is None, reason="no General MIDI soundfont installed")
def test_soundfont_music_mixes_at_the_wavetable_level(tmp_path: Path) -> None:
    base = FilmRequest(
        script=SCRIPT, duration_s=12.0, size=(320, 180), music=MusicChoice.named("upbeat")
    )
    films = {}
    for name, soundfont in (("soundfont", "auto"), ("wavetable", "none")):
        request = replace(base, backends=BackendChoice(lipsync="none", soundfont=soundfont))
        films[name] = render_film(request, tmp_path / name)
    sampled, synthesised = films["soundfont"], films["wavetable"]
    spec = installed_soundfont()
    assert spec is not None
    assert sampled.backends["music_instruments"] == f"soundfont:{spec.path.name}"
    assert synthesised.backends["music_instruments"] == "wavetable"
    for result in films.values():
        loudness = measure_loudness(result.video)
        assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
        assert loudness.true_peak_dbtp <= -1.0
        assert result.warnings == ()
    # The bed sits at the same level under the voice whichever instruments play.
    bed = {name: result.mix.music_lufs + result.mix.music_gain_db for name, result in films.items()}
    assert bed["soundfont"] == pytest.approx(bed["wavetable"], abs=0.5)
    assert sampled.mix.music_lufs == pytest.approx(-20.0, abs=3.0)
