"""A tiny MuseTalk built in code: a small UNet2DConditionModel (8 input channels, audio
cross-attention), a small AutoencoderKL with the same 8x downsampling as sd-vae-ft-mse and a
small whisper encoder, with seeded random weights, saved in the real weights' layout
(musetalkV15/musetalk.json + unet.pth, sd-vae/, whisper/) so the backend loads it through its
real loading path. Nothing is downloaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AUDIO_WIDTH = 32
"""The tiny whisper's d_model (whisper-tiny's is 384) and the UNet's cross-attention width."""
ENCODER_LAYERS = 2

UNET_CONFIG: dict[str, Any] = {
    "sample_size": 32,
    "in_channels": 8,
    "out_channels": 4,
    "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
    "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
    "block_out_channels": [16, 32],
    "layers_per_block": 1,
    "cross_attention_dim": AUDIO_WIDTH,
    "attention_head_dim": 8,
    "norm_num_groups": 8,
}


def write_tiny_musetalk(folder: Path, seed: int = 0) -> Path:
    """Save a tiny MuseTalk into folder (MODEL_DIR/musetalk's layout) and return folder."""
    import diffusers
    import torch
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel

    library: Any = diffusers  # diffusers' constructors are untyped
    torch.manual_seed(seed)
    unet_folder = folder / "musetalkV15"
    unet_folder.mkdir(parents=True, exist_ok=True)
    unet = library.UNet2DConditionModel(**UNET_CONFIG)
    with torch.no_grad():  # random output layers, so the audio visibly matters
        unet.conv_out.weight.normal_(0.0, 0.2)
    (unet_folder / "musetalk.json").write_text(json.dumps(UNET_CONFIG), encoding="utf-8")
    torch.save(unet.state_dict(), unet_folder / "unet.pth")
    vae = library.AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 4,
        up_block_types=["UpDecoderBlock2D"] * 4,
        block_out_channels=[8, 8, 16, 16],
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=8,
        sample_size=256,
    )
    vae.save_pretrained(folder / "sd-vae", safe_serialization=True)
    config = WhisperConfig(
        vocab_size=64,
        num_mel_bins=80,
        d_model=AUDIO_WIDTH,
        encoder_layers=ENCODER_LAYERS,
        encoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_layers=1,
        decoder_attention_heads=2,
        decoder_ffn_dim=64,
        max_source_positions=1500,
        max_target_positions=16,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=1,
    )
    whisper: Any = WhisperModel(config)
    whisper.save_pretrained(folder / "whisper", safe_serialization=True)
    extractor_class: Any = WhisperFeatureExtractor
    extractor = extractor_class(feature_size=80)
    extractor.save_pretrained(folder / "whisper")
    return folder
