"""The H.264 encoder choice: NVENC on a host whose ffmpeg and GPU can use it, x264 otherwise."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.media import encode
from pipeline.media.encode import EncodeSettings, ffmpeg_command, video_encoder
from pipeline.types import VideoFormat

FMT = VideoFormat(width=320, height=180, fps=30)


def _has_working_nvenc() -> bool:
    test = [encode.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi"]
    test += ["-i", "color=s=256x144", "-frames:v", "1", "-c:v", "h264_nvenc", "-f", "null", "-"]
    return subprocess.run(test, capture_output=True, check=False, timeout=60).returncode == 0


def test_the_detected_encoder_is_the_one_that_works() -> None:
    video_encoder.cache_clear()
    expected = encode.H264_NVENC if _has_working_nvenc() else encode.LIBX264
    assert video_encoder() == expected


def test_without_nvenc_in_ffmpeg_x264_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=" V..... libx264 H.264\n")

    monkeypatch.setattr(encode.subprocess, "run", fake_run)
    video_encoder.cache_clear()
    try:
        assert video_encoder() == encode.LIBX264
    finally:
        video_encoder.cache_clear()
    assert len(calls) == 1  # no test encode when the encoder is not even listed


@pytest.mark.parametrize("encoder", ["libx264", "h264_nvenc"])
def test_both_encoders_keep_the_film_contract(encoder: str, tmp_path: Path) -> None:
    command = ffmpeg_command(FMT, tmp_path / "x.mp4", None, EncodeSettings(encoder=encoder))
    text = " ".join(command)
    assert f"-c:v {encoder}" in text
    for option in ("-profile:v high", "-pix_fmt yuv420p", "-g 60", "-flags +cgop", "-fps_mode cfr"):
        assert option in text
    assert "-color_range tv" in text and "-colorspace bt709" in text
    if encoder == "h264_nvenc":
        assert "-forced-idr 1" in text and "-cq 23" in text
    else:
        assert "-preset veryfast" in text and "-crf 23" in text
