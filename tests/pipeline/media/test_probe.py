"""Probe facts and loudness of media files, read with PyAV."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import InputError
from pipeline.media.encode import ffmpeg_exe
from pipeline.media.loudness import measure
from pipeline.media.probe import measure_loudness, mp4_boxes, probe


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def plain_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MP4 written without +faststart (moov after mdat), with a tone at a known level."""
    path = tmp_path_factory.mktemp("media") / "plain.mp4"
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=2",
        "-f", "lavfi", "-i", "aevalsrc=0.125*sin(2*PI*997*t)|0.125*sin(2*PI*997*t):s=48000:d=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "192k", "-ac", "2", str(path),
    )  # fmt: skip
    return path


def test_probe_reads_streams_codecs_and_timing(plain_mp4: Path) -> None:
    facts = probe(plain_mp4)
    assert facts.container.startswith("mov,mp4")
    assert facts.duration_s == pytest.approx(2.0, abs=0.05)
    assert facts.video is not None
    assert facts.audio is not None
    assert (facts.video.width, facts.video.height, facts.video.frames) == (320, 180, 50)
    assert facts.video.fps == pytest.approx(25)
    assert facts.video.constant_frame_rate
    assert facts.video.pix_fmt == "yuv420p"
    assert facts.audio.sample_rate == 48_000
    assert facts.audio.channels == 2
    assert facts.audio.profile == "LC"
    assert facts.size_bytes == plain_mp4.stat().st_size


def test_faststart_is_read_from_the_box_order(plain_mp4: Path, tmp_path: Path) -> None:
    boxes = mp4_boxes(plain_mp4)
    assert boxes.index("mdat") < boxes.index("moov")
    assert probe(plain_mp4).faststart is False
    moved = tmp_path / "fast.mp4"
    _ffmpeg("-i", str(plain_mp4), "-c", "copy", "-movflags", "+faststart", str(moved))
    assert probe(moved).faststart is True


def test_loudness_of_a_decoded_stream_matches_the_source_tone(plain_mp4: Path) -> None:
    # The tone has amplitude 1/8 (-18.06 dBFS): -21.07 LUFS per channel, -18.06 for both.
    times = np.arange(96_000) / 48_000
    tone = np.repeat((np.sin(2 * np.pi * 997 * times) / 8)[:, None], 2, axis=1)
    expected, _peak = measure(tone.astype(np.float32), 48_000)
    facts = measure_loudness(plain_mp4)
    assert facts.integrated_lufs == pytest.approx(expected, abs=0.3)
    assert facts.true_peak_dbtp == pytest.approx(-18.06, abs=0.5)
    assert facts.duration_s == pytest.approx(2.0, abs=0.05)


def test_a_file_that_is_not_media_is_an_input_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"definitely not a movie" * 10)
    with pytest.raises(InputError, match="not a readable media file"):
        probe(junk)
