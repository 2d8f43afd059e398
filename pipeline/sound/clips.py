"""Speech clips kept on disk while a film renders, so memory does not grow with its length.

A ten-minute narration is about 40 MB of float32 samples; the renderer needs each clip only
when the mix reaches it. ClipStore.add() appends a clip's samples to one scratch file and
returns the same SpokenSentence with a stand-in for its audio: an array of the right length
that takes no memory (every sample reads as zero), which is all the layout needs (lengths
and word times). SpeechTrack reads the real samples back with ClipStore.load().
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from pipeline.types import AudioArray, SpokenSentence

_SAMPLE = np.dtype(np.float32)


def placeholder(samples: int) -> AudioArray:
    """A read-only all-zero mono array of the given length that takes no memory."""
    stand_in: AudioArray = np.broadcast_to(np.zeros(1, dtype=np.float32), (samples,))
    return stand_in


class ClipStore:
    """An append-only file of mono float32 clips, looked up by sentence index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w+b", buffering=0)
        self._where: dict[int, tuple[int, int]] = {}
        self._end = 0

    def add(self, clip: SpokenSentence) -> SpokenSentence:
        """Store a clip's samples; returns the clip with a memory-free stand-in audio."""
        audio = np.ascontiguousarray(clip.audio, dtype=np.float32)
        if audio.ndim > 1:
            audio = np.ascontiguousarray(audio.mean(axis=1), dtype=np.float32)
        os.pwrite(self._file.fileno(), audio.tobytes(), self._end)
        self._where[clip.sentence.index] = (self._end, len(audio))
        self._end += audio.nbytes
        return replace(clip, audio=placeholder(len(audio)))

    def __contains__(self, sentence_index: object) -> bool:
        return sentence_index in self._where

    def load(self, sentence_index: int) -> AudioArray:
        """The stored samples of a sentence's clip."""
        offset, samples = self._where[sentence_index]
        audio = np.empty(samples, dtype=np.float32)
        if samples:
            os.preadv(self._file.fileno(), [audio.data.cast("B")], offset)
        return audio

    def close(self) -> None:
        """Close and delete the file."""
        self._file.close()
        self.path.unlink(missing_ok=True)
