"""Facts about a media file, ffprobe-style, read with PyAV (the bundled ffmpeg has no ffprobe).

probe() reports container, duration, streams, codecs, profiles, pixel format, colour, frame
rate and whether the frame timing is constant, and whether the moov atom comes before the
media data (+faststart). measure_loudness() decodes the audio in a stream and meters it.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import InputError
from pipeline.media.loudness import LoudnessMeter, TruePeakMeter

_BOX_HEADER = struct.Struct(">I4s")
X264_MARKER = b"x264 - core"
"""Start of the settings text x264 embeds in its first frame."""
COLOR_RANGES = {0: "unknown", 1: "tv", 2: "pc"}
"""ffmpeg's AVColorRange values by name."""
COLOR_SPACES = {0: "rgb", 1: "bt709", 2: "unknown", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc"}
"""ffmpeg's AVColorSpace values (the common ones) by name."""
_LARGE_SIZE = struct.Struct(">Q")


@dataclass(frozen=True)
class VideoFacts:
    """The first video stream."""

    codec: str
    profile: str | None
    pix_fmt: str | None
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    constant_frame_rate: bool
    keyframe_interval_max: int
    encoder_settings: str | None
    """The x264 settings string the encoder wrote into the stream (None for other encoders)."""
    color_range: str | None
    color_space: str | None


@dataclass(frozen=True)
class AudioFacts:
    """The first audio stream."""

    codec: str
    profile: str | None
    sample_rate: int
    channels: int
    duration_s: float


@dataclass(frozen=True)
class MediaFacts:
    """What probe() found in a file."""

    path: Path
    container: str
    duration_s: float
    size_bytes: int
    video: VideoFacts | None
    audio: AudioFacts | None
    faststart: bool | None
    """True when the moov atom precedes mdat (MP4/MOV only; None for other containers)."""
    top_level_boxes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class LoudnessFacts:
    """Loudness of a file's audio after decoding."""

    integrated_lufs: float
    true_peak_dbtp: float
    duration_s: float


def mp4_boxes(path: Path) -> list[str]:
    """Types of the top-level boxes (atoms) of an MP4/MOV file, in file order."""
    boxes: list[str] = []
    size = path.stat().st_size
    with path.open("rb") as source:
        offset = 0
        while offset + _BOX_HEADER.size <= size:
            source.seek(offset)
            length, kind = _BOX_HEADER.unpack(source.read(_BOX_HEADER.size))
            if length == 1:
                length = _LARGE_SIZE.unpack(source.read(_LARGE_SIZE.size))[0]
            elif length == 0:
                length = size - offset
            if length < _BOX_HEADER.size:
                break
            boxes.append(kind.decode("latin-1"))
            offset += length
    return boxes


def _faststart(boxes: list[str]) -> bool | None:
    if "moov" not in boxes or "mdat" not in boxes:
        return None
    return boxes.index("moov") < boxes.index("mdat")


def _text(value: Any, names: dict[int, str] | None = None) -> str | None:
    if value is None:
        return None
    if names is not None and isinstance(value, int):
        return names.get(value, str(value))
    name = getattr(value, "name", None)
    return str(name if name is not None else value)


def _x264_settings(packet: bytes) -> str | None:
    """The settings x264 records in an SEI message of its first frame, if any."""
    start = packet.find(X264_MARKER)
    if start < 0:
        return None
    end = packet.find(b"\x00", start)
    return packet[start : end if end > 0 else len(packet)].decode("ascii", errors="replace")


def _video_facts(container: Any, stream: Any) -> VideoFacts:
    context = stream.codec_context
    time_base = stream.time_base or Fraction(1, 1)
    pts: list[int] = []
    keyframes: list[int] = []
    encoder: str | None = None
    for packet in container.demux(stream):
        if packet.pts is None:
            continue
        if not pts:
            encoder = _x264_settings(bytes(packet))
        pts.append(int(packet.pts))
        if packet.is_keyframe:
            keyframes.append(int(packet.pts))
    pts.sort()
    steps = np.diff(np.array(pts, dtype=np.int64)) if len(pts) > 1 else np.array([], dtype=np.int64)
    constant = bool(len(steps) == 0 or (steps.min() == steps.max() and steps.min() > 0))
    step = int(steps[0]) if len(steps) else 0
    fps = float(1 / (step * time_base)) if step else float(stream.average_rate or 0)
    keyframes.sort()
    if step and len(keyframes) > 1:
        gaps = np.diff(np.array([*keyframes, pts[-1] + step], dtype=np.int64)) // step
        keyframe_interval = int(gaps.max())
    else:
        keyframe_interval = len(pts)
    duration = len(pts) * step * float(time_base) if step else 0.0
    return VideoFacts(
        codec=str(context.name),
        profile=context.profile,
        pix_fmt=_text(context.pix_fmt),
        width=int(context.width),
        height=int(context.height),
        fps=fps,
        frames=len(pts),
        duration_s=duration,
        constant_frame_rate=constant,
        keyframe_interval_max=keyframe_interval,
        encoder_settings=encoder,
        color_range=_text(context.color_range, COLOR_RANGES),
        color_space=_text(context.colorspace, COLOR_SPACES),
    )


def _audio_facts(container: Any, stream: Any) -> AudioFacts:
    context = stream.codec_context
    duration = 0.0
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    return AudioFacts(
        codec=str(context.name),
        profile=context.profile,
        sample_rate=int(context.sample_rate),
        channels=int(context.layout.nb_channels if context.layout else context.channels),
        duration_s=duration,
    )


def probe(path: Path) -> MediaFacts:
    """Read the facts of a media file (reads every video packet header for timing)."""
    import av  # imported when used: a render that decodes no media file never holds PyAV

    boxes = mp4_boxes(path) if path.exists() else []
    try:
        with av.open(str(path)) as container:
            video_stream = next(iter(container.streams.video), None)
            audio_stream = next(iter(container.streams.audio), None)
            duration = float(container.duration / 1_000_000) if container.duration else 0.0
            video = _video_facts(container, video_stream) if video_stream is not None else None
            audio = _audio_facts(container, audio_stream) if audio_stream is not None else None
            name = str(container.format.name)
    except (av.error.FFmpegError, OSError) as error:
        raise InputError(f"{path.name} is not a readable media file.") from error
    return MediaFacts(
        path=path,
        container=name,
        duration_s=duration,
        size_bytes=path.stat().st_size,
        video=video,
        audio=audio,
        faststart=_faststart(boxes),
        top_level_boxes=tuple(boxes),
    )


def _to_float(block: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Samples as float32 in [-1, 1] whatever the decoder's sample format."""
    if np.issubdtype(block.dtype, np.integer):
        scale = float(np.iinfo(block.dtype).max) + 1.0
        return (block.astype(np.float32) / scale).astype(np.float32)
    return block.astype(np.float32)


def measure_loudness(path: Path) -> LoudnessFacts:
    """Decode the first audio stream of a file and measure BS.1770 loudness and true peak."""
    import av  # imported when used: a render that decodes no media file never holds PyAV

    try:
        with av.open(str(path)) as container:
            stream = next(iter(container.streams.audio), None)
            if stream is None:
                raise InputError(f"{path.name} has no audio stream.")
            rate = int(stream.codec_context.sample_rate)
            channels = int(stream.codec_context.layout.nb_channels)
            meter = LoudnessMeter(rate, channels)
            peak = TruePeakMeter(rate)
            samples = 0
            for frame in container.decode(stream):
                data = frame.to_ndarray()
                block = data.T if frame.format.is_planar else data.reshape(-1, channels)
                block = _to_float(np.asarray(block))
                meter.add(block)
                peak.add(block)
                samples += len(block)
    except (av.error.FFmpegError, OSError) as error:
        raise InputError(f"{path.name} has no decodable audio.") from error
    return LoudnessFacts(
        integrated_lufs=meter.integrated_lufs(),
        true_peak_dbtp=peak.peak_dbtp(),
        duration_s=samples / rate if rate else math.nan,
    )
