"""Neural background music with ACE-Step 1.5 (XL turbo) through diffusers' AceStepPipeline.

The model folder is the diffusers layout of ACE-Step/acestep-v15-xl-turbo-diffusers (vae,
Qwen3 text encoder and tokenizer, condition encoder, DiT transformer, scheduler); weights MIT,
text encoder Apache-2.0, so the music may be sold. The prompt is MusicGen's: the style's text
plus the user's free text. The turbo checkpoint runs 8 flow-matching steps with shift 3.0 and
no classifier-free guidance; the pipeline is loaded once per process (bf16 on a GPU, fp32 on
the CPU) and calls are serialised.

One generation gives 10 s to 10 min of 48 kHz stereo, so a longer bed is made of pieces of
equal length (at most max_chunk_s) whose ends are crossfaded (equal power: the pieces are
independent renderings of the same prompt). Each piece is resampled to the film rate when it
differs, loudness-matched like MusicGen's windows (gain glided, peaks limited), and the track
is cut to exactly round(duration_s * sample_rate) samples with MusicGen's fades. Progress is
reported after every denoising step; a progress callback that raises (RenderCancelled) stops
between steps. CUDA out of memory is caught once: the cache is emptied and the rest of the
track is made in pieces half as long; a second failure raises BackendUnavailableError so the
music stage falls back to the procedural style with a warning.

Public API (model_dir = default_folder(MODEL_DIR)):
    missing_files(model_dir) -> list[str];  is_available(model_dir) -> bool
    load_acestep(model_dir, device=None) -> LoadedAceStep            # cached per process
    music_chunks(model_dir, style, duration_s, sample_rate, seed, prompt=None, chunk_s=10.0,
                 settings=AceStepSettings(), device=None, progress=no_progress)
        -> Iterator[AudioArray]    # weights and input checked at call time, music made lazily
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.errors import BackendUnavailableError
from pipeline.music.musicgen import build_prompt
from pipeline.music.shaping import (
    MUSIC_TARGET_LUFS,
    FloatArray,
    LoudnessMatcher,
    equal_power_crossfade,
    exact_chunks,
    to_film_rate,
    track_samples,
    window_seed,
)
from pipeline.neural.torch_device import Device, free_cuda, is_out_of_memory, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete
from pipeline.types import AudioArray, ProgressCallback, no_progress

if TYPE_CHECKING:
    import torch

STAGE = "music"
MIN_GENERATION_S = 10.0
"""Shortest piece ACE-Step 1.5 is made for (a shorter track is cut from one this long)."""
MAX_GENERATION_S = 600.0
"""Longest piece ACE-Step 1.5 is made for (10 minutes)."""
FRAME_TOLERANCE = 1e-6
"""Latent frames a duration may exceed a whole number by and still count as that number."""
WEIGHTS = "diffusion_pytorch_model"
_REQUIRED_FILES: tuple[tuple[str, ...], ...] = (
    ("model_index.json",),
    ("scheduler/scheduler_config.json",),
    ("tokenizer/tokenizer_config.json",),
    ("tokenizer/tokenizer.json", "tokenizer/vocab.json"),
    ("text_encoder/config.json",),
    ("text_encoder/model.safetensors", "text_encoder/model.safetensors.index.json"),
    ("condition_encoder/config.json",),
    (f"condition_encoder/{WEIGHTS}.safetensors",),
    ("transformer/config.json",),
    (f"transformer/{WEIGHTS}.safetensors", f"transformer/{WEIGHTS}.safetensors.index.json"),
    ("vae/config.json",),
    (f"vae/{WEIGHTS}.safetensors",),
)


@dataclass(frozen=True)
class AceStepSettings:
    """How the music is generated. Defaults are the turbo checkpoint's own settings."""

    steps: int = 8
    """Denoising steps (the turbo model is distilled for 8)."""
    shift: float = 3.0
    """Flow-matching timestep shift (the turbo model's 8-step table for shift 3)."""
    max_chunk_s: float = MAX_GENERATION_S
    """Longest piece generated at once; a longer track is made of crossfaded pieces."""
    min_chunk_s: float = MIN_GENERATION_S
    """Shortest piece generated; a shorter track is cut from one this long."""
    crossfade_s: float = 4.0
    """Overlap crossfaded between two pieces."""
    target_lufs: float = MUSIC_TARGET_LUFS


