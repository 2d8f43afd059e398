"""Neural background music with MusicGen through ``transformers``.

The model folder is a ``save_pretrained`` MusicGen checkpoint (config, weights, T5 tokenizer,
EnCodec feature extractor). A prompt is built from the music style and the user's free text.

MusicGen writes at most ~30 s at a time, so a long track is made in overlapping windows: each
window after the first continues from the tail of the previous one (given as an audio prompt),
and the re-decoded overlap is crossfaded with the previous window's end. Each window is
resampled to the film rate, loudness-matched to a target (gain ramped, never stepped), and
the result is cut into stereo float32 chunks of exactly ``round(duration_s * sample_rate)``
samples in all. Only one window is in memory at a time.

Public API (what the music stage calls; model_dir = default_folder(MODEL_DIR)):
    build_prompt(style, prompt=None) -> str
    missing_files(model_dir) -> list[str];  is_available(model_dir) -> bool
    load_musicgen(model_dir, device=None) -> LoadedMusicGen          # cached per process
    music_chunks(model_dir, style, duration_s, sample_rate, seed, prompt=None, chunk_s=10.0,
                 settings=MusicGenSettings(), device=None, progress=no_progress)
        -> Iterator[AudioArray]    # raises BackendUnavailableError at call time
    generate(...) -> AudioArray    # the same, concatenated (notebooks)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import InputError
from pipeline.music.shaping import (
    MUSIC_TARGET_LUFS,
    FloatArray,
    LoudnessMatcher,
    exact_chunks,
    linear_crossfade,
    to_film_rate,
    track_samples,
    window_seed,
)
from pipeline.neural.torch_device import Device, dtype_for, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete
from pipeline.types import AudioArray, ProgressCallback, no_progress
from pipeline.vocabulary import NO_MUSIC, STYLE_ALIASES

STAGE = "music"

STYLE_PROMPTS: dict[str, str] = {
    "cinematic": "cinematic orchestral film score, sweeping strings, warm brass, soft timpani, "
    "emotional and hopeful, instrumental",
    "ambient": "ambient soundscape, slowly evolving warm synth pads, gentle piano notes, calm and "
    "spacious, no drums, instrumental",
    "upbeat": "upbeat uplifting instrumental, acoustic guitar, bright piano, light claps and "
    "drums, positive and energetic, 118 bpm",
    "devotional": "Indian devotional music, steady tanpura drone, soft bansuri flute, gentle "
    "tabla, peaceful and meditative, instrumental",
}
"""Text prompt per music style (the styles of the procedural default)."""

_REQUIRED_FILES = (
    ("config.json",),
    ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"),
    ("tokenizer.json", "spiece.model"),
    ("preprocessor_config.json", "processor_config.json"),
)


@dataclass(frozen=True)
class MusicGenSettings:
    """How the windows are made. Defaults suit the released MusicGen checkpoints."""

    window_s: float = 30.0
    """Length of one generated window (MusicGen was trained on 30 s)."""
    context_s: float = 10.0
    """Tail of the previous window given as the audio prompt of the next one."""
    crossfade_s: float = 2.0
    """Overlap crossfaded between windows (inside the context)."""
    guidance_scale: float = 3.0
    top_k: int = 250
    temperature: float = 1.0
    target_lufs: float = MUSIC_TARGET_LUFS


DEFAULT_SETTINGS = MusicGenSettings()


@dataclass(frozen=True, eq=False)
class LoadedMusicGen:
    """A MusicGen model and processor loaded once per process; generation is serialised."""

    model: Any
    processor: Any
    device: Device
    sample_rate: int
    frame_rate: int
    channels: int
    num_codebooks: int
    max_frames: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def hop(self) -> int:
        """Audio samples per generated token frame."""
        return self.sample_rate // self.frame_rate


_LOAD_LOCK = threading.Lock()


def build_prompt(style: str | None, prompt: str | None = None) -> str:
    """The text prompt for a style and/or a free-text prompt such as "Cinematic orchestral music"."""
    text = (prompt or "").strip()
    key = (style or "").strip().lower()
    key = STYLE_ALIASES.get(key, key)
    if key == NO_MUSIC:
        raise InputError("Music style 'none' asks for no music; there is nothing to generate.")
    if key and key not in STYLE_PROMPTS:
        styles = ", ".join([*STYLE_PROMPTS, *STYLE_ALIASES])
        raise InputError(f"Music style {style!r} is not known; choose one of: {styles}.")
    if not key and not text:
        raise InputError("Music needs a style or a prompt describing it.")
    return "; ".join(part for part in (text, STYLE_PROMPTS.get(key, "")) if part)


def default_folder(model_dir: Path) -> Path:
    """The registry's MusicGen folder under MODEL_DIR."""
    from pipeline.neural.registry import MUSICGEN_SMALL, model_path

    return model_path(MUSICGEN_SMALL, model_dir)


