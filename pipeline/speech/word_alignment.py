"""Word start times for narration that came without them, by forced alignment with Whisper.

The transcript is known, so nothing is transcribed: the Whisper decoder reads the known text
tokens after its prompt (start of transcript, language, transcribe, no timestamps), and the
cross-attention of its alignment heads says where in the audio each token was heard. Each
head's weights are standardised over the tokens at every audio frame, median-filtered along
time and averaged over heads; dynamic time warping finds the monotonic token-to-frame path,
and a word starts where its first token's row of the path begins (20 ms per encoder frame).
This is the method of openai-whisper's word timestamps (MIT), written anew here.

The weights are openai/whisper-small in the transformers layout under MODEL_DIR/whisper-small
(pipeline.neural.registry.WHISPER_ALIGNER); loaded once per process, float16 on a GPU.

Public API:
    model_folder(model_dir) -> Path
    missing_files(folder) -> list[str]
    load(folder, device) -> Aligner                   # cached; BackendUnavailableError
    align_words(aligner, text, language, audio, sample_rate) -> tuple[(char index, s), ...]
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.errors import BackendUnavailableError
from pipeline.media.resample import resample_poly
from pipeline.media.running import running_median
from pipeline.neural.torch_device import Device, dtype_for, select_device
from pipeline.neural.weight_files import missing_paths
from pipeline.speech.dtw import dtw_path, row_starts
from pipeline.speech.token_text import token_char_ends

FOLDER = "whisper-small"
"""The registry folder (pipeline.neural.registry.WHISPER_ALIGNER) under MODEL_DIR."""
REQUIRED_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "tokenizer.json",
)
WHISPER_RATE_HZ = 16_000
SECONDS_PER_FRAME = 0.02
"""One encoder frame (two 10 ms mel frames)."""
MEL_HOP = 160
"""Audio samples per mel frame at 16 kHz."""
MAX_AUDIO_S = 30.0
"""Whisper hears at most 30 s at once; longer clips keep the even spread."""
MEDIAN_WIDTH = 7
"""Frames of the median filter along time (openai-whisper's default)."""
START_OF_TRANSCRIPT = "<|startoftranscript|>"
TRANSCRIBE = "<|transcribe|>"
NO_TIMESTAMPS = "<|notimestamps|>"

WordStarts = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Aligner:
    """A loaded Whisper for alignment: model, feature extractor, tokenizer and its heads."""

    model: Any
    features: Any
    tokenizer: Any
    heads: tuple[tuple[int, int], ...]
    device: Device
    max_tokens: int


def model_folder(model_dir: Path) -> Path:
    return model_dir / FOLDER


def missing_files(folder: Path) -> list[str]:
    """The files the aligner needs that are absent from folder (empty: ready to load)."""
    return missing_paths(folder, REQUIRED_FILES)


_LOAD_LOCK = threading.Lock()


def load(folder: Path, device: str | None = None) -> Aligner:
    """The Whisper aligner from folder, loaded once per process and device."""
    with _LOAD_LOCK:
        return _load_cached(folder.resolve(), select_device(device))


@cache
def _load_cached(folder: Path, device: Device) -> Aligner:
    try:
        from tokenizers import Tokenizer
        from transformers import WhisperFeatureExtractor, WhisperForConditionalGeneration

        model_class: Any = WhisperForConditionalGeneration
        model = model_class.from_pretrained(
            folder, local_files_only=True, attn_implementation="eager", dtype=dtype_for(device)
        )
        extractor_class: Any = WhisperFeatureExtractor
        features = extractor_class.from_pretrained(folder, local_files_only=True)
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as error:  # any unreadable or mismatched file: no aligner
        raise BackendUnavailableError(
            f"The Whisper aligner in {folder} cannot be loaded ({error})."
        ) from error
    model = model.to(device).eval()
    return Aligner(
        model=model,
        features=features,
        tokenizer=tokenizer,
        heads=alignment_heads(model),
        device=device,
        max_tokens=int(model.config.max_target_positions),
    )


def alignment_heads(model: Any) -> tuple[tuple[int, int], ...]:
    """(layer, head) pairs whose cross-attention follows the speech: the generation config's
    alignment_heads, else every head of the last half of the decoder layers."""
    heads = getattr(model.generation_config, "alignment_heads", None)
    if heads:
        return tuple((int(layer), int(head)) for layer, head in heads)
    layers = int(model.config.decoder_layers)
    per_layer = int(model.config.decoder_attention_heads)
    return tuple((layer, head) for layer in range(layers // 2, layers) for head in range(per_layer))


def align_words(
    aligner: Aligner, text: str, language: str, audio: npt.NDArray[np.float32], sample_rate: int
) -> WordStarts:
    """(index of each word's first character in text, seconds into audio) for every word
    (a run of non-space characters, as the subtitles split them), in order and inside the
    clip; empty when the clip cannot be aligned (too long, silent, text that does not
    round-trip through the tokenizer)."""
    words = [match.start() for match in re.finditer(r"\S+", text)]
    duration = len(audio) / sample_rate if sample_rate > 0 else 0.0
    if not words or duration <= 0.0 or duration > MAX_AUDIO_S:
        return ()
    spoken = " " + text
    tokens = aligner.tokenizer.encode(spoken, add_special_tokens=False).ids
    prefix = _prefix(aligner, language)
    if not tokens or prefix is None or len(prefix) + len(tokens) > aligner.max_tokens:
        return ()
    ends = token_char_ends([aligner.tokenizer.id_to_token(t) for t in tokens], spoken)
    if ends is None:
        return ()
    samples = _at_whisper_rate(audio, sample_rate)
    frames = max(1, min(len(samples) // (2 * MEL_HOP), round(MAX_AUDIO_S / SECONDS_PER_FRAME)))
    matrix = _attention(aligner, samples, prefix, tokens, frames)
    rows, columns = dtw_path(-matrix)
    token_starts = row_starts(rows, columns) * SECONDS_PER_FRAME
    starts: list[tuple[int, float]] = []
    for offset in words:
        first = next(k for k, end in enumerate(ends) if end > offset + 1)
        starts.append((offset, float(min(duration, token_starts[first]))))
    return tuple(starts)


def _prefix(aligner: Aligner, language: str) -> list[int] | None:
    tokenizer = aligner.tokenizer
    names = [START_OF_TRANSCRIPT, f"<|{language.split('-')[0].lower()}|>", TRANSCRIBE]
    names.append(NO_TIMESTAMPS)
    ids = [tokenizer.token_to_id(name) for name in names]
    if ids[1] is None:  # a language Whisper has no token for: let it guess
        ids.pop(1)
    if any(token is None for token in ids):
        return None
    return [int(token) for token in ids]


def _at_whisper_rate(audio: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    mono = np.asarray(audio, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    if sample_rate == WHISPER_RATE_HZ:
        return mono
    divisor = int(np.gcd(sample_rate, WHISPER_RATE_HZ))
    resampled = resample_poly(mono, WHISPER_RATE_HZ // divisor, sample_rate // divisor)
    return np.asarray(resampled, dtype=np.float32)


def _attention(
    aligner: Aligner,
    samples: npt.NDArray[np.float32],
    prefix: list[int],
    tokens: list[int],
    frames: int,
) -> npt.NDArray[np.float64]:
    """(text tokens + 1, frames): the standardised, filtered, head-averaged cross-attention
    of the rows that predict each text token and the end of text."""
    import torch

    model = aligner.model
    inputs = aligner.features(samples, sampling_rate=WHISPER_RATE_HZ, return_tensors="pt")
    features = inputs.input_features.to(device=aligner.device, dtype=model.dtype)
    decoder_ids = torch.tensor([prefix + tokens], device=aligner.device)
    with torch.inference_mode():
        output = model(
            input_features=features, decoder_input_ids=decoder_ids, output_attentions=True
        )
    first = len(prefix) - 1  # the no-timestamps position predicts the first text token
    weights = np.stack(
        [
            output.cross_attentions[layer][0, head, first:, :frames].float().cpu().numpy()
            for layer, head in aligner.heads
        ]
    ).astype(np.float64)
    mean = weights.mean(axis=1, keepdims=True)
    spread = weights.std(axis=1, keepdims=True)
    weights = (weights - mean) / np.maximum(spread, 1e-8)
    if frames >= MEDIAN_WIDTH:
        weights = np.asarray(running_median(weights, MEDIAN_WIDTH), dtype=np.float64)
    return np.asarray(weights.mean(axis=0), dtype=np.float64)
