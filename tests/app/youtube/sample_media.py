"""Tiny real films for the YouTube tests, made with the ffmpeg binary from imageio-ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def make_mp4(
    path: Path,
    *,
    video_filter: str = "noise=alls=100:allf=t",
    seconds: int = 1,
    size: str = "160x90",
) -> Path:
    """A real H.264/AAC MP4 of `seconds`; at 160x90 with noise, lossless, about 0.8 MB/s."""
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={size}:rate=25:duration={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=440:duration={seconds}",
        "-vf",
        video_filter,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-qp",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        str(path),
    ]
    subprocess.run(command, check=True, timeout=60)
    return path
