"""A tiny ACE-Step 1.5 pipeline built in code: Oobleck VAE, Qwen3 text encoder with a byte-level
BPE tokenizer, condition encoder (lyric + timbre encoders) and DiT transformer, all from small
configs with seeded random weights, saved with save_pretrained into the diffusers folder
layout of ACE-Step/acestep-v15-xl-turbo-diffusers (model_index.json, scheduler/, vae/,
text_encoder/, tokenizer/, condition_encoder/, transformer/) so the backend loads it through
the real from_pretrained path. Nothing is downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SAMPLE_RATE_HZ = 48_000
"""ACE-Step 1.5's VAE rate."""
DOWNSAMPLING = {48_000: (2, 4, 4, 6, 10), 32_000: (2, 4, 4, 5, 10)}
"""VAE hop per rate: 1920 samples (25 latent frames a second) at 48 kHz, as the real VAE;
1600 at 32 kHz, for testing the resampling to the film rate."""
LATENT_CHANNELS = 8
"""Acoustic latent width (the real VAE has 64)."""
TEXT_DIM = 16
"""Hidden size of the tiny Qwen3 text encoder (the real Qwen3-Embedding-0.6B has 1024)."""
CONDITION_DIM = 16
END_OF_TEXT = "<|endoftext|>"
"""Qwen's end-of-text token, which the pipeline's prompt templates write out."""


def _tokenizer() -> Any:
    """A byte-level BPE tokenizer over the 256 byte symbols plus end-of-text (any text encodes)."""
    import transformers
    from tokenizers import Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {symbol: index for index, symbol in enumerate(alphabet)}
    backend = Tokenizer(BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    library: Any = transformers  # the tokenizer constructor is untyped
    tokenizer = library.PreTrainedTokenizerFast(tokenizer_object=backend, model_max_length=4096)
    tokenizer.add_special_tokens({"eos_token": END_OF_TEXT, "pad_token": END_OF_TEXT})
    return tokenizer


def write_tiny_acestep(folder: Path, seed: int = 0, sample_rate: int = SAMPLE_RATE_HZ) -> Path:
    """Save a tiny ACE-Step turbo pipeline (stereo, sample_rate 48000 or 32000) into folder."""
    import diffusers
    import torch
    from diffusers.pipelines.ace_step.modeling_ace_step import AceStepConditionEncoder
    from transformers import Qwen3Config, Qwen3Model

    library: Any = diffusers  # diffusers' constructors are untyped
    encoder_class: Any = AceStepConditionEncoder
    torch.manual_seed(seed)
    tokenizer = _tokenizer()
    text_encoder = Qwen3Model(
        Qwen3Config(
            vocab_size=len(tokenizer),
            hidden_size=TEXT_DIM,
            intermediate_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
            head_dim=8,
            max_position_embeddings=4096,
        )
    )
    vae = library.AutoencoderOobleck(
        encoder_hidden_size=2 * LATENT_CHANNELS,
        downsampling_ratios=list(DOWNSAMPLING[sample_rate]),
        channel_multiples=[1, 1, 1, 1, 1],
        decoder_channels=2,
        decoder_input_channels=LATENT_CHANNELS,
        audio_channels=2,
        sampling_rate=sample_rate,
    )
    shared = {
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "head_dim": 8,
        "intermediate_size": 32,
        "sliding_window": 16,
    }
    condition_encoder = encoder_class(
        hidden_size=CONDITION_DIM,
        text_hidden_dim=TEXT_DIM,
        timbre_hidden_dim=LATENT_CHANNELS,
        num_lyric_encoder_hidden_layers=1,
        num_timbre_encoder_hidden_layers=1,
        **shared,
    )
    with torch.no_grad():  # the real buffer holds VAE-encoded silence; give it some texture
        condition_encoder.silence_latent.normal_(0.0, 0.5)
    transformer = library.AceStepTransformer1DModel(
        hidden_size=24,
        num_hidden_layers=2,
        in_channels=3 * LATENT_CHANNELS,  # noisy latents + source latents + chunk mask
        audio_acoustic_hidden_dim=LATENT_CHANNELS,
        patch_size=2,
        encoder_hidden_size=CONDITION_DIM,  # the XL turbo's DiT is wider than its conditions
        is_turbo=True,
        model_version="turbo",
        **shared,
    )
    scheduler = library.FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0)
    pipeline = library.AceStepPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        transformer=transformer,
        condition_encoder=condition_encoder,
        scheduler=scheduler,
    )
    folder.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(folder)
    # The real transformer comes in two shards with an index: save it that way too.
    (folder / "transformer" / "diffusion_pytorch_model.safetensors").unlink()
    weight_bytes = sum(p.numel() * p.element_size() for p in transformer.parameters())
    transformer.save_pretrained(folder / "transformer", max_shard_size=weight_bytes * 2 // 3)
    return folder