def missing_files(model_dir: Path) -> list[str]:
    """Files a MusicGen folder lacks (empty list: complete)."""
    return missing_alternatives(model_dir, _REQUIRED_FILES)


def is_available(model_dir: Path) -> bool:
    """True when model_dir holds a complete MusicGen checkpoint."""
    return not missing_files(model_dir)


def load_musicgen(model_dir: Path, device: str | None = None) -> LoadedMusicGen:
    """Load MusicGen from a local folder once per process (fp16 on a GPU, fp32 on the CPU)."""
    require_complete(model_dir, missing_files(model_dir), "MusicGen")
    with _LOAD_LOCK:
        return _load_cached(model_dir.resolve(), select_device(device))


@cache
def _load_cached(model_dir: Path, device: Device) -> LoadedMusicGen:
    from transformers import AutoProcessor, MusicgenForConditionalGeneration

    model: Any = MusicgenForConditionalGeneration.from_pretrained(model_dir, local_files_only=True)
    model = model.to(device=device, dtype=dtype_for(device)).eval()
    processor: Any = AutoProcessor.from_pretrained(model_dir, local_files_only=True)  # type: ignore[no-untyped-call]
    audio_config = model.config.audio_encoder
    decoder_config = model.config.decoder
    return LoadedMusicGen(
        model=model,
        processor=processor,
        device=device,
        sample_rate=int(audio_config.sampling_rate),
        frame_rate=int(audio_config.frame_rate),
        channels=int(decoder_config.audio_channels),
        num_codebooks=int(decoder_config.num_codebooks),
        max_frames=int(decoder_config.max_position_embeddings) - int(decoder_config.num_codebooks),
    )


def _generate_window(
    loaded: LoadedMusicGen,
    text: str,
    audio_prompt: FloatArray | None,
    new_frames: int,
    seed: int,
    settings: MusicGenSettings,
) -> FloatArray:
    """One window at the model rate, shape (channels, samples); starts with the prompt if any."""
    import torch

    processor_args: dict[str, Any] = {"text": [text], "padding": True, "return_tensors": "pt"}
    if audio_prompt is not None:
        processor_args["audio"] = audio_prompt[0] if loaded.channels == 1 else audio_prompt
        processor_args["sampling_rate"] = loaded.sample_rate
    inputs = loaded.processor(**processor_args)
    dtype = dtype_for(loaded.device)
    tensors = {
        name: value.to(loaded.device, dtype=dtype)
        if value.is_floating_point()
        else value.to(loaded.device)
        for name, value in inputs.items()
    }
    # MusicGen's codebooks are delayed by one step each: n new frames need n + codebooks - 1 steps.
    steps = new_frames + loaded.num_codebooks - 1
    devices = [torch.cuda.current_device()] if loaded.device == "cuda" else []
    with loaded.lock, torch.inference_mode(), torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        audio = loaded.model.generate(
            **tensors,
            do_sample=True,
            guidance_scale=settings.guidance_scale,
            top_k=settings.top_k,
            temperature=settings.temperature,
            max_new_tokens=steps,
        )
    result: FloatArray = audio[0].float().cpu().numpy()
    return np.nan_to_num(result, nan=0.0, posinf=0.0, neginf=0.0)


