"""Animated shots with a diffusers image-to-video pipeline (Stable Video Diffusion).

The pipeline is loaded once per process from a local ``save_pretrained`` folder (fp16 on a GPU,
fp32 on the CPU) and never changed by a job: each call runs on a shallow copy that shares the
loaded models but has its own scheduler, and calls are serialised per pipeline.

A shot becomes frames like this: the image is fitted (cover-cropped or letterboxed) to the
generation size, a clip of N frames is generated from it with a recorded seed; a longer shot
chains more clips, each started from the previous clip's last frame, up to ``max_clips``;
beyond that the frames loop with a crossfade at the wrap. The model's frames (at ``model_fps``)
are blended in time to the film's frame rate and resized to the output size, one frame at a
time, so a shot never holds more than its generated clips in memory.

Public API (what the visuals stage calls; model_dir = default_folder(MODEL_DIR)):
    missing_files(model_dir) -> list[str]                            # empty: complete
    load_pipeline(model_dir, device=None) -> LoadedVideoPipeline     # cached per process
    plan_shot(duration_s, video_format, seed, frames_per_clip, settings) -> ShotPlan
    animate_shot(model_dir, image, duration_s, video_format, seed, settings, device)
        -> AnimatedShot(plan, frames)   # raises BackendUnavailableError at call time
    animate_clip(loaded, image, plan, clip) -> list[Frame]   # one clip at generation size
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from pipeline.errors import InputError
from pipeline.media.images import load_rgb
from pipeline.neural.torch_device import Device, dtype_for, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete
from pipeline.types import Frame, VideoFormat

Fit = Literal["cover", "contain"]

FP16_VARIANT = "fp16"
DIFFUSERS_DTYPE_VERSION = "0.42"
"""First diffusers release known here to take from_pretrained(dtype=...) (older: torch_dtype)."""
_COMPONENT_WEIGHTS = {
    "unet": "diffusion_pytorch_model",
    "vae": "diffusion_pytorch_model",
    "image_encoder": "model",
}
_REQUIRED_FILES: tuple[tuple[str, ...], ...] = (
    ("model_index.json",),
    ("feature_extractor/preprocessor_config.json",),
    ("scheduler/scheduler_config.json",),
    *((f"{part}/config.json",) for part in _COMPONENT_WEIGHTS),
    *(
        (
            f"{part}/{stem}.safetensors",
            f"{part}/{stem}.{FP16_VARIANT}.safetensors",
            f"{part}/{stem}.bin",
        )
        for part, stem in _COMPONENT_WEIGHTS.items()
    ),
)

FloatFrame = npt.NDArray[np.float32]


@dataclass(frozen=True)
class VideoSettings:
    """How clips are generated and stretched over a shot. Defaults suit SVD img2vid(-xt)."""

    num_frames: int | None = None
    """Frames per clip; None uses the model's own (14 for img2vid, 25 for img2vid-xt)."""
    steps: int = 25
    model_fps: int = 7
    """Frame rate of the generated frames (and SVD's fps conditioning)."""
    motion_bucket_id: int = 127
    noise_aug_strength: float = 0.02
    min_guidance_scale: float = 1.0
    max_guidance_scale: float = 3.0
    decode_chunk_size: int = 8
    pixel_area: int = 1024 * 576
    """Pixels of the generation size (SVD was trained at 1024x576); the aspect follows the film."""
    size_multiple: int = 64
    max_clips: int = 2
    """Clips chained for one shot; a longer shot loops them with a crossfade."""
    loop_crossfade_s: float = 0.5
    fit: Fit = "cover"
    """How the image fills the frame: cover (crop the overflow) or contain (letterbox)."""


DEFAULT_SETTINGS = VideoSettings()


@dataclass(frozen=True)
class ShotPlan:
    """Everything needed to reproduce a shot's animation; recorded in the render report."""

    seeds: tuple[int, ...]
    """One seed per generated clip, in order."""
    width: int
    height: int
    """Generation size."""
    frames_per_clip: int
    output_frames: int
    fps: int
    model_fps: int
    steps: int
    loops: bool
    """True when the shot is longer than its clips and the frames loop."""

    def record(self) -> dict[str, object]:
        """The plan as plain JSON-ready values."""
        values = asdict(self)
        values["seeds"] = list(self.seeds)
        return values


