"""A creator's own music track (wav, mp3, ogg, flac), fitted to the film's length.

The track is decoded once with PyAV, resampled to the film's rate in stereo, and kept in a
temporary file read through a memory map, so memory stays flat however long the track or the
film. A shorter track loops with an equal-power crossfade at each seam; a longer one is
trimmed. Both fade in briefly and fade out at the end. Each output sample is a function of its
position alone, so the chunk size changes nothing.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import numpy.typing as npt

from pipeline.errors import InputError
from pipeline.music.synth import fade_gain
from pipeline.types import AudioArray

if TYPE_CHECKING:
    import av

SUPPORTED_CONTAINERS = frozenset({"wav", "mp3", "ogg", "flac"})
"""PyAV/FFmpeg container names accepted for user tracks."""

MIN_TRACK_S = 1.0
"""Shorter tracks cannot loop pleasantly and are refused."""

LOOP_CROSSFADE_S = 3.0
"""Length of the crossfade at each loop seam (at most a quarter of the track)."""

FADE_IN_S = 0.5
FADE_OUT_S = 3.0
"""Fades at the start and end of the film's music (at most a quarter of the film each)."""

_CHANNELS = 2
_BYTES_PER_SAMPLE = 4


def track_chunks(
    path: Path, duration_s: float, sample_rate: int, chunk_s: float = 10.0
) -> Iterator[AudioArray]:
    """Stereo float32 chunks of the track, looped or trimmed, exactly duration_s long.

    Raises InputError (before the first chunk) for a missing, unreadable or unsupported file
    or one without sound.
    """
    total = round(duration_s * sample_rate)
    chunk = max(1, round(chunk_s * sample_rate))
    store = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the generator below
    try:
        length = _decode(path, sample_rate, max(total, _min_samples(sample_rate)), store)
    except BaseException:
        store.close()
        raise
    return _chunks(store, length, total, chunk, sample_rate)


def _chunks(
    store: BinaryIO, length: int, total: int, chunk: int, sample_rate: int
) -> Iterator[AudioArray]:
    try:
        samples = np.memmap(store, dtype=np.float32, mode="r", shape=(length, _CHANNELS))
        crossfade = min(round(LOOP_CROSSFADE_S * sample_rate), length // 4)
        fade_in = min(round(FADE_IN_S * sample_rate), total // 4)
        fade_out = min(round(FADE_OUT_S * sample_rate), total // 4)
        for first in range(0, total, chunk):
            end = min(total, first + chunk)
            index = np.arange(first, end, dtype=np.int64)
            block = _looped(samples, index, length, total, crossfade)
            block *= fade_gain(index, total, fade_in, fade_out)[:, None]
            yield block.astype(np.float32)
        del samples
    finally:
        store.close()


def _looped(
    samples: npt.NDArray[np.float32],
    index: npt.NDArray[np.int64],
    length: int,
    total: int,
    crossfade: int,
) -> npt.NDArray[np.float64]:
    """Output samples at the given positions: the track, or its loop with crossfaded seams."""
    if length >= total:
        return np.asarray(samples[index[0] : index[-1] + 1], dtype=np.float64)
    period = length - crossfade
    repeat, offset = np.divmod(index, period)
    block = np.asarray(samples[offset], dtype=np.float64)
    seam = (repeat > 0) & (offset < crossfade)
    if np.any(seam):
        angle = (offset[seam] + 0.5) / crossfade * (math.pi / 2)
        tail = np.asarray(samples[offset[seam] + period], dtype=np.float64)
        block[seam] = block[seam] * np.sin(angle)[:, None] + tail * np.cos(angle)[:, None]
    return block


def _decode(path: Path, sample_rate: int, limit: int, store: BinaryIO) -> int:
    """Decode up to limit stereo samples at sample_rate into store; returns how many."""
    import av  # imported when used: a render that decodes no media file never holds PyAV

    name = path.name
    if not path.is_file():
        raise InputError(f"Music file {name} does not exist.")
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise InputError(f"Music file {name} is not a readable audio file.") from error
    written = 0
    with container:
        formats = set(container.format.name.split(","))
        if not formats & SUPPORTED_CONTAINERS:
            raise InputError(
                f"Music file {name} is in {container.format.name} format; use WAV, MP3, OGG or FLAC."
            )
        if not container.streams.audio:
            raise InputError(f"Music file {name} has no audio.")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=sample_rate)
        try:
            for frame in container.decode(stream):
                written += _write(resampler.resample(frame), store, limit - written)
                if written >= limit:
                    break
            else:
                written += _write(resampler.resample(None), store, limit - written)
        except (av.error.FFmpegError, ValueError) as error:
            raise InputError(f"Music file {name} is damaged and cannot be decoded.") from error
    if written < _min_samples(sample_rate):
        raise InputError(
            f"Music file {name} holds under {MIN_TRACK_S:g} second of sound; use a longer track."
        )
    store.flush()
    return written


def _min_samples(sample_rate: int) -> int:
    return math.ceil(MIN_TRACK_S * sample_rate)


def _write(frames: list[av.AudioFrame], store: BinaryIO, room: int) -> int:
    written = 0
    for frame in frames:
        if room - written <= 0:
            break
        samples = frame.to_ndarray().reshape(-1, _CHANNELS)[: room - written]
        store.write(np.ascontiguousarray(samples, dtype=np.float32).tobytes())
        written += len(samples)
    return written


@dataclass(frozen=True)
class TrackInfo:
    """What a full decode of a user's track found."""

    container: str
    duration_s: float

    @property
    def extension(self) -> str:
        """The file extension matching the track's real format."""
        return "." + next(name for name in CONTAINER_EXTENSIONS if name in self.container)


CONTAINER_EXTENSIONS = ("mp3", "ogg", "flac", "wav")


def inspect_track(path: Path, max_duration_s: float) -> TrackInfo:
    """Decode the whole track once to prove it is usable; InputError naming the problem."""
    import av  # imported when used: a render that decodes no media file never holds PyAV

    rate = INSPECT_SAMPLE_RATE_HZ
    with open(os.devnull, "wb") as sink:
        written = _decode(path, rate, math.ceil(max_duration_s * rate) + 1, sink)
    duration_s = written / rate
    if duration_s > max_duration_s:
        raise InputError(
            f"Music file {path.name} is longer than {max_duration_s / 60:.0f} minutes; trim it."
        )
    with av.open(str(path), mode="r") as container:
        return TrackInfo(container=container.format.name, duration_s=duration_s)


INSPECT_SAMPLE_RATE_HZ = 8_000
"""Decoding rate for the check (low: only the length and integrity matter)."""
