"""Lip-sync a video file to a new audio track: PyAV decode -> MuseTalk or Wav2Lip -> x264 with the new sound.

lipsync_file() streams: video frames are decoded one at a time, lip-synced in batches
(pipeline.lipsync.sync.sync_video) and written to the encoder (pipeline.media.encode) as they come;
the new audio is decoded once into two scratch files, 48 kHz stereo for the AAC track and
16 kHz mono that the mel features read through a memory map. Memory stays flat in the video's
length. The output keeps the video's frame count and size; the new audio is cut or padded
with silence to the video's length (past the audio's end the mouth rests).

Without a model (no weights on this host) the output is the video with the new audio, and a
note says that no lip-sync was done.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
import numpy.typing as npt

from pipeline.errors import InputError
from pipeline.lipsync.mel import MEL_SAMPLE_RATE_HZ
from pipeline.lipsync.musetalk import MuseTalkModel
from pipeline.lipsync.sync import sync_video
from pipeline.lipsync.wav2lip import (
    LipSyncOptions,
    NoteCallback,
    Wav2LipModel,
    log_note,
)
from pipeline.media.encode import EncodeSettings, encode_audio, encode_frames, mux
from pipeline.media.probe import probe
from pipeline.media.yuv import FrameBuffer, rgb_to_yuv
from pipeline.types import (
    FILM_SAMPLE_RATE_HZ,
    Frame,
    ProgressCallback,
    VideoFormat,
    no_progress,
)

STAGE = "lipsync"
"""Stage name reported to progress callbacks."""
SOUND_CHANNELS = 2
SILENCE_BLOCK_SAMPLES = 1 << 16
"""Samples of silence written at a time when the audio is shorter than the video."""
NO_MODEL_NOTE = (
    "No lip-sync model is available on this server, so the video was given the new audio "
    "without lip-sync."
)


@dataclass(frozen=True)
class LipSyncFileResult:
    """What lipsync_file() wrote and noticed."""

    path: Path
    duration_s: float
    frames: int
    width: int
    height: int
    fps: int
    lipsynced: bool
    """False when no model was given (the video only got the new audio)."""
    notes: tuple[str, ...]


def lipsync_file(
    video: Path,
    audio: Path,
    out: Path,
    model: Wav2LipModel | MuseTalkModel | None,
    progress: ProgressCallback = no_progress,
    on_note: NoteCallback = log_note,
    options: LipSyncOptions | None = None,
    settings: EncodeSettings | None = None,
    work_dir: Path | None = None,
) -> LipSyncFileResult:
    """Write out (MP4: H.264 High yuv420p CFR + AAC 48 kHz stereo) with the video's faces
    speaking the audio. progress(STAGE, fraction) may raise to cancel (nothing is left at
    out). InputError when the video has no picture or the audio no sound."""
    facts = probe(video).video
    if facts is None or facts.frames <= 0:
        raise InputError(f"The video {video.name} has no picture to lip-sync.")
    fps = max(1, round(facts.fps))
    width, height = facts.width - facts.width % 2, facts.height - facts.height % 2
    if width < 2 or height < 2:
        raise InputError(f"The video {video.name} is too small ({facts.width}x{facts.height}).")
    notes: list[str] = []

    def note(message: str) -> None:
        notes.append(message)
        on_note(message)

    if model is None:
        note(NO_MODEL_NOTE)
    with tempfile.TemporaryDirectory(prefix="lipsync-", dir=work_dir) as scratch:
        folder = Path(scratch)
        sound_raw, mel_raw = folder / "sound.f32", folder / "mel.f32"
        film_samples = round(facts.frames * FILM_SAMPLE_RATE_HZ / fps)
        _decode_audio(audio, film_samples, sound_raw, mel_raw)
        sound = folder / "sound.m4a"
        encode_audio(sound_raw, sound, settings)
        sound_raw.unlink()
        frames: Iterator[Frame] = _decoded_frames(video, width, height)
        if model is not None:
            mel_audio = _mapped(mel_raw)
            frames = sync_video(
                frames, mel_audio, MEL_SAMPLE_RATE_HZ, facts.fps, model, options, on_note=note
            )
        pictures = folder / "pictures.mp4"
        drawer = _Drawer(frames)
        encode_frames(
            drawer,
            facts.frames,
            VideoFormat(width=width, height=height, fps=fps),
            pictures,
            settings=settings,
            progress=lambda _stage, fraction: progress(STAGE, min(fraction, 0.999)),
            faststart=False,
        )
        drawer.finish()
        try:
            mux(pictures, sound, out)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    progress(STAGE, 1.0)
    return LipSyncFileResult(
        path=out,
        duration_s=facts.frames / fps,
        frames=facts.frames,
        width=width,
        height=height,
        fps=fps,
        lipsynced=model is not None,
        notes=tuple(notes),
    )


class _Drawer:
    """encode_frames' draw callback over an iterator of RGB frames (the last one repeats if
    the iterator ends early); finish() runs the iterator to its end so its notes are made."""

    def __init__(self, frames: Iterator[Frame]) -> None:
        self._frames = frames
        self._last: Frame | None = None

    def __call__(self, index: int, buffer: FrameBuffer) -> None:
        frame = next(self._frames, None)
        if frame is None:
            frame = self._last
        self._last = frame
        if frame is None:
            raise InputError("The video's frames could not be decoded.")
        buffer.fill(rgb_to_yuv(np.ascontiguousarray(frame[: buffer.height, : buffer.width])))

    def finish(self) -> None:
        for _ in self._frames:
            pass


def _decoded_frames(path: Path, width: int, height: int) -> Iterator[Frame]:
    """The video's frames as RGB arrays cropped to width x height, one at a time."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as error:
        raise InputError(f"The video {path.name} cannot be read.") from error
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            for frame in container.decode(stream):
                rgb = np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
                yield rgb[:height, :width]
        except av.error.FFmpegError as error:
            raise InputError(f"The video {path.name} is damaged and cannot be decoded.") from error


