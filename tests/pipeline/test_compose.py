"""Composing a short film from a timeline, speech and music: checked with probe facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.compose import STAGES, compose_film
from pipeline.media.probe import measure_loudness, probe
from pipeline.picture.picture_inputs import PictureInputs
from pipeline.sound.mix import TARGET_LUFS
from pipeline.types import Cue, Shot, VideoFormat
from tests.pipeline.render_media import music_chunks, speech_timeline, write_picture

FMT = VideoFormat(width=320, height=180, fps=30)


def test_short_film_meets_the_output_contract(tmp_path: Path) -> None:
    first = write_picture(tmp_path / "a.jpg", 400, 300, 1)
    second = write_picture(tmp_path / "b.png", 300, 400, 2)
    shots = (
        Shot(0.0, 1.5, 0, first),
        Shot(1.5, 2.5, 1, None, title="Chapter two"),
        Shot(2.5, 4.0, 1, second, speaker="MAYA"),
    )
    timeline, spoken = speech_timeline(4.0, shots)
    out = tmp_path / "film.mp4"
    stages: list[tuple[str, float]] = []
    report = compose_film(
        timeline,
        spoken,
        music_chunks(4.0),
        FMT,
        out,
        inputs=PictureInputs(cues=[Cue(0.5, 1.7, ("Hello",))]),
        progress=lambda stage, fraction: stages.append((stage, fraction)),
        work_dir=tmp_path,
    )
    assert report.frames == 120
    assert set(report.seconds) == set(STAGES)
    names = [name for name, _ in stages]
    assert names == sorted(names, key=["music", "encode"].index), "the music stem comes first"
    assert ("music", 1.0) in stages
    for stage in ("music", "encode"):
        fractions = [fraction for name, fraction in stages if name == stage]
        assert fractions == sorted(fractions)
    assert stages[-1] == ("encode", 1.0)

    facts = probe(out)
    assert facts.duration_s == pytest.approx(4.0, abs=0.05)
    assert facts.faststart is True
    video, audio = facts.video, facts.audio
    assert video is not None
    assert audio is not None
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height, video.frames) == (320, 180, 120)
    assert video.constant_frame_rate
    assert video.fps == pytest.approx(30)
    assert (audio.codec, audio.profile, audio.sample_rate, audio.channels) == (
        "aac",
        "LC",
        48_000,
        2,
    )
    assert audio.duration_s == pytest.approx(4.0, abs=0.05)

    loudness = measure_loudness(out)
    assert loudness.integrated_lufs == pytest.approx(TARGET_LUFS, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0
    assert report.mix.integrated_lufs == pytest.approx(TARGET_LUFS, abs=0.5)
    assert list(tmp_path.glob("compose-*")) == [], "the scratch folder is removed"


def test_cancelling_during_the_encode_leaves_no_file(tmp_path: Path) -> None:
    picture = write_picture(tmp_path / "a.jpg")
    timeline, spoken = speech_timeline(3.0, (Shot(0.0, 3.0, 0, picture),))
    out = tmp_path / "film.mp4"

    class Cancelled(Exception):
        pass

    def cancel(stage: str, fraction: float) -> None:
        if stage == "encode" and fraction > 0.2:
            raise Cancelled

    with pytest.raises(Cancelled):
        compose_film(timeline, spoken, None, FMT, out, progress=cancel, work_dir=tmp_path)
    assert not out.exists()
    assert list(tmp_path.glob("compose-*")) == []
