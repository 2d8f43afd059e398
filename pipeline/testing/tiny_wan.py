"""A tiny Wan2.2 TI2V pipeline built in code: Wan 3D transformer, Wan2.2 VAE (48 latent
channels, 16x spatial compression), a small UMT5 text encoder with a word-level tokenizer and
the UniPC flow scheduler, all from small configs with seeded random weights, saved with
save_pretrained so the backend loads it through the real from_pretrained path. Nothing is
downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEXT_DIM = 32
"""Width of the tiny text encoder's output (the real UMT5-XXL gives 4096)."""
MAX_TEXT_TOKENS = 16
LATENT_CHANNELS = 48
"""The Wan2.2 VAE's latent channels (TI2V-5B)."""
_WORDS = ("a", "slow", "camera", "move", "scene", "film", "shot", "still", "light")


def _tokenizer() -> Any:
    import transformers
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2, **{w: i + 3 for i, w in enumerate(_WORDS)}}
    backend = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = Whitespace()
    library: Any = transformers  # the tokenizer constructor is untyped
    return library.PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=MAX_TEXT_TOKENS,
    )


def write_tiny_wan_pipeline(folder: Path, seed: int = 0) -> Path:
    """Save a tiny Wan2.2 TI2V (text/image-to-video) pipeline into folder."""
    import diffusers
    import torch
    from transformers import UMT5Config, UMT5EncoderModel

    library: Any = diffusers  # diffusers' constructors are untyped
    torch.manual_seed(seed)
    vae = library.AutoencoderKLWan(
        base_dim=3,
        z_dim=LATENT_CHANNELS,
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        latents_mean=[0.0] * LATENT_CHANNELS,
        latents_std=[1.0] * LATENT_CHANNELS,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        temperal_downsample=[False, True, True],
    )
    transformer = library.WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=LATENT_CHANNELS,
        out_channels=LATENT_CHANNELS,
        text_dim=TEXT_DIM,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(_WORDS) + 3,
            d_model=TEXT_DIM,
            d_kv=8,
            d_ff=32,
            num_layers=1,
            num_heads=2,
            relative_attention_num_buckets=8,
        )
    )
    scheduler = library.UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0
    )
    pipeline = library.WanImageToVideoPipeline(
        tokenizer=_tokenizer(),
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        transformer=transformer,
        expand_timesteps=True,
    )
    folder.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(folder)
    return folder
