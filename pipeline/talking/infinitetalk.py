"""Talking characters with InfiniteTalk: one image + a line's speech -> a moving, speaking shot.

The Wan2.1-I2V-14B-480P pipeline (diffusers) is loaded once per process with InfiniteTalk's
audio adapter added to its transformer (bf16 on a GPU, fp32 on the CPU; the VAE decodes in
fp32), and the wav2vec2 speech encoder beside it. A shot is planned like a Wan shot: clips of
4k + 1 frames at 25 fps (InfiniteTalk's rate), each clip starting from the previous clip's last
frame and hearing its own stretch of the speech, as many clips as the line needs (up to
max_clips), then blended to the film rate and cover-resized: exactly round(duration_s * fps)
frames. Sampling uses InfiniteTalk's two guidance scales (text, audio: three passes a step).
Progress is reported after every step (a callback that raises RenderCancelled stops between
steps); CUDA out of memory is retried once with about half the frames per clip, then raises
BackendUnavailableError so the stage falls back with a warning.

As in InfiniteTalk, the first latent frame is held at the image's own latents at every step.
Differences from its sampler: diffusers' flow scheduler instead of its Euler loop, later clips
condition on one frame (not 9 motion frames), and the studio's own short negative prompt.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.mel import to_mono
from pipeline.media.images import load_rgb
from pipeline.media.loudness import LoudnessMeter
from pipeline.media.resample import resample_poly
from pipeline.neural.torch_device import Device, free_cuda, is_out_of_memory, select_device
from pipeline.neural.weight_files import require_complete
from pipeline.picture import wan_video
from pipeline.picture.image_to_video import (
    AnimatedShot,
    ShotPlan,
    clip_seed,
    dtype_keyword,
    fit_image,
    plan_shot,
    shot_frames,
)
from pipeline.talking import model_files
from pipeline.talking.audio_adapter import attach_adapter, latent_windows
from pipeline.talking.audio_forward import talking_forward
from pipeline.talking.settings import DEFAULT_SETTINGS, TalkSettings
from pipeline.talking.speech_features import (
    SPEECH_RATE,
    SpeechEncoder,
    frame_features,
    frame_windows,
    load_speech_encoder,
)
from pipeline.types import AudioArray, Frame, ProgressCallback, VideoFormat, no_progress

STAGE = "lipsync"
SPEECH_LUFS = -23.0
"""Integrated loudness the speech is brought to before encoding (InfiniteTalk's)."""


@dataclass(frozen=True, eq=False)
class LoadedTalker:
    """The pipeline with the adapter and the speech encoder; never changed after loading."""

    pipeline: Any
    speech: SpeechEncoder
    device: Device
    lock: threading.Lock = field(default_factory=threading.Lock)


_LOAD_LOCK = threading.Lock()


def missing_files(model_dir: Path) -> list[str]:
    """Files the InfiniteTalk folder lacks (empty list: complete)."""
    return model_files.missing_files(model_dir)


def load_talker(model_dir: Path, device: str | None = None) -> LoadedTalker:
    """Load InfiniteTalk from its folder once per process and keep it warm."""
    require_complete(model_dir, missing_files(model_dir), "InfiniteTalk")
    with _LOAD_LOCK:
        return _load_cached(model_dir.resolve(), select_device(device))


def _load_transformer(model_dir: Path, speech_config: Any, dtype: torch.dtype) -> Any:
    """Wan2.1's transformer with the adapter attached and every weight loaded (strictly);
    BackendUnavailableError when the adapter does not fit the base or the speech encoder."""
    from diffusers import WanTransformer3DModel

    folder = model_files.wan_folder(model_dir) / "transformer"
    model_class: Any = WanTransformer3DModel  # diffusers is untyped here
    model: Any = model_class.from_config(model_class.load_config(folder))
    adapter = model_files.adapter_state(model_files.adapter_file(model_dir))
    try:
        attach_adapter(model, model_files.adapter_config(adapter, speech_config))
        state = wan_video.transformer_state(folder)
        state.update(adapter)
        model.load_state_dict(state, strict=True)  # sizes are checked here too
    except (KeyError, RuntimeError) as error:
        raise BackendUnavailableError(
            "The InfiniteTalk adapter does not fit the Wan2.1 base or the speech encoder."
        ) from error
    return model.to(dtype=dtype).eval()


@cache
def _load_cached(model_dir: Path, device: Device) -> LoadedTalker:
    from diffusers import WanImageToVideoPipeline

    speech = load_speech_encoder(model_files.speech_folder(model_dir), device)
    dtype = wan_video.wan_dtype(device)
    transformer = _load_transformer(model_dir, speech.model.config, dtype)
    pipeline_class: Any = WanImageToVideoPipeline
    pipeline: Any = pipeline_class.from_pretrained(
        model_files.wan_folder(model_dir),
        local_files_only=True,
        transformer=transformer,
        **{dtype_keyword(): dtype},
    )
    pipeline.vae.to(dtype=torch.float32)  # the Wan VAE decodes in fp32 (bf16 bands)
    pipeline.image_encoder.to(dtype=torch.float32)  # CLIP as diffusers runs Wan2.1 I2V
    pipeline = pipeline.to(device)
    pipeline.set_progress_bar_config(disable=True)
    return LoadedTalker(pipeline=pipeline, speech=speech, device=device)


def speech_at_rate(audio: AudioArray, sample_rate: int) -> AudioArray:
    """Mono speech at the speech encoder's 16 kHz, brought to SPEECH_LUFS (as InfiniteTalk
    prepares its speech; silence is left as it is)."""
    mono = to_mono(audio)
    if sample_rate != SPEECH_RATE and mono.size:
        divisor = math.gcd(sample_rate, SPEECH_RATE)
        mono = resample_poly(mono, SPEECH_RATE // divisor, sample_rate // divisor)
    meter = LoudnessMeter(SPEECH_RATE, 1)
    meter.add(mono)
    loudness = meter.integrated_lufs()
    gain = 10 ** ((SPEECH_LUFS - loudness) / 20) if math.isfinite(loudness) else 1.0
    return np.asarray(mono * gain, dtype=np.float32)


def sequence_features(loaded: LoadedTalker, speech: AudioArray, plan: ShotPlan) -> torch.Tensor:
    """Speech features for every frame of the plan's chained clips (silence past the end)."""
    frames = len(plan.seeds) * (plan.frames_per_clip - 1) + 1
    return frame_features(loaded.speech, speech, frames, plan.model_fps)


def _text(loaded: LoadedTalker, text: str, settings: TalkSettings) -> torch.Tensor:
    wrapped = wan_video.LoadedWan(pipeline=loaded.pipeline, device=loaded.device)
    return wan_video.encode_prompt(wrapped, text, settings.max_text_tokens)


def _decode(pipeline: Any, latents: torch.Tensor) -> list[Frame]:
    vae = pipeline.vae
    shape = (1, vae.config.z_dim, 1, 1, 1)
    mean = torch.tensor(vae.config.latents_mean).view(shape).to(latents.device)
    std = torch.tensor(vae.config.latents_std).view(shape).to(latents.device)
    video = vae.decode((latents * std + mean).to(vae.dtype), return_dict=False)[0]
    frames = pipeline.video_processor.postprocess_video(video, output_type="np")[0]
    values = np.nan_to_num(np.asarray(frames, dtype=np.float32), nan=0.0)
    return [np.clip(frame * 255.0 + 0.5, 0, 255).astype(np.uint8) for frame in values]


def _start_latents(
    loaded: LoadedTalker, picture: Image.Image, plan: ShotPlan, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Noise, the image condition (mask + VAE latents of the image then zeros) and the
    image's own first latent frame, which InfiniteTalk keeps clean at every step."""
    pipeline = loaded.pipeline
    pixels = pipeline.video_processor.preprocess(picture, height=plan.height, width=plan.width)
    latents, condition = pipeline.prepare_latents(
        pixels.to(loaded.device, torch.float32),
        1,
        pipeline.vae.config.z_dim,
        plan.height,
        plan.width,
        plan.frames_per_clip,
        torch.float32,
        loaded.device,
        generator,
    )
    mask_channels = condition.shape[1] - latents.shape[1]
    return latents, condition, condition[:, mask_channels:, :1].clone()


def talk_clip(
    loaded: LoadedTalker,
    image: Frame,
    windows: torch.Tensor,
    plan: ShotPlan,
    clip: int,
    settings: TalkSettings = DEFAULT_SETTINGS,
    progress: ProgressCallback = no_progress,
) -> list[Frame]:
    """One clip (plan.frames_per_clip RGB uint8 frames at the generation size) from an image
    already at that size and its frames' speech windows (frames, 5, layers, channels)."""
    pipeline = loaded.pipeline
    transformer = pipeline.transformer
    generator = torch.Generator(device="cpu").manual_seed(plan.seeds[clip])
    with loaded.lock, torch.inference_mode():
        dtype = transformer.dtype
        positive = _text(loaded, settings.prompt, settings)
        negative = _text(loaded, settings.negative_prompt, settings)
        picture = Image.fromarray(image)
        states = pipeline.encode_image(picture, loaded.device).to(dtype)
        latents, condition, first = _start_latents(loaded, picture, plan, generator)
        scheduler_class: Any = type(pipeline.scheduler)
        scheduler = scheduler_class.from_config(
            pipeline.scheduler.config, flow_shift=settings.flow_shift
        )
        scheduler.set_timesteps(plan.steps, device=loaded.device)
        speech = latent_windows(windows[None].to(loaded.device, dtype))
        silence = (torch.zeros_like(speech[0]), torch.zeros_like(speech[1]))
        for step, timestep in enumerate(scheduler.timesteps):
            latents[:, :, :1] = first
            model_input = torch.cat([latents, condition], dim=1).to(dtype)
            t = timestep.expand(1)
            full = talking_forward(transformer, model_input, t, positive, states, speech)
            no_text = talking_forward(transformer, model_input, t, negative, states, speech)
            neither = talking_forward(transformer, model_input, t, negative, states, silence)
            velocity = (
                neither
                + settings.text_guidance * (full - no_text)
                + settings.audio_guidance * (no_text - neither)
            )
            latents = scheduler.step(velocity.float(), timestep, latents, return_dict=False)[0]
            progress(STAGE, min(1.0, (clip + (step + 1) / plan.steps) / len(plan.seeds)))
        latents[:, :, :1] = first
        return _decode(pipeline, latents)


def generate_sequence(
    loaded: LoadedTalker,
    image: Frame,
    speech: AudioArray,
    plan: ShotPlan,
    settings: TalkSettings = DEFAULT_SETTINGS,
    progress: ProgressCallback = no_progress,
) -> tuple[ShotPlan, list[Frame]]:
    """All clips of a shot chained, each hearing its stretch of the speech. On CUDA out of
    memory the shot is retried once with about half the frames per clip (reduced_plan); the
    plan actually used is returned with the frames."""
    try:
        return plan, _chain(loaded, image, speech, plan, settings, progress)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        free_cuda()
    smaller = reduced_plan(plan)
    try:
        return smaller, _chain(loaded, image, speech, smaller, settings, progress)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        free_cuda()
        raise BackendUnavailableError(
            f"InfiniteTalk ran out of GPU memory at {plan.width}x{plan.height} even with "
            f"{smaller.frames_per_clip} frames per clip."
        ) from error


def reduced_plan(plan: ShotPlan) -> ShotPlan:
    """The out-of-memory retry's plan: about half the frames per clip, and as many more
    clips as keep the speech covered (the first clip keeps its seed)."""
    frames = wan_video.reduced_frames(plan.frames_per_clip)
    covered = (plan.output_frames - 1) * plan.model_fps / plan.fps + 1
    clips = max(len(plan.seeds), math.ceil((covered - 1) / (frames - 1)))
    seeds = tuple(plan.seeds[0] if c == 0 else clip_seed(plan.seeds[0], c) for c in range(clips))
    return replace(plan, frames_per_clip=frames, seeds=seeds)


def _chain(
    loaded: LoadedTalker,
    image: Frame,
    speech: AudioArray,
    plan: ShotPlan,
    settings: TalkSettings,
    progress: ProgressCallback,
) -> list[Frame]:
    features = sequence_features(loaded, speech, plan)
    step = plan.frames_per_clip - 1
    sequence: list[Frame] = []
    start = image
    for clip in range(len(plan.seeds)):
        windows = frame_windows(features, clip * step, plan.frames_per_clip)
        frames = talk_clip(loaded, start, windows, plan, clip, settings, progress)
        sequence.extend(frames if clip == 0 else frames[1:])
        start = frames[-1]
    return sequence


def clips_needed(duration_s: float, frames_per_clip: int, settings: TalkSettings) -> int:
    """Chained clips that cover duration_s at the model rate (at most max_clips)."""
    frames = duration_s * settings.model_fps
    return max(1, min(settings.max_clips, math.ceil((frames - 1) / (frames_per_clip - 1))))


def talk_shot(
    model_dir: Path,
    image: Path | Frame,
    audio: AudioArray,
    sample_rate: int,
    duration_s: float,
    video_format: VideoFormat,
    seed: int,
    settings: TalkSettings = DEFAULT_SETTINGS,
    device: str | None = None,
    progress: ProgressCallback = no_progress,
) -> AnimatedShot:
    """A character in image speaking audio (the shot's speech, starting with the shot):
    exactly round(duration_s * fps) RGB uint8 frames at the output size, generated when
    first read. Raises BackendUnavailableError (weights missing, out of GPU memory twice) or
    InputError (bad image or duration)."""
    loaded = load_talker(model_dir, device)
    picture = load_rgb(image) if isinstance(image, Path) else image
    frames = wan_video.clip_frames(settings.num_frames)
    capped = replace(settings, max_clips=clips_needed(duration_s, frames, settings))
    video = capped.video(frames)
    plan = plan_shot(duration_s, video_format, seed, frames, video)
    start = fit_image(picture, plan.width, plan.height, video.fit)
    speech = speech_at_rate(audio, sample_rate)

    def shot() -> Iterator[Frame]:
        used, sequence = generate_sequence(loaded, start, speech, plan, capped, progress)
        yield from shot_frames(sequence, used, video_format, video)

    return AnimatedShot(plan=plan, frames=shot())
