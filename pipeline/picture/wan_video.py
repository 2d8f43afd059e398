"""Animated shots with Wan2.2 image-to-video (TI2V-5B; I2V-A14B on 80 GB cards) on diffusers.

The pipeline is loaded once per process from a local diffusers folder (bf16 on a GPU, fp32 on
the CPU) and kept warm; calls are serialised per pipeline. The transformer is built from its
config and its (possibly sharded) safetensors are loaded here, and the prompt is encoded here
with the folder's own tokenizer and UMT5 encoder, so neither accelerate nor ftfy is needed.

A shot is planned like an SVD shot (image_to_video.plan_shot): clips of 4k+1 frames at 24 fps,
chained from the previous clip's last frame, then blended in time to the film rate and
cover-resized, so the shot has exactly round(duration_s * fps) frames. Progress is reported
after every denoising step (a callback that raises RenderCancelled stops between steps). CUDA
out of memory is caught once: the cache is emptied and the clip is retried with about half the
frames; a second failure raises BackendUnavailableError so the stage falls back with a warning.

Public API (model_dir = the registry's wan2.2-ti2v-5b folder under MODEL_DIR):
    missing_files(model_dir) -> list[str]                     # empty: complete
    load_pipeline(model_dir, device=None) -> LoadedWan        # cached per process
    animate_shot(model_dir, image, duration_s, video_format, seed, settings, device, progress)
        -> AnimatedShot(plan, frames)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from pipeline.errors import BackendUnavailableError
from pipeline.media.images import load_rgb
from pipeline.neural.torch_device import Device, free_cuda, is_out_of_memory, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete
from pipeline.picture.image_to_video import DEFAULT_SETTINGS as SVD_DEFAULTS
from pipeline.picture.image_to_video import (
    AnimatedShot,
    ShotPlan,
    VideoSettings,
    dtype_keyword,
    fit_image,
    plan_shot,
    shot_frames,
)
from pipeline.types import Frame, ProgressCallback, VideoFormat, no_progress

if TYPE_CHECKING:
    import torch

STAGE = "visuals"
TEMPORAL_STRIDE = 4
"""Wan's VAE compresses 4 frames into one latent frame: a clip has 4k + 1 frames."""
MIN_CLIP_FRAMES = 5
TRANSFORMER_WEIGHTS = "diffusion_pytorch_model"
_REQUIRED_FILES: tuple[tuple[str, ...], ...] = (
    ("model_index.json",),
    ("scheduler/scheduler_config.json",),
    ("tokenizer/tokenizer_config.json",),
    ("text_encoder/config.json",),
    ("vae/config.json",),
    ("transformer/config.json",),
    ("vae/diffusion_pytorch_model.safetensors",),
    (
        f"transformer/{TRANSFORMER_WEIGHTS}.safetensors",
        f"transformer/{TRANSFORMER_WEIGHTS}.safetensors.index.json",
    ),
    ("text_encoder/model.safetensors", "text_encoder/model.safetensors.index.json"),
)


@dataclass(frozen=True)
class WanSettings:
    """How Wan clips are generated. Defaults suit Wan2.2 TI2V-5B (121 frames, 24 fps, 720p)."""

    num_frames: int = 121
    steps: int = 50
    guidance_scale: float = 5.0
    prompt: str = "a slow cinematic camera move, natural motion, film still come to life"
    max_text_tokens: int = 512
    model_fps: int = 24
    pixel_area: int = 1280 * 704
    size_multiple: int = 32
    """VAE spatial factor 16 x transformer patch 2."""
    max_clips: int = 2
    loop_crossfade_s: float = 0.5

    def video(self, num_frames: int | None = None) -> VideoSettings:
        """The shot-planning settings these imply (shared with the SVD backend)."""
        return VideoSettings(
            num_frames=num_frames or self.num_frames,
            steps=self.steps,
            model_fps=self.model_fps,
            pixel_area=self.pixel_area,
            size_multiple=self.size_multiple,
            max_clips=self.max_clips,
            loop_crossfade_s=self.loop_crossfade_s,
        )


DEFAULT_SETTINGS = WanSettings()


@dataclass(frozen=True, eq=False)
class LoadedWan:
    """The pipeline loaded once per process; never changed after loading."""

    pipeline: Any
    device: Device
    lock: threading.Lock = field(default_factory=threading.Lock)


_LOAD_LOCK = threading.Lock()


def missing_files(model_dir: Path) -> list[str]:
    """Files a Wan diffusers folder lacks (empty list: complete)."""
    return missing_alternatives(model_dir, _REQUIRED_FILES)


