"""Speech -> per-video-frame wav2vec2 features, as InfiniteTalk conditions on them.

The speech (16 kHz mono) is normalised by the encoder's own feature extractor, run through
the wav2vec2 convolutional front end, resampled linearly in time to exactly one feature per
video frame (25 fps), and encoded; the outputs of all transformer layers (not the input
embedding; caught with hooks, as transformers 5 no longer returns them from the encoder
alone) are stacked per frame: (frames, layers, channels), 12 x 768 for wav2vec2-base.
Each video frame then takes a window of 5 such frames centred on it, clamped at the ends.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pipeline.neural.torch_device import Device

SPEECH_RATE = 16_000
"""Sample rate wav2vec2 was trained at (Hz)."""
VIDEO_FPS = 25
"""Video frames per second the features are aligned to (InfiniteTalk's rate)."""
WINDOW_RADIUS = 2
"""Audio frames either side of a video frame in its window (InfiniteTalk: 5 in all)."""


@dataclass(frozen=True, eq=False)
class SpeechEncoder:
    """A wav2vec2 model and its feature extractor, loaded once per process."""

    model: Any
    extractor: Any
    device: Device
    lock: threading.Lock = field(default_factory=threading.Lock)


def load_speech_encoder(folder: Path, device: Device) -> SpeechEncoder:
    """The wav2vec2 encoder in folder (config.json, preprocessor_config.json, weights)."""
    return _load(folder.resolve(), device)


@cache
def _load(folder: Path, device: Device) -> SpeechEncoder:
    from transformers import Wav2Vec2FeatureExtractor, Wav2Vec2Model

    model: Any = Wav2Vec2Model.from_pretrained(folder, local_files_only=True)
    extractor: Any = Wav2Vec2FeatureExtractor.from_pretrained(folder, local_files_only=True)
    return SpeechEncoder(model=model.to(device).eval(), extractor=extractor, device=device)


def frame_features(
    encoder: SpeechEncoder, speech: np.ndarray, frames: int, fps: float = VIDEO_FPS
) -> torch.Tensor:
    """Features of 16 kHz mono speech, one row per video frame at fps: (frames, layers,
    channels). The speech is normalised on its own, then cut or padded with silence to the
    frames' duration, so frame i hears the speech at i / fps seconds."""
    if frames < 1:
        raise ValueError("Speech features need at least one video frame.")
    normalised = np.zeros(0, dtype=np.float32)
    if np.asarray(speech).size:
        normalised = np.asarray(
            encoder.extractor(
                np.asarray(speech, dtype=np.float32), sampling_rate=SPEECH_RATE
            ).input_values[0],
            dtype=np.float32,
        )
    values = np.zeros(round(frames * SPEECH_RATE / fps), dtype=np.float32)
    values[: min(values.size, normalised.size)] = normalised[: values.size]
    model = encoder.model
    with encoder.lock, torch.inference_mode():
        wave = torch.as_tensor(np.asarray(values, dtype=np.float32), device=encoder.device)
        conv = model.feature_extractor(wave[None])
        resampled = torch.nn.functional.interpolate(
            conv, size=frames, mode="linear", align_corners=True
        ).transpose(1, 2)
        hidden, _ = model.feature_projection(resampled)
        outputs: list[torch.Tensor] = []
        hooks = [
            layer.register_forward_hook(lambda _m, _i, out: outputs.append(_first(out)))
            for layer in model.encoder.layers
        ]
        try:
            model.encoder(hidden)
        finally:
            for hook in hooks:
                hook.remove()
        layers = torch.stack(outputs, dim=2)[0]
    return layers.float().cpu()


def _first(output: Any) -> torch.Tensor:
    """A layer's hidden states (transformers layers return a tensor or a tuple)."""
    hidden: torch.Tensor = output[0] if isinstance(output, tuple) else output
    return hidden


def frame_windows(features: torch.Tensor, start: int, count: int) -> torch.Tensor:
    """Windows of 2 * WINDOW_RADIUS + 1 feature rows centred on video frames start..start +
    count - 1, clamped at both ends: (count, window, layers, channels)."""
    offsets = torch.arange(-WINDOW_RADIUS, WINDOW_RADIUS + 1)
    centres = torch.arange(start, start + count)[:, None]
    indices = (centres + offsets[None]).clamp(0, features.shape[0] - 1)
    return features[indices]