DEFAULT_SETTINGS = AceStepSettings()


@dataclass(frozen=True, eq=False)
class LoadedAceStep:
    """The pipeline loaded once per process; never changed after loading."""

    pipeline: Any
    device: Device
    sample_rate: int
    lock: threading.Lock = field(default_factory=threading.Lock)


_LOAD_LOCK = threading.Lock()


def default_folder(model_dir: Path) -> Path:
    """The registry's ACE-Step 1.5 XL turbo folder under MODEL_DIR."""
    from pipeline.neural.registry import ACESTEP_XL_TURBO, model_path

    return model_path(ACESTEP_XL_TURBO, model_dir)


def missing_files(model_dir: Path) -> list[str]:
    """Files an ACE-Step diffusers folder lacks (empty list: complete)."""
    return missing_alternatives(model_dir, _REQUIRED_FILES)


def is_available(model_dir: Path) -> bool:
    """True when model_dir holds a complete ACE-Step diffusers folder."""
    return not missing_files(model_dir)


def pipeline_dtype(device: Device) -> torch.dtype:
    """bfloat16 for the whole pipeline on a GPU (as ACE-Step runs), float32 on the CPU."""
    import torch

    return torch.bfloat16 if device == "cuda" else torch.float32


def load_acestep(model_dir: Path, device: str | None = None) -> LoadedAceStep:
    """Load ACE-Step from a local folder once per process and keep it warm."""
    require_complete(model_dir, missing_files(model_dir), "ACE-Step")
    with _LOAD_LOCK:
        return _load_cached(model_dir.resolve(), select_device(device))


@cache
def _load_cached(model_dir: Path, device: Device) -> LoadedAceStep:
    try:
        from diffusers import AceStepPipeline
    except ImportError as error:
        raise BackendUnavailableError(
            "ACE-Step needs diffusers 0.42 or newer (AceStepPipeline)."
        ) from error

    pipeline_class: Any = AceStepPipeline  # diffusers is untyped here
    pipeline: Any = pipeline_class.from_pretrained(
        model_dir, local_files_only=True, dtype=pipeline_dtype(device)
    )
    try:
        pipeline = pipeline.to(device)
    except Exception as error:
        if not is_out_of_memory(error):
            raise
        del pipeline
        free_cuda()
        raise BackendUnavailableError(
            "ACE-Step does not fit in the GPU memory left free."
        ) from error
    pipeline.set_progress_bar_config(disable=True)
    return LoadedAceStep(pipeline=pipeline, device=device, sample_rate=int(pipeline.sample_rate))


def piece_samples(need: int, crossfade: int, longest: int, shortest: int) -> int:
    """Film samples of the next piece when `need` samples are still to come (the overlap with
    the previous piece included): all of them when one piece may hold them (at least
    `shortest`), else an equal share of the fewest pieces of at most `longest` that hold them
    with a crossfade between each two."""
    if need <= longest:
        return max(need, shortest)
    pieces = math.ceil((need - crossfade) / (longest - crossfade))
    return max(shortest, math.ceil((need + (pieces - 1) * crossfade) / pieces))


def generate_piece(
    loaded: LoadedAceStep,
    text: str,
    duration_s: float,
    seed: int,
    settings: AceStepSettings,
    on_step: ProgressCallback = no_progress,
) -> FloatArray:
    """One piece at the model rate, shape (2, samples), at least duration_s long; on_step(STAGE,
    f) after every denoising step, with f the share of steps done (it may raise to cancel).

    The noise is made here (seeded on the CPU, so a seed gives the same music on any device)
    and passed in: diffusers 0.42 sizes the noise as ceil(ceil(d * rate) / rate * rate) latent
    frames and the conditions as ceil(d * rate), which float rounding makes differ by one for
    about one length in fifteen (56 frames at 25 a second), and the transformer then fails.
    """
    import torch

    def step_done(_pipe: Any, step: int, _timestep: Any, tensors: dict[str, Any]) -> Any:
        on_step(STAGE, (step + 1) / settings.steps)
        return tensors

    pipeline = loaded.pipeline
    rate = float(pipeline.latents_per_second)
    frames = max(1, math.ceil(duration_s * rate - FRAME_TOLERANCE))
    generator = torch.Generator(device="cpu").manual_seed(seed)
    with loaded.lock, torch.inference_mode():
        noise = torch.randn(
            (1, frames, int(pipeline.transformer.config.audio_acoustic_hidden_dim)),
            generator=generator,
        ).to(device=loaded.device, dtype=pipeline.transformer.dtype)
        result = pipeline(
            prompt=text,
            lyrics="",
            audio_duration=(frames - 0.5) / rate,  # ceil(...) gives back exactly `frames`
            num_inference_steps=settings.steps,
            guidance_scale=1.0,
            shift=settings.shift,
            latents=noise,
            output_type="np",
            callback_on_step_end=step_done,
        )
    audio: FloatArray = np.asarray(result.audios[0], dtype=np.float32)
    return np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)