def clip_frames(requested: int) -> int:
    """The nearest valid Wan clip length at or below requested (4k + 1, at least 5)."""
    return max(MIN_CLIP_FRAMES, (requested - 1) // TEMPORAL_STRIDE * TEMPORAL_STRIDE + 1)


def reduced_frames(frames: int) -> int:
    """The clip length of the out-of-memory retry: about half, still 4k + 1."""
    return clip_frames(max(MIN_CLIP_FRAMES, frames // 2 + 1))


def wan_dtype(device: Device) -> torch.dtype:
    """bfloat16 on a GPU (Wan is trained in bf16), float32 on the CPU."""
    import torch

    return torch.bfloat16 if device == "cuda" else torch.float32


def load_pipeline(model_dir: Path, device: str | None = None) -> LoadedWan:
    """Load the Wan pipeline from a local folder once per process and keep it warm."""
    require_complete(model_dir, missing_files(model_dir), "Wan2.2 image-to-video")
    with _LOAD_LOCK:
        return _load_cached(model_dir.resolve(), select_device(device))


def transformer_state(folder: Path) -> dict[str, Any]:
    """The transformer's weights from one safetensors file or a sharded index."""
    from safetensors.torch import load_file

    single = folder / f"{TRANSFORMER_WEIGHTS}.safetensors"
    if single.is_file():
        return load_file(single)
    index = json.loads((folder / f"{TRANSFORMER_WEIGHTS}.safetensors.index.json").read_text())
    state: dict[str, Any] = {}
    for shard in sorted(set(index["weight_map"].values())):
        state.update(load_file(folder / shard))
    return state


def _load_transformer(folder: Path, dtype: torch.dtype) -> Any:
    from diffusers import WanTransformer3DModel

    model_class: Any = WanTransformer3DModel  # diffusers is untyped here
    model: Any = model_class.from_config(model_class.load_config(folder))
    model.load_state_dict(transformer_state(folder), strict=True)
    return model.to(dtype=dtype).eval()


@cache
def _load_cached(model_dir: Path, device: Device) -> LoadedWan:
    from diffusers import WanImageToVideoPipeline

    dtype = wan_dtype(device)
    extra: dict[str, Any] = {"transformer": _load_transformer(model_dir / "transformer", dtype)}
    if (model_dir / "transformer_2" / "config.json").is_file():  # I2V-A14B: two experts
        extra["transformer_2"] = _load_transformer(model_dir / "transformer_2", dtype)
    pipeline_class: Any = WanImageToVideoPipeline
    pipeline: Any = pipeline_class.from_pretrained(
        model_dir, local_files_only=True, **{dtype_keyword(): dtype}, **extra
    )
    pipeline.vae.to(dtype=torch_float32())  # the Wan VAE decodes in fp32 (bf16 bands)
    pipeline = pipeline.to(device)
    pipeline.set_progress_bar_config(disable=True)
    return LoadedWan(pipeline=pipeline, device=device)


def torch_float32() -> torch.dtype:
    """torch.float32, imported lazily."""
    import torch

    return torch.float32


def encode_prompt(loaded: LoadedWan, text: str, max_tokens: int) -> torch.Tensor:
    """UMT5 embeddings of text, zeroed past its last token (as Wan was trained)."""
    import torch

    pipeline = loaded.pipeline
    limit = min(max_tokens, int(pipeline.tokenizer.model_max_length))
    tokens = pipeline.tokenizer(
        [text],
        padding="max_length",
        max_length=limit,
        truncation=True,
        add_special_tokens=True,
        return_attention_mask=True,
        return_tensors="pt",
    )
    ids = tokens.input_ids.to(loaded.device)
    mask = tokens.attention_mask.to(loaded.device)
    with torch.inference_mode():
        hidden: torch.Tensor = pipeline.text_encoder(ids, mask).last_hidden_state.clone()
        hidden[:, int(mask.sum()) :] = 0
        return hidden.to(dtype=pipeline.transformer.dtype)


def animate_clip(
    loaded: LoadedWan,
    image: Frame,
    plan: ShotPlan,
    clip: int,
    settings: WanSettings = DEFAULT_SETTINGS,
    progress: ProgressCallback = no_progress,
) -> list[Frame]:
    """Generate one clip (plan.frames_per_clip RGB uint8 frames at the generation size) from an
    image already at the generation size, reporting progress after every step."""
    import torch

    pipeline = loaded.pipeline
    clips = len(plan.seeds)

    def step_done(_pipe: Any, step: int, _timestep: Any, tensors: dict[str, Any]) -> Any:
        progress(STAGE, min(1.0, (clip + (step + 1) / plan.steps) / clips))
        return tensors

    generator = torch.Generator(device="cpu").manual_seed(plan.seeds[clip])
    with loaded.lock:
        positive = encode_prompt(loaded, settings.prompt, settings.max_text_tokens)
        negative = encode_prompt(loaded, "", settings.max_text_tokens)
        with torch.inference_mode():
            result = pipeline(
                image=Image.fromarray(image),
                prompt_embeds=positive,
                negative_prompt_embeds=negative,
                height=plan.height,
                width=plan.width,
                num_frames=plan.frames_per_clip,
                num_inference_steps=plan.steps,
                guidance_scale=settings.guidance_scale,
                generator=generator,
                output_type="np",
                callback_on_step_end=step_done,
            )
    frames = np.nan_to_num(np.asarray(result.frames[0], dtype=np.float32), nan=0.0)
    return [np.clip(frame * 255.0 + 0.5, 0, 255).astype(np.uint8) for frame in frames]


def generate_sequence(
    loaded: LoadedWan,
    image: Frame,
    plan: ShotPlan,
    settings: WanSettings = DEFAULT_SETTINGS,
    progress: ProgressCallback = no_progress,
) -> tuple[ShotPlan, list[Frame]]:
    """All clips of a shot chained (each starts from the previous clip's last frame). On CUDA
    out of memory the whole shot is retried once with about half the frames per clip; the plan
    actually used is returned with the frames."""
    try:
        return plan, _chain(loaded, image, plan, settings, progress)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        free_cuda()
    smaller = replace(plan, frames_per_clip=reduced_frames(plan.frames_per_clip))
    try:
        return smaller, _chain(loaded, image, smaller, settings, progress)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        free_cuda()
        raise BackendUnavailableError(
            f"Wan2.2 ran out of GPU memory at {plan.width}x{plan.height} even with "
            f"{smaller.frames_per_clip} frames per clip."
        ) from error


def _chain(
    loaded: LoadedWan,
    image: Frame,
    plan: ShotPlan,
    settings: WanSettings,
    progress: ProgressCallback,
) -> list[Frame]:
    sequence: list[Frame] = []
    start = image
    for clip in range(len(plan.seeds)):
        frames = animate_clip(loaded, start, plan, clip, settings, progress)
        sequence.extend(frames if clip == 0 else frames[1:])
        start = frames[-1]
    return sequence


def animate_shot(
    model_dir: Path,
    image: Path | Frame,
    duration_s: float,
    video_format: VideoFormat,
    seed: int,
    settings: WanSettings = DEFAULT_SETTINGS,
    device: str | None = None,
    progress: ProgressCallback = no_progress,
) -> AnimatedShot:
    """Animate one image over a shot: exactly round(duration_s * fps) RGB uint8 frames at the
    output size, generated when first read. Raises BackendUnavailableError (weights missing,
    out of GPU memory twice) or InputError (bad image)."""
    loaded = load_pipeline(model_dir, device)
    picture = load_rgb(image) if isinstance(image, Path) else image
    video = settings.video(clip_frames(settings.num_frames))
    plan = plan_shot(duration_s, video_format, seed, clip_frames(settings.num_frames), video)
    start = fit_image(picture, plan.width, plan.height, video.fit)

    def frames() -> Iterator[Frame]:
        used, sequence = generate_sequence(loaded, start, plan, settings, progress)
        yield from shot_frames(sequence, used, video_format, video)

    return AnimatedShot(plan=plan, frames=frames())


def is_wan_folder(model_dir: Path) -> bool:
    """True when model_dir's model_index.json names a Wan pipeline class."""
    index = model_dir / "model_index.json"
    if not index.is_file():
        return False
    try:
        name = json.loads(index.read_text(encoding="utf-8")).get("_class_name", "")
    except (OSError, ValueError):
        return False
    return isinstance(name, str) and name.startswith("Wan")


def settings_from(video: VideoSettings) -> WanSettings:
    """Wan settings for a render's image-to-video settings: its steps and clip count always;
    its clip length, pixel area and size multiple where they differ from SVD's defaults."""
    svd = SVD_DEFAULTS
    return replace(
        DEFAULT_SETTINGS,
        steps=video.steps,
        max_clips=video.max_clips,
        num_frames=clip_frames(video.num_frames or DEFAULT_SETTINGS.num_frames),
        pixel_area=(
            video.pixel_area if video.pixel_area != svd.pixel_area else DEFAULT_SETTINGS.pixel_area
        ),
        size_multiple=(
            -(-video.size_multiple // DEFAULT_SETTINGS.size_multiple)
            * DEFAULT_SETTINGS.size_multiple
            if video.size_multiple != svd.size_multiple
            else DEFAULT_SETTINGS.size_multiple
        ),
    )