@dataclass(frozen=True, eq=False)
class LoadedVideoPipeline:
    """The pipeline loaded once per process; never changed after loading."""

    pipeline: Any
    device: Device
    default_frames: int
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class AnimatedShot:
    """A shot's plan (seeds etc.) and its frames, generated lazily at the output size."""

    plan: ShotPlan
    frames: Iterator[Frame]


_LOAD_LOCK = threading.Lock()


def default_folder(model_dir: Path) -> Path:
    """The registry's image-to-video folder under MODEL_DIR (SVD img2vid-xt, 25 frames)."""
    from pipeline.neural.registry import SVD_IMG2VID_XT, model_path

    return model_path(SVD_IMG2VID_XT, model_dir)


def missing_files(model_dir: Path) -> list[str]:
    """Files an image-to-video folder lacks (empty list: complete)."""
    return missing_alternatives(model_dir, _REQUIRED_FILES)


def _variant(model_dir: Path, device: Device) -> str | None:
    """Load the fp16 weight files when they are the ones present, or when running on a GPU."""
    fp16 = model_dir / "unet" / f"diffusion_pytorch_model.{FP16_VARIANT}.safetensors"
    full = model_dir / "unet" / "diffusion_pytorch_model.safetensors"
    if fp16.is_file() and (device == "cuda" or not full.is_file()):
        return FP16_VARIANT
    return None


def load_pipeline(model_dir: Path, device: str | None = None) -> LoadedVideoPipeline:
    """Load the pipeline from a local folder once per process (fp16 on GPU, fp32 on CPU)."""
    require_complete(model_dir, missing_files(model_dir), "Image-to-video")
    with _LOAD_LOCK:
        return _load_cached(model_dir.resolve(), select_device(device))


@cache
def _load_cached(model_dir: Path, device: Device) -> LoadedVideoPipeline:
    from diffusers import StableVideoDiffusionPipeline

    dtype_argument = {dtype_keyword(): dtype_for(device)}
    pipeline_class: Any = StableVideoDiffusionPipeline  # diffusers is untyped here
    pipeline: Any = pipeline_class.from_pretrained(
        model_dir, variant=_variant(model_dir, device), local_files_only=True, **dtype_argument
    )
    pipeline = pipeline.to(device)
    return LoadedVideoPipeline(
        pipeline=pipeline, device=device, default_frames=int(pipeline.unet.config.num_frames)
    )


def dtype_keyword() -> str:
    """diffusers renamed from_pretrained's torch_dtype to dtype (0.42 takes dtype)."""
    import diffusers
    from packaging.version import Version

    return (
        "dtype"
        if Version(diffusers.__version__) >= Version(DIFFUSERS_DTYPE_VERSION)
        else "torch_dtype"
    )


def generation_size(
    width: int, height: int, settings: VideoSettings = DEFAULT_SETTINGS
) -> tuple[int, int]:
    """The generation size: the film's aspect, about settings.pixel_area pixels, each side a
    multiple of settings.size_multiple (1024x576 for 16:9, 576x1024 for 9:16, 768x768 for 1:1)."""
    aspect = width / height
    step = settings.size_multiple
    gen_width = max(step, round(math.sqrt(settings.pixel_area * aspect) / step) * step)
    gen_height = max(step, round(math.sqrt(settings.pixel_area / aspect) / step) * step)
    return gen_width, gen_height


def shot_seed(film_seed: int, shot_index: int) -> int:
    """The seed of one animated shot, derived from the film's seed and the shot's index."""
    return int(np.random.SeedSequence([film_seed & 0xFFFFFFFF, shot_index]).generate_state(1)[0])


def clip_seed(seed: int, clip: int) -> int:
    """The seed of one clip of a shot, derived from the shot's seed."""
    return int(np.random.SeedSequence([seed, clip]).generate_state(1)[0])


def _sequence_length(frames_per_clip: int, clips: int) -> int:
    # A chained clip starts from the previous clip's last frame, so its first frame is dropped.
    return frames_per_clip + (clips - 1) * (frames_per_clip - 1)


