"""The film's sound stems on disk: raw float32 files of a whole film's length, read back by
sample range, so the mix's memory does not grow with the film."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from pipeline.media.heap import release_free_memory
from pipeline.types import FILM_SAMPLE_RATE_HZ, AudioArray, ProgressCallback, no_progress

MUSIC_STAGE = "music"
"""The progress stage of writing the music stem (a neural music backend reports it too)."""
CHANNELS = 2
SILENCE_BLOCK = 1 << 16
"""Samples of silence written at a time where the music ends before the film."""

FloatArray = npt.NDArray[np.float32]


def stereo(chunk: AudioArray) -> FloatArray:
    """A chunk of music (mono or stereo) as contiguous float32 stereo."""
    data = np.asarray(chunk, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    if data.shape[1] == 1:
        data = np.repeat(data, CHANNELS, axis=1)
    return np.ascontiguousarray(data[:, :CHANNELS])


class StemFile:
    """A raw float32 file of interleaved channels (stereo by default) read back by range.

    Plain reads rather than a memory map: mapped pages would stay resident and make the
    process's memory grow with the film's length.
    """

    def __init__(self, source: Path | IO[bytes], samples: int, channels: int = CHANNELS) -> None:
        """source: the file's path, or a file open for reading (then closed by close())."""
        self.samples = samples
        self.channels = channels
        self._file = source.open("rb", buffering=0) if isinstance(source, Path) else source

    def read(self, start: int, stop: int) -> FloatArray:
        """Samples start..stop as an (n, channels) array (zeros past the end)."""
        stop = min(stop, self.samples)
        out = np.zeros((max(0, stop - start), self.channels), dtype=np.float32)
        if len(out):
            frame = self.channels * out.itemsize
            # A short read (the end of the file) leaves the rest of out at zero.
            os.preadv(self._file.fileno(), [out.data.cast("B")], start * frame)
        return out

    def append(self, samples: FloatArray) -> None:
        """Write samples (n, channels) or (n,) at the end of a file open for writing."""
        self._file.write(np.ascontiguousarray(samples, dtype=np.float32).tobytes())

    def close(self) -> None:
        """Close the file."""
        self._file.close()


def write_music_stem(
    music: Iterable[AudioArray] | None,
    duration_s: float,
    path: Path,
    progress: ProgressCallback = no_progress,
    sample_rate: int = FILM_SAMPLE_RATE_HZ,
) -> Path | None:
    """Stream music chunks (stereo or mono, in order) to path as raw float32 stereo of exactly
    the film's length (cut, or padded with silence), for mix_film_audio.

    progress(MUSIC_STAGE, fraction) is called per chunk and may raise to cancel (nothing is
    left at path then). Returns path, or None (and leaves nothing there) when there is no
    music to hear.
    """
    if music is None:
        return None
    total = round(duration_s * sample_rate)
    written = 0
    heard = False
    try:
        with path.open("wb") as sink:
            for piece in music:
                if written >= total:
                    break
                data = stereo(piece)[: total - written]
                heard = heard or bool(np.any(data))
                sink.write(data.tobytes())
                written += len(data)
                progress(MUSIC_STAGE, written / total)
            if written < total:
                silence = np.zeros(
                    (min(total - written, SILENCE_BLOCK), CHANNELS), dtype=np.float32
                )
                while written < total:
                    part = silence[: total - written]
                    sink.write(part.tobytes())
                    written += len(part)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if not heard:
        path.unlink(missing_ok=True)
    release_free_memory()  # the music's synthesiser or decoder, done with
    return path if heard else None