def _film_segments(
    loaded: LoadedAceStep,
    text: str,
    total: int,
    sample_rate: int,
    seed: int,
    settings: AceStepSettings,
    progress: ProgressCallback,
) -> Iterator[FloatArray]:
    """Stereo film-rate segments, loudness-matched, that add up to at least total samples."""
    ratio = Fraction(sample_rate, loaded.sample_rate)
    shortest = math.ceil(settings.min_chunk_s * sample_rate)
    longest = math.floor(settings.max_chunk_s * sample_rate)
    crossfade = max(1, round(settings.crossfade_s * sample_rate))
    if not crossfade < shortest <= longest:
        raise ValueError("ACE-Step pieces need crossfade < min_chunk_s <= max_chunk_s.")
    matcher = LoudnessMatcher(sample_rate, settings.target_lufs)
    done = 0  # samples yielded
    pending: FloatArray | None = None  # end of the last piece, held back for the crossfade
    piece = 0
    retried = False
    while done < total:
        need = total - done
        length = piece_samples(need, crossfade, longest, shortest)
        last = length >= need
        covered = min(length, need) - (0 if last else crossfade)

        def on_step(_stage: str, fraction: float, start: int = done, span: int = covered) -> None:
            progress(STAGE, min(1.0, (start + fraction * span) / total))

        try:
            audio = generate_piece(
                loaded, text, length / sample_rate, window_seed(seed, piece), settings, on_step
            )
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            free_cuda()
            if retried:
                raise BackendUnavailableError(
                    f"ACE-Step ran out of GPU memory making {length / sample_rate:.1f} s of "
                    "music, even after a retry with shorter pieces."
                ) from error
            retried = True
            longest = max(shortest, longest // 2)
            continue
        film = to_film_rate(audio, ratio)
        if pending is None:
            body = film
        else:
            body = np.concatenate(
                [equal_power_crossfade(pending, film[: len(pending)]), film[len(pending) :]]
            )
        gained = matcher.apply(body)
        piece += 1
        if len(body) >= need:
            done = total
            progress(STAGE, 1.0)
            yield gained
        else:
            keep = min(crossfade, len(body) - 1)
            done += len(body) - keep
            pending = body[len(body) - keep :]
            yield gained[: len(body) - keep]


def music_chunks(
    model_dir: Path,
    style: str | None,
    duration_s: float,
    sample_rate: int,
    seed: int,
    prompt: str | None = None,
    chunk_s: float = 10.0,
    settings: AceStepSettings = DEFAULT_SETTINGS,
    device: str | None = None,
    progress: ProgressCallback = no_progress,
) -> Iterator[AudioArray]:
    """Stereo float32 chunks of ACE-Step music, exactly round(duration_s * sample_rate) samples
    in all; the same seed, prompt and device give the same music.

    Raises InputError for a bad style/prompt/duration and BackendUnavailableError when the
    weights are missing or cannot load, both before any chunk is produced; while the chunks
    are read, BackendUnavailableError when the GPU runs out of memory twice.
    """
    text = build_prompt(style, prompt)
    total, chunk = track_samples(duration_s, chunk_s, sample_rate)
    loaded = load_acestep(model_dir, device)
    segments = _film_segments(loaded, text, total, sample_rate, seed, settings, progress)
    return exact_chunks(segments, total, chunk, sample_rate, "ACE-Step")
