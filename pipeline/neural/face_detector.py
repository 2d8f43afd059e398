"""Faces in a picture: BlazeFace (mediapipe's short-range model on LiteRT) when it is
installed, else OpenCV's Haar cascade.

BlazeFace (Apache-2.0, taken from the mediapipe 0.10.21 wheel at install time, see the model
registry) sees faces the cascade misses (turned, tilted, unevenly lit) in about a millisecond
a frame. The picture is letterboxed to a square, scaled to 128x128 and scored at 896 anchors;
boxes above MIN_SCORE are merged by non-maximum suppression. Its box runs from the brows to
the chin; each box is returned in pixels, the largest face first. Without the model (or
without ai-edge-litert) the Haar cascade that ships in opencv-python answers instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.neural.model_spec import packaged_models_dir
from pipeline.neural.registry import FACE_DETECTION, model_path
from pipeline.types import Frame

BLAZEFACE = "blazeface"
HAAR = "haar"

INPUT_SIDE_PX = 128
"""BlazeFace short-range's input size."""
ANCHOR_LAYERS = ((8, 2), (16, 6))
"""(stride in pixels, anchors per cell) of the model's two feature maps: 16x16x2 + 8x8x6."""
MIN_SCORE = 0.5
"""Lowest face confidence kept (mediapipe's default)."""
NMS_IOU = 0.3
"""Overlap above which two boxes are the same face."""
SCORE_CLIP = 100.0
"""Logits are clipped to +-this before the sigmoid (as mediapipe does)."""

CASCADE_FILE = "haarcascade_frontalface_default.xml"
"""The frontal-face cascade shipped inside opencv-python(-headless) < 5."""
DETECTION_MAX_SIDE_PX = 480
"""Frames are down-scaled so their longer side is at most this before the cascade runs."""
MIN_FACE_FRACTION = 0.08
"""Smallest face the cascade searches for, as a fraction of the frame's shorter side."""
SCALE_FACTOR = 1.1
"""Cascade pyramid step between scales."""
MIN_NEIGHBOURS = 5
"""Overlapping cascade hits a detection needs; higher means fewer false faces."""

_INTERPRETER_LOCK = threading.Lock()


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in pixels: columns left..right-1, rows top..bottom-1."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.bottom - self.top


def face_detector_name() -> str:
    """Which detector answers here: "blazeface" when its model and runtime are installed."""
    return BLAZEFACE if _blazeface() is not None else HAAR


def detect_faces(frame: Frame) -> list[FaceBox]:
    """Every face in an RGB frame, the largest first."""
    model = _blazeface()
    boxes = model.detect(frame) if model is not None else _haar_faces(frame)
    return sorted(boxes, key=lambda box: box.width * box.height, reverse=True)


def detect_face(frame: Frame) -> FaceBox | None:
    """The largest face in an RGB frame, or None when there is none."""
    faces = detect_faces(frame)
    return faces[0] if faces else None


# --- BlazeFace ---------------------------------------------------------------------------------


