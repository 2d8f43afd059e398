"""A tiny Whisper built in code for the word aligner: a small WhisperForConditionalGeneration
with seeded random weights, a byte-level tokenizer (the 256 byte symbols plus Whisper's
special tokens), a feature extractor and a generation config with alignment heads, saved in
the transformers layout of MODEL_DIR/whisper-small. Nothing is downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|en|>",
    "<|hi|>",
    "<|transcribe|>",
    "<|notimestamps|>",
)
"""Whisper's special tokens that the aligner uses (two languages are enough)."""
DECODER_LAYERS = 2
HEADS = 2


def byte_tokenizer() -> Any:
    """A byte-level BPE tokenizer (no merges: one token per byte) with the special tokens."""
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    backend = Tokenizer(BPE(vocab={s: i for i, s in enumerate(alphabet)}, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.add_special_tokens([AddedToken(token, special=True) for token in SPECIAL_TOKENS])
    return backend


def write_tiny_whisper(folder: Path, seed: int = 0, alignment_heads: bool = True) -> Path:
    """Save a tiny Whisper aligner into folder and return folder; without alignment_heads the
    generation config names none (the aligner then uses the last half of the layers)."""
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
    )

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = byte_tokenizer()
    tokenizer.save(str(folder / "tokenizer.json"))
    end = tokenizer.token_to_id("<|endoftext|>")
    start = tokenizer.token_to_id("<|startoftranscript|>")
    torch.manual_seed(seed)
    config = WhisperConfig(
        vocab_size=tokenizer.get_vocab_size(),
        num_mel_bins=80,
        d_model=32,
        encoder_layers=1,
        encoder_attention_heads=HEADS,
        encoder_ffn_dim=64,
        decoder_layers=DECODER_LAYERS,
        decoder_attention_heads=HEADS,
        decoder_ffn_dim=64,
        max_source_positions=1500,
        max_target_positions=128,
        pad_token_id=end,
        bos_token_id=end,
        eos_token_id=end,
        decoder_start_token_id=start,
    )
    model_class: Any = WhisperForConditionalGeneration
    model = model_class(config)
    generation_class: Any = GenerationConfig
    generation = generation_class(decoder_start_token_id=start, eos_token_id=end, pad_token_id=end)
    if alignment_heads:
        generation.alignment_heads = [[1, 0], [1, 1]]
    model.generation_config = generation
    model.save_pretrained(folder, safe_serialization=True)
    extractor_class: Any = WhisperFeatureExtractor
    extractor_class(feature_size=80).save_pretrained(folder)
    return folder
