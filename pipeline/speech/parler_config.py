"""The settings of a Parler-TTS checkpoint, read from its config.json and generation_config.json.

A Parler-TTS folder (as ai4bharat/indic-parler-tts ships it) holds one config.json with three
parts: "text_encoder" (a T5 config: the voice description's encoder), "audio_encoder" (the
DAC codec, model_type "dac" or "dac_on_the_hub") and "decoder" (the codebook decoder), plus
the top level's prompt vocabulary size and prompt_cross_attention. The defaults below are
those of parler-tts' own configuration classes, used where a key is absent.

DAC's layout is fixed in parler-tts' wrapper (encoder width 64, rates 2/4/8/8, decoder width
1536, rates 8/8/4/2, codebook_dim 8); the optional audio_encoder keys encoder_dim,
encoder_rates, decoder_dim, decoder_rates and codebook_dim are this studio's extension so a
tiny test checkpoint can be smaller. A real checkpoint never has them and gets the fixed ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import BackendUnavailableError

CONFIG_FILE = "config.json"
GENERATION_CONFIG_FILE = "generation_config.json"

DAC_ENCODER_DIM = 64
DAC_ENCODER_RATES = (2, 4, 8, 8)
DAC_DECODER_DIM = 1536
DAC_DECODER_RATES = (8, 8, 4, 2)
DAC_CODEBOOK_DIM = 8
"""The DAC 44.1 kHz layout parler-tts builds (descript-audio-codec's defaults)."""
DEFAULT_TOP_K = 50
"""transformers' GenerationConfig samples from the 50 likeliest tokens unless told otherwise."""


@dataclass(frozen=True)
class DecoderSettings:
    """The codebook decoder: a pre-norm transformer over summed codebook embeddings."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    num_cross_attention_key_value_heads: int
    ffn_dim: int
    activation_function: str
    max_position_embeddings: int
    num_codebooks: int
    scale_embedding: bool
    """Read for completeness: parler-tts computes the scale but never applies it."""
    rope_embeddings: bool
    rope_theta: float
    use_fused_lm_heads: bool

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads


@dataclass(frozen=True)
class CodecSettings:
    """The DAC codec that turns codebook frames into a waveform."""

    num_codebooks: int
    codebook_size: int
    latent_dim: int
    sampling_rate: int
    encoder_dim: int
    encoder_rates: tuple[int, ...]
    decoder_dim: int
    decoder_rates: tuple[int, ...]
    codebook_dim: int

    @property
    def hop_length(self) -> int:
        """Audio samples per codebook frame (512 for DAC 44.1 kHz)."""
        hop = 1
        for rate in self.decoder_rates:
            hop *= rate
        return hop

    @property
    def frame_rate_hz(self) -> float:
        return self.sampling_rate / self.hop_length


@dataclass(frozen=True)
class GenerationSettings:
    """How codebook frames are drawn: special tokens, length limit and sampling."""

    decoder_start_token_id: int
    bos_token_id: int
    eos_token_id: int
    pad_token_id: int
    max_length: int
    min_new_tokens: int
    do_sample: bool
    temperature: float
    top_k: int
    top_p: float


@dataclass(frozen=True)
class ParlerSettings:
    """Everything the loader and the generation loop need from the two config files."""

    text_encoder: dict[str, Any]
    """The T5 config of the description encoder (model_type removed)."""
    description_tokenizer: str
    """The hub name the description tokenizer comes from (text_encoder _name_or_path)."""
    prompt_vocab_size: int
    prompt_cross_attention: bool
    decoder: DecoderSettings
    codec: CodecSettings
    generation: GenerationSettings


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackendUnavailableError(
            f"The Parler-TTS file {path} is unreadable ({error})."
        ) from error
    if not isinstance(data, dict):
        raise BackendUnavailableError(f"The Parler-TTS file {path} is not a JSON object.")
    return data


def _decoder(raw: dict[str, Any]) -> DecoderSettings:
    heads = int(raw.get("num_attention_heads", 16))
    kv_heads = int(raw.get("num_key_value_heads") or heads)
    return DecoderSettings(
        vocab_size=int(raw.get("vocab_size", 2049)),
        hidden_size=int(raw.get("hidden_size", 1024)),
        num_hidden_layers=int(raw.get("num_hidden_layers", 24)),
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        num_cross_attention_key_value_heads=int(
            raw.get("num_cross_attention_key_value_heads") or kv_heads
        ),
        ffn_dim=int(raw.get("ffn_dim", 4096)),
        activation_function=str(raw.get("activation_function", "gelu")),
        max_position_embeddings=int(raw.get("max_position_embeddings", 2048)),
        num_codebooks=int(raw.get("num_codebooks", 4)),
        scale_embedding=bool(raw.get("scale_embedding", False)),
        rope_embeddings=bool(raw.get("rope_embeddings", False)),
        rope_theta=float(raw.get("rope_theta", 10_000.0)),
        use_fused_lm_heads=bool(raw.get("use_fused_lm_heads", False)),
    )


def codec_settings(raw: dict[str, Any]) -> CodecSettings:
    kind = raw.get("model_type")
    if kind not in ("dac", "dac_on_the_hub"):
        raise BackendUnavailableError(
            f"The Parler-TTS audio codec is {kind!r}; only DAC checkpoints are supported."
        )
    return CodecSettings(
        num_codebooks=int(raw.get("num_codebooks", 9)),
        codebook_size=int(raw.get("codebook_size", 1024)),
        latent_dim=int(raw.get("latent_dim", 1024)),
        sampling_rate=int(raw.get("sampling_rate", 44_100)),
        encoder_dim=int(raw.get("encoder_dim", DAC_ENCODER_DIM)),
        encoder_rates=tuple(int(r) for r in raw.get("encoder_rates", DAC_ENCODER_RATES)),
        decoder_dim=int(raw.get("decoder_dim", DAC_DECODER_DIM)),
        decoder_rates=tuple(int(r) for r in raw.get("decoder_rates", DAC_DECODER_RATES)),
        codebook_dim=int(raw.get("codebook_dim", DAC_CODEBOOK_DIM)),
    )


def _generation(raw: dict[str, Any], decoder: dict[str, Any]) -> GenerationSettings:
    bos = int(raw.get("bos_token_id", decoder.get("bos_token_id", 2049)))
    eos = int(raw.get("eos_token_id", decoder.get("eos_token_id", 2048)))
    return GenerationSettings(
        decoder_start_token_id=int(raw.get("decoder_start_token_id", bos)),
        bos_token_id=bos,
        eos_token_id=eos,
        pad_token_id=int(raw.get("pad_token_id", decoder.get("pad_token_id", eos))),
        max_length=int(raw.get("max_length", 2580)),
        min_new_tokens=int(raw.get("min_new_tokens") or 0),
        do_sample=bool(raw.get("do_sample", True)),
        temperature=float(raw.get("temperature", 1.0)),
        top_k=int(raw.get("top_k", DEFAULT_TOP_K) or 0),
        top_p=float(raw.get("top_p", 1.0)),
    )


def read_settings(folder: Path) -> ParlerSettings:
    """The settings of the Parler-TTS checkpoint in folder; BackendUnavailableError when the
    config is missing, unreadable or not a DAC-based Parler-TTS."""
    config = _read_json(folder / CONFIG_FILE)
    generation_path = folder / GENERATION_CONFIG_FILE
    generation = _read_json(generation_path) if generation_path.is_file() else {}
    parts = [config.get(part) for part in ("text_encoder", "audio_encoder", "decoder")]
    if not all(isinstance(part, dict) for part in parts):
        raise BackendUnavailableError(
            f"{folder / CONFIG_FILE} lacks the text_encoder, audio_encoder and decoder parts "
            "of a Parler-TTS config."
        )
    text_raw, audio_raw, decoder_raw = (dict(part) for part in parts if isinstance(part, dict))
    if text_raw.pop("model_type", "t5") != "t5":
        raise BackendUnavailableError("The Parler-TTS description encoder is not a T5 model.")
    return ParlerSettings(
        text_encoder=text_raw,
        description_tokenizer=str(text_raw.get("_name_or_path", "google/flan-t5-large")),
        prompt_vocab_size=int(config.get("vocab_size", 1024)),
        prompt_cross_attention=bool(config.get("prompt_cross_attention", False)),
        decoder=_decoder(decoder_raw),
        codec=codec_settings(audio_raw),
        generation=_generation(generation, decoder_raw),
    )