def _film_segments(
    loaded: LoadedMusicGen,
    text: str,
    total: int,
    sample_rate: int,
    seed: int,
    settings: MusicGenSettings,
    progress: ProgressCallback,
) -> Iterator[FloatArray]:
    """Stereo film-rate segments, loudness-matched, that add up to at least total samples."""
    ratio = Fraction(sample_rate, loaded.sample_rate)
    # The context is a whole number of token frames that is also a whole number of film samples.
    unit = math.lcm(loaded.hop, ratio.denominator)
    context = max(unit, round(settings.context_s * loaded.sample_rate / unit) * unit)
    context_frames = context // loaded.hop
    context_film = int(context * ratio)
    crossfade = min(context_film, max(1, round(settings.crossfade_s * sample_rate)))
    window_frames = min(loaded.max_frames, round(settings.window_s * loaded.frame_rate))
    if window_frames <= context_frames:
        raise ValueError("MusicGen window must be longer than its audio-prompt context.")
    matcher = LoudnessMatcher(sample_rate, settings.target_lufs)

    produced = 0
    pending: FloatArray | None = None  # end of the last window, held back for the crossfade
    tail: FloatArray | None = None  # model-rate audio prompt for the next window
    window = 0
    while produced < total:
        remaining_frames = math.ceil((total - produced) / ratio / loaded.hop) + 1
        if tail is None:
            new_frames = min(window_frames, remaining_frames)
        else:
            new_frames = min(window_frames - context_frames, remaining_frames)
        audio = _generate_window(
            loaded, text, tail, new_frames, window_seed(seed, window), settings
        )
        film = to_film_rate(audio, ratio)
        if pending is None:
            body = film
        else:
            overlap = film[context_film - len(pending) : context_film]
            body = np.concatenate([linear_crossfade(pending, overlap), film[context_film:]])
        produced += len(body) - (len(pending) if pending is not None else 0)
        gained = matcher.apply(body)
        keep = min(crossfade, len(body) - 1)
        window += 1
        progress(STAGE, min(1.0, produced / total))
        if produced >= total:
            yield gained
        else:
            yield gained[: len(body) - keep]
            pending = body[len(body) - keep :]
            tail = audio[:, -context:]


def music_chunks(
    model_dir: Path,
    style: str | None,
    duration_s: float,
    sample_rate: int,
    seed: int,
    prompt: str | None = None,
    chunk_s: float = 10.0,
    settings: MusicGenSettings = DEFAULT_SETTINGS,
    device: str | None = None,
    progress: ProgressCallback = no_progress,
) -> Iterator[AudioArray]:
    """Stereo float32 chunks of MusicGen music, exactly round(duration_s * sample_rate) samples
    in all; the same seed, prompt and device give the same music.

    Raises InputError for a bad style/prompt/duration and BackendUnavailableError when the
    weights are missing, both before any chunk is produced.
    """
    text = build_prompt(style, prompt)
    total, chunk = track_samples(duration_s, chunk_s, sample_rate)
    loaded = load_musicgen(model_dir, device)
    segments = _film_segments(loaded, text, total, sample_rate, seed, settings, progress)
    return exact_chunks(segments, total, chunk, sample_rate, "MusicGen")


def generate(
    model_dir: Path,
    style: str | None,
    duration_s: float,
    sample_rate: int,
    seed: int,
    prompt: str | None = None,
    settings: MusicGenSettings = DEFAULT_SETTINGS,
    device: str | None = None,
) -> AudioArray:
    """The whole track as one (n, 2) array (for notebooks and short previews)."""
    chunks = music_chunks(
        model_dir, style, duration_s, sample_rate, seed, prompt, settings=settings, device=device
    )
    track: AudioArray = np.concatenate(list(chunks))
    return track