def plan_shot(
    duration_s: float,
    video_format: VideoFormat,
    seed: int,
    frames_per_clip: int,
    settings: VideoSettings = DEFAULT_SETTINGS,
) -> ShotPlan:
    """How a shot of duration_s will be animated: clip count and seeds, sizes, frame counts."""
    if duration_s <= 0:
        raise InputError(f"A shot must last a positive time, got {duration_s} s.")
    if frames_per_clip < 2:
        raise ValueError("An animated clip needs at least two frames.")
    output_frames = max(1, round(duration_s * video_format.fps))
    last_position = (output_frames - 1) * settings.model_fps / video_format.fps
    clips = 1
    while (
        clips < settings.max_clips and _sequence_length(frames_per_clip, clips) - 1 < last_position
    ):
        clips += 1
    width, height = generation_size(video_format.width, video_format.height, settings)
    return ShotPlan(
        seeds=tuple(clip_seed(seed, clip) for clip in range(clips)),
        width=width,
        height=height,
        frames_per_clip=frames_per_clip,
        output_frames=output_frames,
        fps=video_format.fps,
        model_fps=settings.model_fps,
        steps=settings.steps,
        loops=_sequence_length(frames_per_clip, clips) - 1 < last_position,
    )


def fit_image(image: Frame, width: int, height: int, fit: Fit = "cover") -> Frame:
    """The image resized to exactly width x height: cropped to fill (cover) or letterboxed
    on black (contain), centred."""
    source_height, source_width = image.shape[:2]
    if fit == "cover":
        scale = max(width / source_width, height / source_height)
        crop_w = min(source_width, round(width / scale))
        crop_h = min(source_height, round(height / scale))
        left, top = (source_width - crop_w) // 2, (source_height - crop_h) // 2
        region = image[top : top + crop_h, left : left + crop_w]
        return _resize(region, width, height)
    scale = min(width / source_width, height / source_height)
    inner_w = max(1, min(width, round(source_width * scale)))
    inner_h = max(1, min(height, round(source_height * scale)))
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    left, top = (width - inner_w) // 2, (height - inner_h) // 2
    canvas[top : top + inner_h, left : left + inner_w] = _resize(image, inner_w, inner_h)
    return canvas


def _resize(image: Frame, width: int, height: int) -> Frame:
    if image.shape[1] == width and image.shape[0] == height:
        return image.copy()
    shrinking = width < image.shape[1] and height < image.shape[0]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    resized = cv2.resize(np.ascontiguousarray(image), (width, height), interpolation=interpolation)
    return np.asarray(resized, dtype=np.uint8)


def animate_clip(
    loaded: LoadedVideoPipeline,
    image: Frame,
    plan: ShotPlan,
    clip: int,
    settings: VideoSettings = DEFAULT_SETTINGS,
) -> list[Frame]:
    """Generate one clip (plan.frames_per_clip RGB uint8 frames at the generation size) from an
    image already at the generation size, with the plan's seed for that clip."""
    import torch
    from diffusers import EulerDiscreteScheduler, StableVideoDiffusionPipeline

    base = loaded.pipeline
    scheduler_class: Any = EulerDiscreteScheduler  # diffusers is untyped here
    pipeline_class: Any = StableVideoDiffusionPipeline
    # A private pipeline per call: shares the loaded models, owns its scheduler state.
    scheduler = scheduler_class.from_config(base.scheduler.config)
    pipeline: Any = pipeline_class(**{**base.components, "scheduler": scheduler})
    pipeline.set_progress_bar_config(disable=True)
    # The noise comes from a CPU generator, so a seed gives the same clip on any device.
    generator = torch.Generator(device="cpu").manual_seed(plan.seeds[clip])
    with loaded.lock, torch.inference_mode():
        result = pipeline(
            Image.fromarray(image),
            height=plan.height,
            width=plan.width,
            num_frames=plan.frames_per_clip,
            num_inference_steps=plan.steps,
            fps=plan.model_fps,
            motion_bucket_id=settings.motion_bucket_id,
            noise_aug_strength=settings.noise_aug_strength,
            min_guidance_scale=settings.min_guidance_scale,
            max_guidance_scale=settings.max_guidance_scale,
            decode_chunk_size=settings.decode_chunk_size,
            generator=generator,
            output_type="np",
        )
    frames = np.nan_to_num(np.asarray(result.frames[0], dtype=np.float32), nan=0.0)
    return [np.clip(frame * 255.0 + 0.5, 0, 255).astype(np.uint8) for frame in frames]


