"""Where MuseTalk works in a frame: the face crop and the mouth-and-jaw blend mask.

The crop follows MuseTalk's: the face's width, from the chin up to as far above the middle of
the nose as the chin is below it, so the nose sits at the crop's middle row and the generated
lower half holds the mouth and jaw. It comes from the project's face mesh (mediapipe, Apache-2.0)
when the landmark model is installed; otherwise from the face detector's box. MuseTalk's own
face parser (BiSeNet, non-commercial weights) is not used: the blend mask is the mesh's face
oval below the nose, feathered, or without a mesh a feathered lower half.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.lipsync.faces import FacePadding, feather_mask, pad_box
from pipeline.neural.face_detector import FaceBox, detect_face
from pipeline.neural.face_landmarks import FaceMesh, find_mesh
from pipeline.types import Frame

CROP_SIDE_PX = 256
"""MuseTalk's face crop side (32x32 latents)."""
NOSE_MIDDLE = 5
"""Mesh point on the nose ridge, halfway between the eyes and the tip: the crop's middle row."""
NOSE_BASE = 2
"""Mesh point under the nose: the mask starts just below it."""
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
"""The mesh's face outline, in order around the face."""
CHIN_MARGIN = 0.04
"""Extra crop below the chin, as a share of the crop height (MuseTalk adds 10 px)."""
MASK_FEATHER_PX = 15
"""Gaussian feather of the mask's edge, in crop pixels at CROP_SIDE_PX."""
MASK_FROM_SHARE = 0.5
"""Without a mesh, the mask starts at this share of the crop height."""
MIN_FACE_SIDE_PX = 24

Mask = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FaceCrop:
    """A face's crop box in the frame and its blend mask ((CROP_SIDE_PX, CROP_SIDE_PX) weights
    in [0, 1] over the crop, 1 where the generated face replaces the frame)."""

    box: FaceBox
    mask: Mask


def find_face(frame: Frame, padding: FacePadding) -> FaceCrop | None:
    """The face crop of the largest face in an RGB frame, or None without a usable face."""
    height, width = frame.shape[:2]
    mesh = find_mesh(frame)
    crop = mesh_crop(mesh, width, height) if mesh is not None else None
    if crop is None:
        found = detect_face(frame)
        if found is None:
            return None
        crop = FaceCrop(pad_box(found, width, height, padding), lower_half_mask())
    if min(crop.box.width, crop.box.height) < MIN_FACE_SIDE_PX:
        return None
    return crop


def mesh_crop(mesh: FaceMesh, width: int, height: int) -> FaceCrop | None:
    """The crop and jaw mask a face mesh gives, or None for a degenerate mesh."""
    points = mesh.points
    chin = float(points[:, 1].max())
    middle = float(points[NOSE_MIDDLE, 1])
    top = middle - (chin - middle)
    bottom = chin + CHIN_MARGIN * (chin - top)
    box = FaceBox(
        left=max(0, round(float(points[:, 0].min()))),
        top=max(0, round(top)),
        right=min(width, round(float(points[:, 0].max()))),
        bottom=min(height, round(bottom)),
    )
    if box.width <= 0 or box.height <= 0 or chin <= middle:
        return None
    scale = np.array([CROP_SIDE_PX / box.width, CROP_SIDE_PX / box.height], np.float32)
    local = (points - np.array([box.left, box.top], np.float32)) * scale
    return FaceCrop(box, jaw_mask(local))


def jaw_mask(points: npt.NDArray[np.float32]) -> Mask:
    """The face oval below the nose, feathered: mesh points already in crop pixels."""
    mask = np.zeros((CROP_SIDE_PX, CROP_SIDE_PX), np.float32)
    outline = np.round(points[list(FACE_OVAL)]).astype(np.int32)
    cv2.fillPoly(mask, [outline], 1.0)
    start = int(np.clip(round(float(points[NOSE_BASE, 1])), 0, CROP_SIDE_PX))
    start = max(start, CROP_SIDE_PX // 2)
    mask[:start] = 0.0
    size = 2 * MASK_FEATHER_PX + 1
    feathered = cv2.GaussianBlur(mask, (size, size), MASK_FEATHER_PX / 2)
    feathered[: CROP_SIDE_PX // 2] = 0.0  # the kept upper half is never repainted
    return np.asarray(feathered, dtype=np.float32)


@cache
def lower_half_mask() -> Mask:
    """The mask without a mesh: the crop's lower half, feathered at its edges."""
    mask = feather_mask(CROP_SIDE_PX, CROP_SIDE_PX, MASK_FROM_SHARE)[:, :, 0]
    return np.asarray(mask, dtype=np.float32)


def crop_face(frame: Frame, box: FaceBox) -> npt.NDArray[np.uint8]:
    """The box's pixels resized to CROP_SIDE_PX square (RGB uint8)."""
    region = frame[box.top : box.bottom, box.left : box.right]
    shrinking = box.width > CROP_SIDE_PX or box.height > CROP_SIDE_PX
    resized = cv2.resize(
        np.ascontiguousarray(region),
        (CROP_SIDE_PX, CROP_SIDE_PX),
        interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC,
    )
    return np.asarray(resized, dtype=np.uint8)


def blend_face(frame: Frame, crop: FaceCrop, generated: npt.NDArray[np.uint8]) -> Frame:
    """A copy of frame with the generated face (CROP_SIDE_PX square RGB) blended into its box
    through the crop's mask."""
    box = crop.box
    size = (box.width, box.height)
    face = cv2.resize(generated, size, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    weight = cv2.resize(crop.mask, size, interpolation=cv2.INTER_LINEAR)[:, :, None]
    out = frame.copy()
    region = frame[box.top : box.bottom, box.left : box.right].astype(np.float32)
    mixed = region + (face - region) * weight
    out[box.top : box.bottom, box.left : box.right] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return out
