"""Small test media made in code: images and scripts."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

ONE_MINUTE_SCRIPT = (
    "The river woke before the village did. Mist rolled over the water and the herons "
    "waited on the stones, patient as old men.\n\n"
    "Asha carried her grandmother's lamp down to the ghat. She had promised to light it "
    "at dawn, the way the old woman had done for sixty years.\n\n"
    "When the flame caught, the whole bank seemed to breathe. Boats drifted closer. "
    "Somebody began to sing, softly at first, then with the whole village joining in.\n\n"
    "By the time the sun cleared the hills, the lamp had become a hundred lamps, and "
    "Asha understood that a promise, once kept, belongs to everyone."
)
"""About 45 seconds of narration: fits a 1-minute film."""


def image_bytes(
    width: int = 320, height: int = 180, fmt: str = "PNG", mode: str = "RGB", seed: int = 0
) -> bytes:
    """An image of random colour blocks in the given format and mode."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(
        0, 255, size=(max(1, height // 20), max(1, width // 20), 3), dtype=np.uint8
    )
    image = Image.fromarray(blocks, "RGB").resize((width, height), Image.Resampling.NEAREST)
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def tone_file(path: Path, seconds: float = 3.0, frequency_hz: int = 440) -> Path:
    """A stereo sine tone encoded by ffmpeg in the format the suffix names (.mp3, .wav...)."""
    from pipeline.media.encode import ffmpeg_exe

    subprocess.run(
        [
            ffmpeg_exe(),
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=f={frequency_hz}:d={seconds}",
            "-ac",
            "2",
            str(path),
        ],
        check=True,
    )
    return path


def header_bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )
