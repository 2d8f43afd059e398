"""Lip-sync with MuseTalk 1.5 (MIT code, weights free for commercial use), streamed in batches.

Per video frame: the face crop (pipeline.lipsync.musetalk_face) at 256x256 is encoded by the
VAE twice, with its lower half blanked and whole (the reference); the two latents (8
channels) and the frame's audio tokens (pipeline.lipsync.musetalk_audio) go through the UNet
once at timestep 0; its latent is decoded and the mouth and jaw are blended back. No noise is
drawn (the VAE's mean is used), so the same inputs always give the same frames.

Frames go through in batches (DEFAULT_BATCH_SIZE); progress is reported after each batch of a
still, and a progress callback that raises (RenderCancelled) stops between batches. CUDA out
of memory is caught once: the cache is emptied and the batch retried in halves (the smaller
size is kept); a second failure leaves the rest of the shot without lip-sync and on_note says
why. The entry points mirror pipeline.lipsync.wav2lip's: lipsync_still() and lipsync_video().
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.faces import fill_gaps, smooth_boxes
from pipeline.lipsync.mel import to_mono
from pipeline.lipsync.musetalk_audio import SAMPLE_RATE_HZ, SpeechFeatures
from pipeline.lipsync.musetalk_face import (
    CROP_SIDE_PX,
    FaceCrop,
    blend_face,
    crop_face,
    find_face,
)
from pipeline.lipsync.musetalk_model import LoadedMuseTalk, load_musetalk
from pipeline.lipsync.wav2lip import LipSyncOptions, frames_to_cover
from pipeline.media.resample import resample_poly
from pipeline.neural.face_detector import FaceBox
from pipeline.neural.torch_device import free_cuda, is_out_of_memory
from pipeline.types import AudioArray, Frame, ProgressCallback, no_progress

if TYPE_CHECKING:
    import torch

STAGE = "lipsync"
NAME = "musetalk-1.5"
NoteCallback = Callable[[str], None]
Crops = npt.NDArray[np.uint8]

logger = logging.getLogger(__name__)


def log_note(message: str) -> None:
    """The default note callback: a warning in the pipeline.lipsync.musetalk log."""
    logger.warning("%s", message)


class MuseTalkModel:
    """Loaded MuseTalk networks: latents() encodes face crops, mouths() makes new faces."""

    name = NAME

    def __init__(self, loaded: LoadedMuseTalk) -> None:
        self.loaded = loaded

    @classmethod
    def load(cls, folder: Path, device: str | None = None) -> MuseTalkModel:
        """MuseTalk from MODEL_DIR/musetalk (cached per process and device)."""
        return cls(load_musetalk(folder, device))

    @property
    def device(self) -> str:
        """ "cuda" or "cpu"."""
        return self.loaded.device

    def latents(self, crops: Crops) -> torch.Tensor:
        """(B, 8, 32, 32) UNet input for (B, 256, 256, 3) RGB crops: the latent of each crop
        with its lower half blanked, then the latent of the whole crop."""
        import torch

        loaded = self.loaded
        pixels = torch.from_numpy(np.ascontiguousarray(crops)).to(loaded.device)
        whole = pixels.permute(0, 3, 1, 2).to(loaded.dtype) / 127.5 - 1.0
        masked = whole.clone()
        masked[:, :, CROP_SIDE_PX // 2 :, :] = -1.0  # black in [-1, 1]
        with loaded.lock, torch.inference_mode():
            encoded = loaded.vae.encode(torch.cat([masked, whole])).latent_dist.mode()
        encoded = encoded * loaded.scaling
        count = len(crops)
        return torch.cat([encoded[:count], encoded[count:]], dim=1)

    def mouths(self, latents: torch.Tensor, audio: torch.Tensor) -> Crops:
        """(B, 256, 256, 3) RGB faces with a mouth for the audio tokens (B, tokens, width)."""
        import torch

        loaded = self.loaded
        with loaded.lock, torch.inference_mode():
            timestep = torch.zeros((), device=loaded.device)
            predicted = loaded.unet(latents, timestep, encoder_hidden_states=audio).sample
            images = loaded.vae.decode(predicted / loaded.scaling).sample
        images = torch.nan_to_num((images.float() + 1.0) * 127.5).clamp(0, 255)
        return np.asarray(images.round().permute(0, 2, 3, 1).cpu().numpy(), dtype=np.uint8)


@dataclass
class _Run:
    """One shot's lip-sync: the model, its audio, the batch size in use, whether it gave up."""

    model: MuseTalkModel
    speech: SpeechFeatures
    fps: float
    batch_size: int
    on_note: NoteCallback
    failed: bool = False

    def faces(
        self, indices: Sequence[int], latents: Callable[[int, int], torch.Tensor]
    ) -> Crops | None:
        """The generated faces for these frame indices (latents(first, stop) gives the UNet
        input of positions first to stop), or None once out of memory twice."""
        if self.failed:
            return None
        try:
            return self._generate(indices, latents(0, len(indices)))
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            free_cuda()
        smaller = max(1, len(indices) // 2)
        try:
            parts = [
                self._generate(indices[first : first + smaller], latents(first, first + smaller))
                for first in range(0, len(indices), smaller)
            ]
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            free_cuda()
            self.failed = True
            self.on_note(
                f"MuseTalk ran out of GPU memory even with {smaller} frames a batch; the rest "
                "of the shot is shown without lip-sync."
            )
            return None
        self.batch_size = smaller
        return np.concatenate(parts)

    def _generate(self, indices: Sequence[int], latents: torch.Tensor) -> Crops:
        audio = self.speech.windows(indices, self.fps)
        return self.model.mouths(latents, audio)


def _speech(model: MuseTalkModel, audio: AudioArray, sample_rate: int) -> SpeechFeatures:
    """The audio's features, resampled to whisper's 16 kHz first when needed (a shot's speech;
    a long video's audio comes at 16 kHz already and is read through its memory map)."""
    mono = to_mono(audio)
    if sample_rate <= 0:
        raise ValueError(f"Sample rate must be positive, not {sample_rate}.")
    if sample_rate != SAMPLE_RATE_HZ:
        common = gcd(sample_rate, SAMPLE_RATE_HZ)
        resampled = resample_poly(mono, SAMPLE_RATE_HZ // common, sample_rate // common)
        mono = np.asarray(resampled, dtype=np.float32)
    return SpeechFeatures(model.loaded, mono)


def lipsync_still(
    image: Frame,
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: MuseTalkModel,
    n_frames: int | None = None,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
    progress: ProgressCallback = no_progress,
) -> Iterator[Frame]:
    """Frames of a still RGB image speaking the audio: n_frames (default: enough for the
    audio) RGB uint8 frames at the image's size. The face is found once, now; without one
    the image comes back unchanged and on_note says why."""
    opts = options or LipSyncOptions()
    speech = _speech(model, audio, sample_rate)
    total = frames_to_cover(speech.samples / SAMPLE_RATE_HZ, fps) if n_frames is None else n_frames
    crop = find_face(image, opts.padding)
    if crop is None:
        height, width = image.shape[:2]
        on_note(
            f"No face was found in the {width}x{height} character image; "
            "its shot is shown without lip-sync."
        )
        return _unchanged(image, total)
    run = _Run(model, speech, fps, opts.batch_size, on_note)
    return _still_frames(image, crop, run, total, progress)


def _unchanged(image: Frame, count: int) -> Iterator[Frame]:
    frozen = np.array(image, dtype=np.uint8, copy=True)
    frozen.flags.writeable = False
    for _ in range(count):
        yield frozen


def _still_frames(
    image: Frame, crop: FaceCrop, run: _Run, total: int, progress: ProgressCallback
) -> Iterator[Frame]:
    reference = run.model.latents(crop_face(image, crop.box)[None])
    first = 0
    while first < total:
        stop = min(first + run.batch_size, total)
        indices = list(range(first, stop))
        faces = run.faces(indices, lambda a, b: reference.expand(b - a, -1, -1, -1))
        for face in faces if faces is not None else ():
            yield blend_face(image, crop, face)
        if faces is None:
            yield from _unchanged(image, total - first)
            return
        first = stop
        progress(STAGE, first / total)


def lipsync_video(
    frames: Iterable[Frame],
    audio: AudioArray,
    sample_rate: int,
    fps: float,
    model: MuseTalkModel,
    options: LipSyncOptions | None = None,
    on_note: NoteCallback = log_note,
) -> Iterator[Frame]:
    """Each RGB frame of a video with its mouth re-synced to the audio (frame i hears the
    audio at i / fps). Faces are found every options.detect_every frames, held through short
    gaps and smoothed; frames without a face pass through unchanged and on_note says how many
    there were at the end."""
    opts = options or LipSyncOptions()
    run = _Run(model, _speech(model, audio, sample_rate), fps, opts.batch_size, on_note)
    counts = {"frames": 0, "without_face": 0}
    masks: dict[int, FaceCrop] = {}

    def detected() -> Iterator[tuple[tuple[int, Frame], FaceBox | None]]:
        found: FaceCrop | None = None
        shape: tuple[int, ...] = ()
        for index, frame in enumerate(frames):
            counts["frames"] += 1
            if index % max(1, opts.detect_every) == 0 or frame.shape != shape:
                found, shape = find_face(frame, opts.padding), frame.shape
            if found is not None:
                masks[index] = found
            yield (index, frame), found.box if found is not None else None

    batch: list[tuple[int, Frame, FaceCrop]] = []
    last_mask: FaceCrop | None = None
    for (index, frame), box in smooth_boxes(fill_gaps(detected()), opts.smoothing_frames):
        last_mask = masks.pop(index, last_mask)
        if box is not None and last_mask is not None:
            batch.append((index, frame, FaceCrop(box, last_mask.mask)))
            if len(batch) >= run.batch_size:
                yield from _sync_batch(batch, run)
                batch = []
            continue
        yield from _sync_batch(batch, run)
        batch = []
        counts["without_face"] += 1
        yield frame
    yield from _sync_batch(batch, run)
    _report_faces(counts["frames"], counts["without_face"], on_note)


def _sync_batch(batch: list[tuple[int, Frame, FaceCrop]], run: _Run) -> Iterator[Frame]:
    if not batch:
        return
    crops = np.stack([crop_face(frame, crop.box) for _, frame, crop in batch])
    faces = run.faces([i for i, _, _ in batch], lambda a, b: run.model.latents(crops[a:b]))
    for number, (_, frame, crop) in enumerate(batch):
        yield frame if faces is None else blend_face(frame, crop, faces[number])


def _report_faces(frames: int, without_face: int, on_note: NoteCallback) -> None:
    if frames and without_face == frames:
        on_note(
            f"No face was detected in any of the video's {frames} frames; "
            "the video is returned without lip-sync."
        )
    elif without_face:
        on_note(
            f"No face was detected in {without_face} of the video's {frames} frames; "
            "those frames are unchanged."
        )


def load_or_raise(folder: Path, device: str | None) -> MuseTalkModel:
    """MuseTalkModel.load, with BackendUnavailableError for any failure to load."""
    try:
        return MuseTalkModel.load(folder, device)
    except BackendUnavailableError:
        raise
    except (ImportError, OSError, RuntimeError) as error:
        raise BackendUnavailableError(f"MuseTalk cannot be loaded ({error}).") from error
