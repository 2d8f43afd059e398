"""MuseTalk's audio condition: whisper-tiny encoder states, a window of them per video frame.

The speech (16 kHz mono) is cut into 30 s segments, each turned into whisper's log-mel input
and encoded once; every hidden state of the encoder (the embeddings and each layer) is kept,
50 rows a second. Video frame i hears WINDOW_ROWS rows (0.2 s) starting LEAD_ROWS before its
time, flattened to WINDOW_ROWS x layers tokens, plus the positional encoding. Rows before the
start or past the end of the speech are zeros, as in MuseTalk's training. Segments are
encoded when first needed and only the last two are kept, so memory stays flat.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from pipeline.lipsync.musetalk_model import LoadedMuseTalk

if TYPE_CHECKING:
    import torch

SAMPLE_RATE_HZ = 16_000
ROWS_PER_S = 50
"""Whisper's encoder gives one row per 20 ms."""
SEGMENT_S = 30
SEGMENT_ROWS = SEGMENT_S * ROWS_PER_S
WINDOW_ROWS = 10
"""Rows per video frame: 0.2 s of speech around it."""
LEAD_ROWS = 4
"""Rows the window starts before the frame's time (two frames at MuseTalk's 25 fps)."""
KEPT_SEGMENTS = 2


class SpeechFeatures:
    """The encoder rows of one mono 16 kHz speech signal, windowed per video frame."""

    def __init__(self, loaded: LoadedMuseTalk, audio: npt.NDArray[np.float32]) -> None:
        self._loaded = loaded
        self._audio = audio
        self.samples = len(audio)
        self.rows = math.floor(len(audio) / SAMPLE_RATE_HZ * ROWS_PER_S)
        self._segments: OrderedDict[int, torch.Tensor] = OrderedDict()

    def windows(self, frames: Sequence[int], fps: float) -> torch.Tensor:
        """(len(frames), WINDOW_ROWS * layers, width) audio tokens for these video frames,
        with the positional encoding added."""
        import torch

        tokens = [self._window(frame, fps) for frame in frames]
        stacked = torch.stack(tokens)
        return stacked + self._loaded.positions[: stacked.shape[1]]

    def _window(self, frame: int, fps: float) -> torch.Tensor:
        import torch

        start = math.floor(frame * ROWS_PER_S / fps) - LEAD_ROWS
        parts = []
        row = start
        while row < start + WINDOW_ROWS:
            segment, offset = divmod(row, SEGMENT_ROWS)
            take = min(start + WINDOW_ROWS - row, SEGMENT_ROWS - offset)
            if row < 0 or row >= self.rows:
                take = min(take, -row) if row < 0 else take
                parts.append(self._zeros(take))
            else:
                take = min(take, self.rows - row)
                parts.append(self._segment(segment)[offset : offset + take])
            row += take
        window = torch.cat(parts)  # (WINDOW_ROWS, layers, width)
        return window.reshape(-1, window.shape[-1])

    def _zeros(self, rows: int) -> torch.Tensor:
        import torch

        layers = int(self._loaded.encoder.config.encoder_layers) + 1
        width = int(self._loaded.encoder.config.d_model)
        return torch.zeros(
            rows, layers, width, dtype=self._loaded.dtype, device=self._loaded.device
        )

    def _segment(self, index: int) -> torch.Tensor:
        if index in self._segments:
            self._segments.move_to_end(index)
            return self._segments[index]
        first = index * SEGMENT_S * SAMPLE_RATE_HZ
        encoded = encode_segment(
            self._loaded, self._audio[first : first + SEGMENT_S * SAMPLE_RATE_HZ]
        )
        self._segments[index] = encoded
        while len(self._segments) > KEPT_SEGMENTS:
            self._segments.popitem(last=False)
        return encoded


def encode_segment(loaded: LoadedMuseTalk, audio: npt.NDArray[np.float32]) -> torch.Tensor:
    """(SEGMENT_ROWS, layers, width): every hidden state of whisper's encoder for up to 30 s
    of 16 kHz speech (whisper pads it to 30 s)."""
    import torch

    mel = loaded.features(
        np.ascontiguousarray(audio, dtype=np.float32),
        sampling_rate=SAMPLE_RATE_HZ,
        return_tensors="pt",
    ).input_features
    with torch.inference_mode():
        states = loaded.encoder(
            mel.to(device=loaded.device, dtype=loaded.dtype), output_hidden_states=True
        ).hidden_states
    return torch.stack(states, dim=2)[0]