class BlazeFace:
    """The BlazeFace short-range model on a LiteRT interpreter (not thread-safe: locked)."""

    def __init__(self, path: Path) -> None:
        interpreter_module = import_module("ai_edge_litert.interpreter")
        self._interpreter = interpreter_module.Interpreter(model_path=str(path), num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = {o["name"]: o["index"] for o in self._interpreter.get_output_details()}
        self._boxes, self._scores = outputs["regressors"], outputs["classificators"]
        self._anchors = _anchors()

    def detect(self, frame: Frame) -> list[FaceBox]:
        """Faces in an RGB frame (any size), after non-maximum suppression."""
        height, width = frame.shape[:2]
        side = max(height, width)
        square = np.zeros((side, side, 3), np.uint8)
        top, left = (side - height) // 2, (side - width) // 2
        square[top : top + height, left : left + width] = frame
        scaled = cv2.resize(square, (INPUT_SIDE_PX, INPUT_SIDE_PX), interpolation=cv2.INTER_AREA)
        tensor = (scaled.astype(np.float32) / 127.5 - 1.0)[None]
        with _INTERPRETER_LOCK:
            self._interpreter.set_tensor(self._input, tensor)
            self._interpreter.invoke()
            raw = self._interpreter.get_tensor(self._boxes)[0].copy()
            logits = self._interpreter.get_tensor(self._scores)[0, :, 0].copy()
        clipped = np.clip(logits.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
        scores = 1.0 / (1.0 + np.exp(-clipped))
        keep = np.flatnonzero(scores >= MIN_SCORE)
        centres = raw[keep, :2] / INPUT_SIDE_PX + self._anchors[keep]
        sizes = raw[keep, 2:4] / INPUT_SIDE_PX
        corners = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1) * side
        corners -= np.array([left, top, left, top], dtype=np.float32)
        chosen = _suppress(corners, scores[keep])
        return [_to_box(corners[index], width, height) for index in chosen]


def _anchors() -> npt.NDArray[np.float32]:
    """The (x, y) centre of each of the 896 anchors, in 0..1 of the input square."""
    centres: list[tuple[float, float]] = []
    for stride, per_cell in ANCHOR_LAYERS:
        cells = INPUT_SIDE_PX // stride
        for row in range(cells):
            for column in range(cells):
                centres.extend([((column + 0.5) / cells, (row + 0.5) / cells)] * per_cell)
    return np.array(centres, dtype=np.float32)


def _suppress(corners: npt.NDArray[np.float32], scores: npt.NDArray[np.float32]) -> list[int]:
    """Indices of the boxes kept by greedy non-maximum suppression, best first."""
    order = list(np.argsort(-scores))
    kept: list[int] = []
    while order:
        best = order.pop(0)
        kept.append(int(best))
        order = [i for i in order if _iou(corners[best], corners[i]) <= NMS_IOU]
    return kept


def _iou(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    width = max(0.0, float(min(a[2], b[2]) - max(a[0], b[0])))
    height = max(0.0, float(min(a[3], b[3]) - max(a[1], b[1])))
    overlap = width * height
    union = float((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])) - overlap
    return overlap / union if union > 0 else 0.0


def _to_box(corners: npt.NDArray[np.float32], width: int, height: int) -> FaceBox:
    left, top, right, bottom = (round(float(value)) for value in corners)
    return FaceBox(
        left=max(0, left), top=max(0, top), right=min(width, right), bottom=min(height, bottom)
    )


def release_face_detector() -> None:
    """Drop the loaded face detector (it loads again when next used)."""
    _blazeface.cache_clear()
    _cascade.cache_clear()


@cache
def _blazeface() -> BlazeFace | None:
    path = model_path(FACE_DETECTION, packaged_models_dir())
    if not path.is_file():
        return None
    try:
        return BlazeFace(path)
    except (ImportError, ValueError, RuntimeError):
        return None


# --- Haar cascade ------------------------------------------------------------------------------


@cache
def _cascade() -> Any:
    folder: str = import_module("cv2.data").haarcascades  # cv2's stubs omit cv2.data
    path = folder + CASCADE_FILE
    classifier = cv2.CascadeClassifier(path)
    if classifier.empty():
        raise RuntimeError(f"OpenCV's face cascade {path} could not be loaded.")
    return classifier


def _haar_faces(frame: Frame) -> list[FaceBox]:
    """Frontal faces by the cascade, on a grey, down-scaled copy of the frame."""
    height, width = frame.shape[:2]
    scale = min(1.0, DETECTION_MAX_SIDE_PX / max(height, width))
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        grey = cv2.resize(
            grey, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    min_side = max(12, round(min(grey.shape) * MIN_FACE_FRACTION))
    hits: Any = ()
    # Try the frame as it is, then with its histogram equalised (helps dim or flat lighting).
    for candidate in (grey, cv2.equalizeHist(grey)):
        hits = _cascade().detectMultiScale(
            candidate,
            scaleFactor=SCALE_FACTOR,
            minNeighbors=MIN_NEIGHBOURS,
            minSize=(min_side, min_side),
        )
        if len(hits):
            break
    return [
        FaceBox(
            left=round(x / scale),
            top=round(y / scale),
            right=min(width, round((x + w) / scale)),
            bottom=min(height, round((y + h) / scale)),
        )
        for x, y, w, h in (tuple(int(v) for v in hit) for hit in hits)
    ]