def _generate_sequence(
    loaded: LoadedVideoPipeline, image: Frame, plan: ShotPlan, settings: VideoSettings
) -> list[Frame]:
    """All clips of a shot chained: each later clip starts from the previous clip's last frame."""
    sequence: list[Frame] = []
    start = image
    for clip in range(len(plan.seeds)):
        frames = animate_clip(loaded, start, plan, clip, settings)
        sequence.extend(frames if clip == 0 else frames[1:])
        start = frames[-1]
    return sequence


def loop_positions(
    position: float, length: int, crossfade: int, loops: bool
) -> list[tuple[float, float]]:
    """Which generated frames (fractional index, weight) make the frame at `position`.

    Without looping the position is clamped to the last frame (a hold). Looping repeats a
    cycle of length - 1 - crossfade positions; the first `crossfade` positions of each later
    cycle blend from the frames after the cycle's end into its start, so the wrap is seamless.
    """
    last = length - 1
    if not loops or length < 3:
        return [(min(position, last), 1.0)]
    crossfade = max(1, min(crossfade, (length - 1) // 2))
    cycle = last - crossfade
    turn = math.floor(position / cycle)
    offset = position - turn * cycle
    if turn == 0 or offset >= crossfade:
        return [(offset, 1.0)]
    weight = offset / crossfade
    return [(offset + cycle, 1.0 - weight), (offset, weight)]


def _blend(sequence: list[Frame], parts: list[tuple[float, float]]) -> Frame:
    """Mix generated frames at fractional indices (linear between neighbours)."""
    last = len(sequence) - 1
    weighted: list[tuple[int, float]] = []
    for index, weight in parts:
        lower = min(math.floor(index), last)
        fraction = index - lower if lower < last else 0.0
        weighted.append((lower, weight * (1.0 - fraction)))
        if fraction > 0:
            weighted.append((lower + 1, weight * fraction))
    weighted = [(i, w) for i, w in weighted if w > 1e-6]
    if len(weighted) == 1:
        return sequence[weighted[0][0]]
    mixed: FloatFrame = np.zeros(sequence[0].shape, dtype=np.float32)
    for i, w in weighted:
        mixed += sequence[i].astype(np.float32) * np.float32(w)
    blended: Frame = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
    return blended


def shot_frames(
    sequence: list[Frame],
    plan: ShotPlan,
    video_format: VideoFormat,
    settings: VideoSettings = DEFAULT_SETTINGS,
) -> Iterator[Frame]:
    """The shot's output frames: the generated sequence stretched in time to the film rate
    (looping with a crossfade when too short) and cover-resized to the output size."""
    crossfade = round(settings.loop_crossfade_s * plan.model_fps)
    for index in range(plan.output_frames):
        position = index * plan.model_fps / plan.fps
        frame = _blend(sequence, loop_positions(position, len(sequence), crossfade, plan.loops))
        yield fit_image(frame, video_format.width, video_format.height, "cover")


def animate_shot(
    model_dir: Path,
    image: Path | Frame,
    duration_s: float,
    video_format: VideoFormat,
    seed: int,
    settings: VideoSettings = DEFAULT_SETTINGS,
    device: str | None = None,
) -> AnimatedShot:
    """Animate one image over a shot: round(duration_s * fps) RGB uint8 frames at the output
    size, generated when the frames are first read. The plan carries the seeds to record.

    Raises BackendUnavailableError (weights missing) or InputError (bad image) at call time.
    """
    loaded = load_pipeline(model_dir, device)
    picture = load_rgb(image) if isinstance(image, Path) else image
    frames_per_clip = settings.num_frames or loaded.default_frames
    plan = plan_shot(duration_s, video_format, seed, frames_per_clip, settings)
    start = fit_image(picture, plan.width, plan.height, settings.fit)

    def frames() -> Iterator[Frame]:
        sequence = _generate_sequence(loaded, start, plan, settings)
        yield from shot_frames(sequence, plan, video_format, settings)

    return AnimatedShot(plan=plan, frames=frames())
