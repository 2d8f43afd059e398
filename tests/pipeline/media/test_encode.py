"""The streaming encoder: raw frames in, a contract MP4 out; failures and cancels clean up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import EncodeError
from pipeline.media.encode import EncodeSettings, aac_stream, encode_frames, ffmpeg_command
from pipeline.media.probe import probe
from pipeline.media.yuv import FrameBuffer
from pipeline.types import VideoFormat

FMT = VideoFormat(width=320, height=180, fps=30)


def _moving_bar(index: int, buffer: FrameBuffer) -> None:
    buffer.y.fill(40)
    buffer.u.fill(128)
    buffer.v.fill(128)
    left = (index * 7) % 300
    buffer.y[:, left : left + 20] = 220


def _silence(path: Path, seconds: float) -> Path:
    np.zeros((round(seconds * 48_000), 2), np.float32).tofile(path)
    return path


def test_frames_and_audio_make_a_contract_mp4(tmp_path: Path) -> None:
    out = tmp_path / "film.mp4"
    encode_frames(_moving_bar, 45, FMT, out, _silence(tmp_path / "a.f32", 1.5))
    facts = probe(out)
    assert facts.video is not None
    assert facts.audio is not None
    assert facts.video.frames == 45
    assert facts.video.duration_s == pytest.approx(1.5)
    assert (facts.video.codec, facts.video.profile, facts.video.pix_fmt) == (
        "h264",
        "High",
        "yuv420p",
    )
    assert facts.video.constant_frame_rate
    assert facts.video.fps == pytest.approx(30)
    assert facts.video.color_range == "tv"
    assert facts.video.color_space == "bt709"
    assert facts.video.keyframe_interval_max <= 60
    settings = facts.video.encoder_settings or ""
    assert "open_gop=0" in settings, "closed GOPs"
    assert "keyint=60" in settings
    assert "crf=23.0" in settings
    assert (facts.audio.codec, facts.audio.profile) == ("aac", "LC")
    assert (facts.audio.sample_rate, facts.audio.channels) == (48_000, 2)
    assert facts.faststart is True


def test_progress_rises_to_one_and_a_raise_cancels_and_removes_the_file(tmp_path: Path) -> None:
    seen: list[float] = []
    out = tmp_path / "ok.mp4"
    encode_frames(_moving_bar, 60, FMT, out, progress=lambda _s, f: seen.append(f))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0

    class Stop(Exception):
        pass

    def cancel(_stage: str, fraction: float) -> None:
        if fraction >= 0.5:
            raise Stop

    cancelled = tmp_path / "cancelled.mp4"
    with pytest.raises(Stop):
        encode_frames(_moving_bar, 300, FMT, cancelled, progress=cancel)
    assert not cancelled.exists()


def test_a_drawing_error_stops_the_encoder_and_propagates(tmp_path: Path) -> None:
    def broken(index: int, buffer: FrameBuffer) -> None:
        if index == 20:
            raise ValueError("bad frame")
        _moving_bar(index, buffer)

    out = tmp_path / "broken.mp4"
    with pytest.raises(ValueError, match="bad frame"):
        encode_frames(broken, 60, FMT, out)
    assert not out.exists()


def test_ffmpeg_failure_is_reported_with_its_message(tmp_path: Path) -> None:
    out = tmp_path / "bad.mp4"
    with pytest.raises(EncodeError, match="ffmpeg failed"):
        encode_frames(_moving_bar, 30, FMT, out, settings=EncodeSettings(preset="no-such-preset"))
    assert not out.exists()


def test_command_asks_for_the_film_contract(tmp_path: Path) -> None:
    command = " ".join(
        ffmpeg_command(FMT, tmp_path / "x.mp4", tmp_path / "a.f32", EncodeSettings())
    )
    for part in (
        "-profile:v high",
        "-pix_fmt yuv420p",
        "+cgop",
        "-fps_mode cfr",
        "aac_low",
        "-ar 48000",
        "+faststart",
    ):
        assert part in command


def test_an_aac_stream_writes_a_contract_track_and_cleans_up_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "sound.m4a"
    tone = 0.2 * np.sin(2 * np.pi * 440 * np.arange(96_000) / 48_000)
    with aac_stream(out) as pipe:
        for part in np.array_split(np.repeat(tone[:, None], 2, axis=1).astype(np.float32), 4):
            pipe.write(part.tobytes())
    facts = probe(out)
    assert facts.audio is not None and facts.video is None
    assert (facts.audio.codec, facts.audio.profile) == ("aac", "LC")
    assert (facts.audio.sample_rate, facts.audio.channels) == (48_000, 2)
    assert facts.audio.duration_s == pytest.approx(2.0, abs=0.05)

    def write_silence(settings: EncodeSettings, then_fail: bool) -> None:
        with aac_stream(out, settings) as pipe:
            pipe.write(np.zeros(48_000 * 2, np.float32).tobytes())
            if then_fail:
                raise KeyboardInterrupt

    with pytest.raises(EncodeError, match="ffmpeg failed"):
        write_silence(EncodeSettings(audio_bitrate="lots"), then_fail=False)
    assert not out.exists()
    with pytest.raises(KeyboardInterrupt):
        write_silence(EncodeSettings(), then_fail=True)
    assert not out.exists()
