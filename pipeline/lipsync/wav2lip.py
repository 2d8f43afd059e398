"""Lip-sync with a Wav2Lip model on ONNX Runtime, streamed in batches.

Wav2Lip's graph takes, per video frame, a mel window (B, 1, 80, 16) and a face tensor
(B, 6, 96, 96): the 96x96 face crop with its lower half zeroed, then the unmasked reference
crop, float32 in [0, 1] in the training channel order (BGR for the published weights). It
returns the face with a generated mouth, (B, 3, 96, 96) in [0, 1]. The generated lower face is
blended back into the frame through a feathered mask.

Two entry points, both generators that hold at most one batch of frames:
- lipsync_still(): a still character image made to speak for N frames (face detected once);
- lipsync_video(): every frame of a video, with faces detected per frame and smoothed.
A shot without a detectable face comes back unchanged, and a note says so.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.faces import (
    DEFAULT_SMOOTHING_FRAMES,
    FacePadding,
    feather_mask,
    fill_gaps,
    pad_box,
    smooth_boxes,
)
from pipeline.lipsync.mel import MEL_WINDOW_STEPS, N_MELS, frame_windows, to_mono
from pipeline.neural.face_detector import FaceBox, detect_face
from pipeline.neural.onnx import create_session
from pipeline.types import AudioArray, Frame

FACE_SIZE_PX = 96
"""Side of the square face crop Wav2Lip works on."""
FACE_CHANNELS = 6
"""Masked crop (3 channels) followed by the reference crop (3 channels)."""
DEFAULT_BATCH_SIZE = 16
"""Frames per inference call; larger batches help a GPU more than a CPU."""
MIN_FACE_SIDE_PX = 16
"""A face box smaller than this on either side is not lip-synced."""

ChannelOrder = Literal["bgr", "rgb"]
NoteCallback = Callable[[str], None]
FloatArray = npt.NDArray[np.float32]

logger = logging.getLogger(__name__)

_AUDIO_NAME_HINTS = ("audio", "mel", "source", "spectrogram")
_FACE_NAME_HINTS = ("face", "video", "image", "img", "target", "frame")


def log_note(message: str) -> None:
    """The default note callback: a warning in the pipeline.lipsync.wav2lip log."""
    logger.warning("%s", message)


@dataclass(frozen=True)
class Wav2LipIO:
    """Which graph input is the audio and which the face, and the output's name.

    fixed_batch is the batch size when the export fixed it, else None (dynamic).
    """

    audio_input: str
    face_input: str
    output: str
    fixed_batch: int | None = None


@dataclass(frozen=True)
class LipSyncOptions:
    """Tuning of the lip-sync stage; the defaults suit the published 96x96 weights."""

    batch_size: int = DEFAULT_BATCH_SIZE
    padding: FacePadding = field(default_factory=FacePadding)
    smoothing_frames: int = DEFAULT_SMOOTHING_FRAMES
    mouth_from: float = 0.5
    """Where the blended region starts, as a fraction of the face box height."""
    detect_every: int = 1
    """Frames between face detections in a video; frames in between keep the last result.
    Detection is the dearest step on a CPU (~15-65 ms a 640x360 frame), and faces in a
    film move slowly, so a film is detected every few frames (see pipeline.lipsync.video_file)."""


def resolve_io(
    inputs: Sequence[tuple[str, Sequence[Any]]], outputs: Sequence[tuple[str, Sequence[Any]]]
) -> Wav2LipIO:
    """Work out the roles of a Wav2Lip graph's inputs from their shapes, then their names,
    then their order (audio first, as in Wav2Lip's forward()). Raises BackendUnavailableError
    for a graph that cannot be a Wav2Lip model."""
    if len(inputs) != 2 or not outputs:
        raise BackendUnavailableError(
            f"The model has {len(inputs)} inputs and {len(outputs)} outputs; a Wav2Lip "
            "model has 2 inputs (mel windows and faces) and 1 output."
        )
    roles = [_role_by_shape(shape) for _, shape in inputs]
    if sorted(r for r in roles if r) != ["audio", "face"]:
        roles = [_role_by_name(name) for name, _ in inputs]
    if sorted(r for r in roles if r) != ["audio", "face"]:
        roles = ["audio", "face"]
    audio_index = roles.index("audio")
    face_name, face_shape = inputs[1 - audio_index]
    out_name, out_shape = outputs[0]
    if len(out_shape) != 4 or (isinstance(out_shape[1], int) and out_shape[1] != 3):
        raise BackendUnavailableError(
            f"The model's output {out_name!r} has shape {list(out_shape)}; Wav2Lip's is "
            "(batch, 3, 96, 96)."
        )
    batch = face_shape[0] if len(face_shape) == 4 else None
    return Wav2LipIO(
        audio_input=inputs[audio_index][0],
        face_input=face_name,
        output=out_name,
        fixed_batch=batch if isinstance(batch, int) and batch > 0 else None,
    )


def _role_by_shape(shape: Sequence[Any]) -> str | None:
    if len(shape) != 4:
        return None
    if shape[1] == FACE_CHANNELS:
        return "face"
    if shape[1] == 1 and (shape[2] == N_MELS or shape[3] == MEL_WINDOW_STEPS):
        return "audio"
    return None


def _role_by_name(name: str) -> str | None:
    lowered = name.lower()
    if any(hint in lowered for hint in _AUDIO_NAME_HINTS):
        return "audio"
    if any(hint in lowered for hint in _FACE_NAME_HINTS):
        return "face"
    return None


class Wav2LipModel:
    """A loaded Wav2Lip ONNX graph: predict() maps mel windows and faces to mouths."""

    def __init__(self, session: Any, channel_order: ChannelOrder = "bgr") -> None:
        self._session = session
        self.channel_order: ChannelOrder = channel_order
        self.io = resolve_io(
            [(i.name, list(i.shape)) for i in session.get_inputs()],
            [(o.name, list(o.shape)) for o in session.get_outputs()],
        )

    @classmethod
    def load(
        cls,
        path: Path,
        providers: Sequence[str] | None = None,
        channel_order: ChannelOrder = "bgr",
        intra_op_threads: int | None = None,
    ) -> Wav2LipModel:
        """Load a Wav2Lip ONNX export; the CUDA provider is used when onnxruntime-gpu
        offers it. Raises BackendUnavailableError when the file is missing or not Wav2Lip."""
        return cls(create_session(path, providers, intra_op_threads), channel_order)

    @property
    def providers(self) -> list[str]:
        """The execution providers the session runs on, best first."""
        providers: list[str] = list(self._session.get_providers())
        return providers

    def predict(self, mels: FloatArray, faces: FloatArray) -> FloatArray:
        """Mouths for a batch: mels (B, 1, 80, 16), faces (B, 6, 96, 96) -> (B, 3, 96, 96)
        in [0, 1]."""
        count = len(faces)
        step = self.io.fixed_batch or count
        results: list[FloatArray] = []
        for first in range(0, count, max(step, 1)):
            mel_part, face_part = mels[first : first + step], faces[first : first + step]
            short = step - len(face_part) if self.io.fixed_batch else 0
            if short:  # a fixed-batch export: pad the last batch, drop the padding after
                mel_part = np.concatenate([mel_part, np.repeat(mel_part[-1:], short, axis=0)])
                face_part = np.concatenate([face_part, np.repeat(face_part[-1:], short, axis=0)])
            (out,) = self._session.run(
                [self.io.output],
                {self.io.audio_input: mel_part, self.io.face_input: face_part},
            )
            results.append(np.asarray(out, dtype=np.float32)[: len(face_part) - short])
        if not results:
            return np.zeros((0, 3, FACE_SIZE_PX, FACE_SIZE_PX), dtype=np.float32)
        return np.nan_to_num(np.clip(np.concatenate(results), 0.0, 1.0))


def frames_to_cover(duration_s: float, fps: float) -> int:
    """Frames needed to cover a duration at a frame rate (rounded up)."""
    return max(0, math.ceil(duration_s * fps - 1e-9))


def lipsync_still(
    image: Frame,
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel,
    n_frames: int | None = None,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
) -> Iterator[Frame]:
    """Frames of a still RGB image speaking the audio: n_frames (default: enough for the
    audio) RGB uint8 frames at the image's size. The face is detected once, now; without
    one the image comes back unchanged for every frame and on_note says why."""
    opts = options or LipSyncOptions()
    mono = to_mono(audio)
    total = frames_to_cover(len(mono) / sample_rate, fps) if n_frames is None else n_frames
    raw = detect_face(image)
    height, width = image.shape[:2]
    box = pad_box(raw, width, height, opts.padding) if raw is not None else None
    if box is None or min(box.width, box.height) < MIN_FACE_SIDE_PX:
        on_note(
            f"No face was found in the {width}x{height} character image; "
            "its shot is shown without lip-sync."
        )
        return _repeat_unchanged(image, total)
    return _still_frames(image, box, mono, sample_rate, fps, model, total, opts)


def lipsync_video(
    frames: Iterable[Frame],
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
) -> Iterator[Frame]:
    """Each RGB frame of a video with its mouth re-synced to the audio (frame i hears the
    audio at i / fps; past the audio's end the mouth rests). Faces are detected per frame,
    held through short gaps and smoothed; frames without a face pass through unchanged and
    on_note reports how many there were at the end."""
    opts = options or LipSyncOptions()
    mono = to_mono(audio)
    counts = {"frames": 0, "without_face": 0}

    def detected() -> Iterator[tuple[Frame, FaceBox | None]]:
        box: FaceBox | None = None
        shape: tuple[int, ...] = ()
        for index, frame in enumerate(frames):
            counts["frames"] += 1
            if index % max(1, opts.detect_every) == 0 or frame.shape != shape:
                raw = detect_face(frame)
                height, width = frame.shape[:2]
                box = pad_box(raw, width, height, opts.padding) if raw is not None else None
                shape = frame.shape
            yield frame, box

    batch: list[tuple[int, Frame, FaceBox]] = []
    smoothed = smooth_boxes(fill_gaps(detected()), opts.smoothing_frames)
    for index, (frame, box) in enumerate(smoothed):
        usable = box is not None and min(box.width, box.height) >= MIN_FACE_SIDE_PX
        if usable and box is not None:
            batch.append((index, frame, box))
            if len(batch) >= opts.batch_size:
                yield from _sync_batch(batch, mono, sample_rate, fps, model, opts)
                batch = []
        else:
            yield from _sync_batch(batch, mono, sample_rate, fps, model, opts)
            batch = []
            counts["without_face"] += 1
            yield frame
    yield from _sync_batch(batch, mono, sample_rate, fps, model, opts)
    if counts["frames"] and counts["without_face"] == counts["frames"]:
        on_note(
            f"No face was detected in any of the video's {counts['frames']} frames; "
            "the video is returned without lip-sync."
        )
    elif counts["without_face"]:
        on_note(
            f"No face was detected in {counts['without_face']} of the video's "
            f"{counts['frames']} frames; those frames are unchanged."
        )


def _repeat_unchanged(image: Frame, count: int) -> Iterator[Frame]:
    frozen = np.array(image, dtype=np.uint8, copy=True)
    frozen.flags.writeable = False
    for _ in range(count):
        yield frozen


def _still_frames(
    image: Frame,
    box: FaceBox,
    audio: FloatArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel,
    total: int,
    opts: LipSyncOptions,
) -> Iterator[Frame]:
    face = _face_input(image, box, model.channel_order)
    mask = feather_mask(box.width, box.height, opts.mouth_from)
    region = image[box.top : box.bottom, box.left : box.right].astype(np.float32)
    for first in range(0, total, opts.batch_size):
        stop = min(first + opts.batch_size, total)
        mels = frame_windows(audio, sample_rate, fps, first, stop)
        faces = np.broadcast_to(face, (stop - first, *face.shape))
        mouths = model.predict(mels, np.ascontiguousarray(faces))
        for mouth in mouths:
            frame = image.copy()
            frame[box.top : box.bottom, box.left : box.right] = _blend(
                region, mouth, mask, model.channel_order
            )
            yield frame


def _sync_batch(
    batch: list[tuple[int, Frame, FaceBox]],
    audio: FloatArray,
    sample_rate: int,
    fps: float,
    model: Wav2LipModel,
    opts: LipSyncOptions,
) -> Iterator[Frame]:
    if not batch:
        return
    first, stop = batch[0][0], batch[-1][0] + 1
    windows = frame_windows(audio, sample_rate, fps, first, stop)
    mels = windows[[index - first for index, _, _ in batch]]
    faces = np.stack([_face_input(frame, box, model.channel_order) for _, frame, box in batch])
    mouths = model.predict(mels, faces)
    for (_, frame, box), mouth in zip(batch, mouths, strict=True):
        out = frame.copy()
        region = frame[box.top : box.bottom, box.left : box.right].astype(np.float32)
        mask = feather_mask(box.width, box.height, opts.mouth_from)
        out[box.top : box.bottom, box.left : box.right] = _blend(
            region, mouth, mask, model.channel_order
        )
        yield out


def _face_input(frame: Frame, box: FaceBox, order: ChannelOrder) -> FloatArray:
    """The (6, 96, 96) face tensor: lower-half-masked crop, then the reference crop."""
    crop = frame[box.top : box.bottom, box.left : box.right]
    shrinking = box.width > FACE_SIZE_PX or box.height > FACE_SIZE_PX
    resized = cv2.resize(
        crop,
        (FACE_SIZE_PX, FACE_SIZE_PX),
        interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR,
    )
    if order == "bgr":
        resized = resized[:, :, ::-1]
    reference = resized.transpose(2, 0, 1).astype(np.float32) / 255.0
    masked = reference.copy()
    masked[:, FACE_SIZE_PX // 2 :, :] = 0.0
    return np.concatenate([masked, reference], axis=0)


def _blend(
    region: FloatArray, mouth: FloatArray, mask: FloatArray, order: ChannelOrder
) -> npt.NDArray[np.uint8]:
    """The face region with the generated face (3, 96, 96 in [0, 1]) feathered in."""
    height, width = region.shape[:2]
    generated = mouth.transpose(1, 2, 0) * 255.0
    if order == "bgr":
        generated = generated[:, :, ::-1]
    resized = np.asarray(
        cv2.resize(np.ascontiguousarray(generated), (width, height), interpolation=cv2.INTER_CUBIC),
        dtype=np.float32,
    )
    mixed = region + (resized - region) * mask
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
