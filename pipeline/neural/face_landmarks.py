"""The face mesh of a picture: mediapipe's 468-point face landmark model on LiteRT.

The model (Apache-2.0, taken from the mediapipe 0.10.21 wheel at install time, see the model
registry) looks at a 192x192 crop around a face that BlazeFace found (the box grown by
CROP_SCALE, upright) and gives 468 points (x, y in the crop's pixels, z relative depth) and
a face-presence logit. About 1.5 ms a face on one core. Without the model (or ai-edge-litert)
find_mesh answers None and callers keep the picture as it is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.neural.face_detector import FaceBox, detect_face, release_face_detector
from pipeline.neural.model_spec import packaged_models_dir
from pipeline.neural.registry import FACE_LANDMARKS, model_path
from pipeline.types import Frame

INPUT_SIDE_PX = 192
"""The model's input size."""
POINTS = 468
CROP_SCALE = 1.5
"""The face box is grown by this before cropping (mediapipe's own margin)."""
MIN_PRESENCE = 0.5
"""Lowest face-presence probability for a mesh to count."""

_LOCK = threading.Lock()

Points = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FaceMesh:
    """468 face landmarks: points[i] = (x, y) in the picture's pixels, and the face box."""

    points: Points
    box: FaceBox
    presence: float


class FaceLandmarker:
    """The face landmark model on a LiteRT interpreter (not thread-safe: locked)."""

    def __init__(self, path: Path) -> None:
        interpreter_module = import_module("ai_edge_litert.interpreter")
        self._interpreter = interpreter_module.Interpreter(model_path=str(path), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = sorted(
            self._interpreter.get_output_details(), key=lambda o: -int(np.prod(o["shape"]))
        )
        self._points, self._presence = outputs[0]["index"], outputs[1]["index"]

    def mesh(self, frame: Frame, box: FaceBox) -> FaceMesh | None:
        """The mesh of the face in box (pixels of the RGB frame), or None when the model sees
        no face there."""
        centre_x, centre_y = (box.left + box.right) / 2, (box.top + box.bottom) / 2
        side = max(box.width, box.height) * CROP_SCALE
        scale = INPUT_SIDE_PX / side
        to_crop = np.array(
            [
                [scale, 0.0, INPUT_SIDE_PX / 2 - centre_x * scale],
                [0.0, scale, INPUT_SIDE_PX / 2 - centre_y * scale],
            ]
        )
        crop = cv2.warpAffine(
            frame, to_crop, (INPUT_SIDE_PX, INPUT_SIDE_PX), flags=cv2.INTER_AREA,
            borderMode=cv2.BORDER_REPLICATE,
        )  # fmt: skip
        tensor = (crop.astype(np.float32) / 255.0)[None]
        with _LOCK:
            self._interpreter.set_tensor(self._input, tensor)
            self._interpreter.invoke()
            raw = self._interpreter.get_tensor(self._points).reshape(POINTS, 3).copy()
            logit = float(self._interpreter.get_tensor(self._presence).ravel()[0])
        presence = 1.0 / (1.0 + np.exp(-np.clip(logit, -100.0, 100.0)))
        if presence < MIN_PRESENCE:
            return None
        points = np.empty((POINTS, 2), np.float32)
        points[:, 0] = (raw[:, 0] - INPUT_SIDE_PX / 2) / scale + centre_x
        points[:, 1] = (raw[:, 1] - INPUT_SIDE_PX / 2) / scale + centre_y
        return FaceMesh(points=points, box=box, presence=float(presence))


def landmarks_available() -> bool:
    """True when the face landmark model and its runtime are installed."""
    return _landmarker() is not None


def find_mesh(frame: Frame) -> FaceMesh | None:
    """The mesh of the largest face in an RGB frame; None without a face or the model."""
    model = _landmarker()
    if model is None:
        return None
    box = detect_face(frame)
    return model.mesh(frame, box) if box is not None else None


def release_face_models() -> None:
    """Drop the loaded face detector and landmark model (they load again when next used)."""
    _landmarker.cache_clear()
    release_face_detector()


@cache
def _landmarker() -> FaceLandmarker | None:
    path = model_path(FACE_LANDMARKS, packaged_models_dir())
    if not path.is_file():
        return None
    try:
        return FaceLandmarker(path)
    except (ImportError, ValueError, RuntimeError):
        return None
