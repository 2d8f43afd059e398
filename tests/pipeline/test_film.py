"""Whole films, rendered small (320x180) and short, checked with probe-level facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import subtitles
from pipeline.errors import InputError, RenderCancelled, ScriptLengthError
from pipeline.film import OUTPUT_NAMES, STAGES, FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.choice import MusicChoice
from tests.pipeline.render_media import write_picture

SMALL = (320, 180)

SCREENPLAY = """The lighthouse stood alone on the cliff above the grey sea.

MAYA: Is anyone up there? I saw your light from the harbour.

RAVI: Come in out of the rain, the stairs are steep."""

HINDI = """एक छोटे से गाँव में एक बूढ़ा किसान रहता था। वह हर सुबह अपने खेत जाता था।

एक दिन उसे खेत में एक सोने का सिक्का मिला।"""


def _check_film(result: FilmResult, duration_s: float) -> None:
    facts = probe(result.video)
    assert facts.duration_s == pytest.approx(duration_s, rel=0.02)
    assert facts.faststart is True
    video, audio = facts.video, facts.audio
    assert video is not None
    assert audio is not None
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height) == SMALL
    assert video.constant_frame_rate
    assert video.fps == pytest.approx(30)
    assert video.frames == round(duration_s * 30)
    assert "open_gop=0" in (video.encoder_settings or "")
    assert (audio.codec, audio.profile, audio.sample_rate, audio.channels) == (
        "aac",
        "LC",
        48_000,
        2,
    )
    loudness = measure_loudness(result.video)
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0

    srt = result.srt.read_text(encoding="utf-8")
    vtt = result.vtt.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    for document in (srt, vtt):
        parsed = subtitles.parse_cues(document)
        assert [cue.lines for cue in parsed] == [cue.lines for cue in result.cues]
        for read, made in zip(parsed, result.cues, strict=True):
            assert read.start_s == pytest.approx(made.start_s, abs=0.001)
            assert read.end_s == pytest.approx(made.end_s, abs=0.001)
    problems = subtitles.check_cues(result.cues, result.timeline.speech, 30, result.duration_s)
    assert problems == []

    record = json.loads(result.report.read_text(encoding="utf-8"))
    assert set(record["stage_seconds"]) == set(STAGES) - {"report"}
    assert set(result.stage_seconds) == set(STAGES)
    assert record["settings"]["width"] == SMALL[0]
    assert record["film"]["video"]["profile"] == "High"
    assert record["loudness"]["true_peak_dbtp"] <= -1.0
    assert isinstance(record["warnings"], list)
    assert sorted(path.name for path in result.video.parent.iterdir()) == sorted(OUTPUT_NAMES)


def test_screenplay_film_shows_each_speaker_while_they_speak(tmp_path: Path) -> None:
    images = tmp_path / "images"
    images.mkdir()
    maya = write_picture(images / "Maya.png", 300, 400, 1, mode="RGBA")
    ravi = write_picture(images / "RAVI.jpg", 400, 300, 2, mode="CMYK")
    sea = write_picture(images / "sea.webp", 480, 270, 3)
    request = FilmRequest(
        script=SCREENPLAY,
        images=(sea, maya, ravi),
        voice="female",
        duration_s=15.0,
        music=MusicChoice.named("cinematic"),
        size=SMALL,
        seed=3,
    )
    seen: list[tuple[str, float]] = []
    result = render_film(request, tmp_path / "out", lambda stage, f: seen.append((stage, f)))
    _check_film(result, 15.0)

    speakers = {shot.speaker: shot.image for shot in result.timeline.shots if shot.speaker}
    assert speakers == {"MAYA": maya, "RAVI": ravi}
    for span in result.timeline.speech:
        if span.sentence.speaker:
            middle = (span.start_s + span.end_s) / 2
            shot = next(s for s in result.timeline.shots if s.start_s <= middle < s.end_s)
            assert shot.speaker == span.sentence.speaker

    fractions = [fraction for _stage, fraction in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0)
    assert [stage for stage, _ in seen][-1] == "report"


def test_hindi_film_with_title_cards_and_burned_in_subtitles(tmp_path: Path) -> None:
    request = FilmRequest(
        script=HINDI,
        language="hi",
        voice="male",
        duration_s=12.0,
        music=MusicChoice.named("sloka"),
        size=SMALL,
        burn_subtitles=True,
    )
    result = render_film(request, tmp_path / "out", lambda _s, _f: None)
    _check_film(result, 12.0)
    assert any(shot.image is None and shot.title for shot in result.timeline.shots)
    assert "किसान" in result.srt.read_text(encoding="utf-8")
    record = json.loads(result.report.read_text(encoding="utf-8"))
    assert record["settings"]["burn_subtitles"] is True
    assert record["settings"]["music"] == "devotional"


def test_no_music_and_a_user_track_both_work(tmp_path: Path) -> None:
    quiet = render_film(
        FilmRequest(script=SCREENPLAY, duration_s=15.0, music=MusicChoice.silence(), size=SMALL),
        tmp_path / "a",
    )
    assert quiet.mix.music_gain_db == float("-inf")
    assert json.loads(quiet.report.read_text())["settings"]["music"] == "none"

    track = tmp_path / "track.wav"
    _write_wav(track, seconds=4.0)
    result = render_film(
        FilmRequest(
            script=SCREENPLAY, duration_s=15.0, music=MusicChoice.from_track(track), size=SMALL
        ),
        tmp_path / "b",
    )
    assert result.mix.music_gain_db > float("-inf")
    assert json.loads(result.report.read_text())["settings"]["music"] == "track.wav"


def _write_wav(path: Path, seconds: float) -> None:
    import wave

    import numpy as np

    times = np.arange(round(seconds * 44_100)) / 44_100
    tone = (0.3 * np.sin(2 * np.pi * 330 * times) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as sink:
        sink.setnchannels(1)
        sink.setsampwidth(2)
        sink.setframerate(44_100)
        sink.writeframes(tone.tobytes())


def test_a_cancelled_render_leaves_nothing_and_keeps_an_older_film(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "film.mp4").write_bytes(b"the previous film")

    def cancel(stage: str, fraction: float) -> None:
        if stage == "encode" and fraction > 0.5:
            raise RenderCancelled("stopped by the user")

    with pytest.raises(RenderCancelled):
        render_film(FilmRequest(script=SCREENPLAY, duration_s=15.0, size=SMALL), out, cancel)
    assert [path.name for path in out.iterdir()] == ["film.mp4"]
    assert (out / "film.mp4").read_bytes() == b"the previous film"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"script": "   \n\n "}, "empty"),
        ({"voice": "robot"}, "Voice"),
        ({"language": "xx"}, "Language"),
        ({"music": MusicChoice(style="polka")}, "Music style"),
        ({"music": MusicChoice.from_track(Path("missing.mp3"))}, "does not exist"),
        ({"aspect": "4:3"}, "Aspect"),
        ({"resolution": "4k"}, "Resolution"),
        ({"duration_s": 0.0}, "more than zero"),
        ({"size": (321, 180)}, "even"),
    ],
)
def test_bad_requests_are_refused_before_any_work(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {"script": SCREENPLAY, "duration_s": 15.0, "size": SMALL}
    fields.update(changes)
    with pytest.raises(InputError, match=message):
        render_film(FilmRequest(**fields), tmp_path / "out")  # type: ignore[arg-type]
    assert list((tmp_path / "out").glob("*")) == []


def test_bad_images_and_lengths_are_input_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(InputError, match=r"broken\.png"):
        render_film(
            FilmRequest(script=SCREENPLAY, images=(broken,), duration_s=15.0, size=SMALL),
            tmp_path / "a",
        )
    with pytest.raises(ScriptLengthError):
        render_film(FilmRequest(script=SCREENPLAY, duration_s=300.0, size=SMALL), tmp_path / "b")
    assert list((tmp_path / "a").iterdir()) == []
    assert list((tmp_path / "b").iterdir()) == []


def test_portrait_film_with_tamil_text(tmp_path: Path) -> None:
    script = "ஒரு சிறிய கிராமத்தில் ஒரு விவசாயி வாழ்ந்தார். அவர் தினமும் வயலுக்குச் சென்றார்."
    result = render_film(
        FilmRequest(
            script=script, language="ta", duration_s=12.0, size=(180, 320), burn_subtitles=True
        ),
        tmp_path / "out",
    )
    facts = probe(result.video)
    assert facts.video is not None
    assert (facts.video.width, facts.video.height) == (180, 320)
    assert facts.duration_s == pytest.approx(12.0, rel=0.02)
    assert not [w for w in result.warnings if "font" in w]
