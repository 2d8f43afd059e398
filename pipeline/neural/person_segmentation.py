"""Where the people are in a picture: mediapipe's selfie segmentation model on LiteRT.

The model (Apache-2.0, taken from the mediapipe 0.10.21 wheel at install time, see the model
registry) scores every pixel of a 256x256 copy of the picture for "person"; the mask is
scaled back to the picture's size. About 4 ms a picture on one core. Without the model (or
ai-edge-litert) person_mask answers None.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import import_module
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.neural.model_spec import packaged_models_dir
from pipeline.neural.registry import PERSON_SEGMENTATION, model_path
from pipeline.types import Frame

INPUT_SIDE_PX = 256
"""The model's input size (the picture is squeezed to it, as mediapipe does)."""

_LOCK = threading.Lock()

Mask = npt.NDArray[np.float32]


class PersonSegmenter:
    """The selfie segmentation model on a LiteRT interpreter (not thread-safe: locked)."""

    def __init__(self, path: Path) -> None:
        interpreter_module = import_module("ai_edge_litert.interpreter")
        self._interpreter = interpreter_module.Interpreter(model_path=str(path), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._output = self._interpreter.get_output_details()[0]["index"]

    def mask(self, frame: Frame) -> Mask:
        """Each pixel's probability (0..1) of showing a person, at the frame's size."""
        height, width = frame.shape[:2]
        small = cv2.resize(frame, (INPUT_SIDE_PX, INPUT_SIDE_PX), interpolation=cv2.INTER_AREA)
        tensor = (small.astype(np.float32) / 255.0)[None]
        with _LOCK:
            self._interpreter.set_tensor(self._input, tensor)
            self._interpreter.invoke()
            scores = self._interpreter.get_tensor(self._output)[0, :, :, 0].copy()
        scaled = cv2.resize(scores, (width, height), interpolation=cv2.INTER_LINEAR)
        return np.clip(np.asarray(scaled, np.float32), 0.0, 1.0)


def segmentation_available() -> bool:
    """True when the segmentation model and its runtime are installed."""
    return _segmenter() is not None


def person_mask(frame: Frame) -> Mask | None:
    """The person mask of an RGB frame, or None without the model."""
    model = _segmenter()
    return model.mask(frame) if model is not None else None


@cache
def _segmenter() -> PersonSegmenter | None:
    path = model_path(PERSON_SEGMENTATION, packaged_models_dir())
    if not path.is_file():
        return None
    try:
        return PersonSegmenter(path)
    except (ImportError, ValueError, RuntimeError):
        return None