def _decode_audio(path: Path, film_samples: int, sound_raw: Path, mel_raw: Path) -> None:
    """Decode the audio once into film_samples stereo 48 kHz samples (cut or padded with
    silence) and, for the mel features, up to as long a stretch of 16 kHz mono."""
    mel_limit = math.ceil(film_samples * MEL_SAMPLE_RATE_HZ / FILM_SAMPLE_RATE_HZ)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as error:
        raise InputError(f"The audio {path.name} cannot be read.") from error
    with container, sound_raw.open("wb") as sound_file, mel_raw.open("wb") as mel_file:
        if not container.streams.audio:
            raise InputError(f"The file {path.name} has no audio track.")
        stream = container.streams.audio[0]
        sound = _RawAudio(sound_file, SOUND_CHANNELS, FILM_SAMPLE_RATE_HZ, film_samples)
        mel = _RawAudio(mel_file, 1, MEL_SAMPLE_RATE_HZ, mel_limit)
        try:
            for frame in container.decode(stream):
                sound.add(frame)
                mel.add(frame)
                if sound.full and mel.full:
                    break
            else:
                sound.add(None)
                mel.add(None)
        except (av.error.FFmpegError, ValueError) as error:
            raise InputError(f"The audio {path.name} is damaged and cannot be decoded.") from error
        if sound.written == 0:
            raise InputError(f"The audio {path.name} holds no sound.")
        sound.pad_with_silence()


class _RawAudio:
    """Resampled float32 samples written to a raw file, up to a limit."""

    def __init__(self, store: BinaryIO, channels: int, rate: int, limit: int) -> None:
        layout = "stereo" if channels == 2 else "mono"
        self._resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        self._store = store
        self._channels = channels
        self._limit = limit
        self.written = 0

    @property
    def full(self) -> bool:
        """True once the limit is reached."""
        return self.written >= self._limit

    def add(self, frame: av.AudioFrame | None) -> None:
        """Resample a decoded frame (None flushes the resampler) and write what fits."""
        for piece in self._resampler.resample(frame):
            room = self._limit - self.written
            if room <= 0:
                return
            samples = piece.to_ndarray().reshape(-1, self._channels)[:room]
            self._store.write(np.ascontiguousarray(samples, dtype=np.float32).tobytes())
            self.written += len(samples)

    def pad_with_silence(self) -> None:
        """Write zeros up to the limit, a block at a time."""
        block = np.zeros((SILENCE_BLOCK_SAMPLES, self._channels), dtype=np.float32)
        while self.written < self._limit:
            count = min(SILENCE_BLOCK_SAMPLES, self._limit - self.written)
            self._store.write(block[:count].tobytes())
            self.written += count


def _mapped(path: Path) -> npt.NDArray[np.float32]:
    """The mono samples in a raw float32 file, read through a memory map."""
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.float32)
    samples: npt.NDArray[np.float32] = np.memmap(path, dtype=np.float32, mode="r")
    return samples
