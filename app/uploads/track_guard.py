"""A quick, bounded check of an uploaded music track: its length from the headers, its sample
rate, and a short decoded slice. The full decode happens in the worker, where a damaged track
fails the render (refunded) instead of costing the API seconds of CPU per upload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from pipeline.errors import InputError
from pipeline.music.track import MIN_TRACK_S, SUPPORTED_CONTAINERS

MIN_SAMPLE_RATE_HZ = 8_000
MAX_SAMPLE_RATE_HZ = 192_000
"""Sample rates real music files use; a 1 Hz "track" is a trick to claim hours of audio."""

CHECK_SLICE_S = 5.0
"""Seconds of sound decoded to prove the track is audio."""

CONTAINER_EXTENSIONS = ("mp3", "ogg", "flac", "wav")


@dataclass(frozen=True)
class TrackFacts:
    """What the headers and a short slice say about a track."""

    container: str
    duration_s: float
    sample_rate: int

    @property
    def extension(self) -> str:
        """The file extension matching the track's real format."""
        return "." + next(name for name in CONTAINER_EXTENSIONS if name in self.container)


def check_track(path: Path, name: str, max_duration_s: float) -> TrackFacts:
    """The track's facts; InputError naming the problem for anything that is not a usable
    music file of at most max_duration_s seconds."""
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, ValueError) as error:
        raise InputError(f"Music file {name} is not a readable audio file.") from error
    with container:
        if not set(container.format.name.split(",")) & SUPPORTED_CONTAINERS:
            raise InputError(
                f"Music file {name} is in {container.format.name} format; use WAV, MP3, OGG or FLAC."
            )
        if not container.streams.audio:
            raise InputError(f"Music file {name} has no audio.")
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or 0)
        if not MIN_SAMPLE_RATE_HZ <= rate <= MAX_SAMPLE_RATE_HZ:
            raise InputError(
                f"Music file {name} has a sample rate of {rate} Hz; use one between "
                f"{MIN_SAMPLE_RATE_HZ:,} and {MAX_SAMPLE_RATE_HZ:,} Hz."
            )
        duration_s = _header_duration_s(container, stream)
        if duration_s is None:
            raise InputError(f"Music file {name} does not say how long it is; re-export it.")
        if duration_s > max_duration_s:
            raise InputError(
                f"Music file {name} is longer than {max_duration_s / 60:.0f} minutes; trim it."
            )
        if duration_s < MIN_TRACK_S:
            raise InputError(
                f"Music file {name} holds under {MIN_TRACK_S:g} second of sound; use a longer track."
            )
        decoded_s = 0.0
        try:
            for frame in container.decode(stream):
                decoded_s += frame.samples / max(1, frame.sample_rate or rate)
                if decoded_s >= min(CHECK_SLICE_S, duration_s * 0.5):
                    break
        except (av.error.FFmpegError, ValueError) as error:
            raise InputError(f"Music file {name} is damaged and cannot be decoded.") from error
        if decoded_s <= 0:
            raise InputError(f"Music file {name} is damaged and cannot be decoded.")
        return TrackFacts(container.format.name, duration_s, rate)


def _header_duration_s(
    container: av.container.InputContainer, stream: av.AudioStream
) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None
