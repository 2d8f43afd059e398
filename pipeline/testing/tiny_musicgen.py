"""A tiny MusicGen built in code: T5 text encoder, EnCodec codec and decoder with seeded random
weights, a T5 tokenizer made from a small in-code vocabulary, saved with save_pretrained so
the backend loads it through the real from_pretrained path. Nothing is downloaded."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

SAMPLE_RATE_HZ = 32_000
FRAME_RATE_HZ = 50
"""EnCodec frames per second: 32 kHz over the upsampling ratios 8 x 5 x 4 x 4 = 640."""
NUM_CODEBOOKS = 4
CODEBOOK_SIZE = 16
MAX_POSITIONS = 512

PROMPT_WORDS = (
    "cinematic orchestral film score music strings brass ambient calm warm piano upbeat "
    "uplifting guitar drums devotional indian tanpura drone flute tabla peaceful instrumental"
)


def write_tiny_musicgen(folder: Path, seed: int = 0, channels: int = 1) -> Path:
    """Save a tiny MusicGen checkpoint (model + processor) into folder and return it; with
    channels=2 it is a stereo MusicGen (codebooks interleaved left/right, as musicgen-stereo)."""
    import torch
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
        T5Tokenizer,
    )

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [(f"▁{word}", -3.0) for word in sorted(set(PROMPT_WORDS.split()))]
    vocab += [(letter, -5.0) for letter in string.ascii_lowercase + string.digits + ",;.-"]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0)
    text_config = T5Config(
        vocab_size=len(vocab),
        d_model=16,
        d_kv=4,
        d_ff=32,
        num_layers=1,
        num_heads=2,
        relative_attention_num_buckets=8,
    )
    audio_config = EncodecConfig(
        sampling_rate=SAMPLE_RATE_HZ,
        upsampling_ratios=[8, 5, 4, 4],
        num_filters=4,
        hidden_size=16,
        codebook_size=CODEBOOK_SIZE,
        # bandwidth = codebooks x frame rate x log2(codebook size) bits/s
        target_bandwidths=[NUM_CODEBOOKS * FRAME_RATE_HZ * 4 / 1000],
        num_lstm_layers=1,
    )
    decoder_config = MusicgenDecoderConfig(
        vocab_size=CODEBOOK_SIZE,
        hidden_size=16,
        ffn_dim=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_codebooks=NUM_CODEBOOKS * channels,
        audio_channels=channels,
        pad_token_id=CODEBOOK_SIZE,
        bos_token_id=CODEBOOK_SIZE,
        max_position_embeddings=MAX_POSITIONS,
    )
    config = MusicgenConfig(
        text_encoder=text_config, audio_encoder=audio_config, decoder=decoder_config
    )
    torch.manual_seed(seed)
    model = MusicgenForConditionalGeneration(config)
    with torch.no_grad():
        # EnCodec codebooks start as zeros (real ones are learnt): give each code its own vector.
        quantizer: Any = model.audio_encoder.quantizer
        for layer in quantizer.layers:
            layer.codebook.embed.normal_()
            layer.codebook.embed_avg.copy_(layer.codebook.embed)
    model.generation_config.decoder_start_token_id = CODEBOOK_SIZE
    model.generation_config.pad_token_id = CODEBOOK_SIZE
    model.generation_config.do_sample = True
    model.generation_config.guidance_scale = 3.0
    processor = MusicgenProcessor(  # type: ignore[no-untyped-call]
        feature_extractor=EncodecFeatureExtractor(
            feature_size=channels, sampling_rate=SAMPLE_RATE_HZ
        ),
        tokenizer=tokenizer,
    )
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
