"""A tiny InfiniteTalk folder built in code, in the real layout (pipeline.talking.model_files):
a Wan2.1 image-to-video diffusers pipeline (Wan 3D transformer with image cross-attention,
Wan2.1 VAE with 16 latent channels, CLIP vision encoder, small UMT5, UniPC flow scheduler), a
small wav2vec2 speech encoder with its feature extractor, and the audio adapter saved under
InfiniteTalk's parameter names, plus one base weight in the original Wan layout (as an adapter
file that carries base weights would have). Seeded random weights; nothing is downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.neural.talking_models import ADAPTER_PATH, WAN_SUBFOLDER, WAV2VEC_SUBFOLDER
from pipeline.talking.adapter_config import AdapterConfig
from pipeline.talking.audio_adapter import adapter_keys, attach_adapter
from pipeline.testing.tiny_wan import TEXT_DIM, _tokenizer

LATENT_CHANNELS = 16
"""The Wan2.1 VAE's latent channels."""
IMAGE_DIM = 16
"""Width of the tiny CLIP vision states (the real ViT-H gives 1280)."""
SPEECH_LAYERS = 2
SPEECH_WIDTH = 8
ADAPTER = AdapterConfig(
    layers=SPEECH_LAYERS, channels=SPEECH_WIDTH, intermediate=16, tokens=4, token_dim=8
)
ORIGINAL_NAME = "blocks.0.self_attn.q.weight"
"""A base weight the tiny adapter file also carries, in the original Wan layout."""
_DIFFUSERS_NAME = "blocks.0.attn1.to_q.weight"


def _wan_pipeline(seed: int) -> Any:
    import diffusers
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModel,
        UMT5Config,
        UMT5EncoderModel,
    )

    library: Any = diffusers  # diffusers' constructors are untyped
    torch.manual_seed(seed)
    vae = library.AutoencoderKLWan(
        base_dim=8, z_dim=LATENT_CHANNELS, dim_mult=[1, 1, 1, 1], num_res_blocks=1
    )
    transformer = library.WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=2 * LATENT_CHANNELS + 4,
        out_channels=LATENT_CHANNELS,
        text_dim=TEXT_DIM,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        image_dim=IMAGE_DIM,
        added_kv_proj_dim=24,
        rope_max_seq_len=32,
    )
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=12,
            d_model=TEXT_DIM,
            d_kv=8,
            d_ff=32,
            num_layers=1,
            num_heads=2,
            relative_attention_num_buckets=8,
        )
    )
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=IMAGE_DIM,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            patch_size=16,
        )
    )
    processor = CLIPImageProcessor(
        size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}
    )
    scheduler = library.UniPCMultistepScheduler(
        prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
    )
    return library.WanImageToVideoPipeline(
        tokenizer=_tokenizer(),
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        transformer=transformer,
        image_encoder=image_encoder,
        image_processor=processor,
    )


def _write_speech_encoder(folder: Path, seed: int) -> None:
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model

    torch.manual_seed(seed)
    model = Wav2Vec2Model(
        Wav2Vec2Config(
            hidden_size=SPEECH_WIDTH,
            num_hidden_layers=SPEECH_LAYERS,
            num_attention_heads=2,
            intermediate_size=16,
            conv_dim=(8, 8),
            conv_stride=(5, 4),
            conv_kernel=(10, 4),
            num_conv_pos_embeddings=8,
            num_conv_pos_embedding_groups=2,
        )
    )
    model.save_pretrained(folder)
    extractor: Any = Wav2Vec2FeatureExtractor  # its constructor is untyped
    extractor(
        feature_size=1, sampling_rate=16_000, padding_value=0.0, do_normalize=True
    ).save_pretrained(folder)


def write_tiny_infinitetalk(folder: Path, seed: int = 0) -> Path:
    """Save a tiny InfiniteTalk folder (base, speech encoder, adapter) into folder."""
    import torch
    from safetensors.torch import save_file

    pipeline = _wan_pipeline(seed)
    pipeline.save_pretrained(folder / WAN_SUBFOLDER)
    _write_speech_encoder(folder / WAV2VEC_SUBFOLDER, seed)
    transformer = pipeline.transformer
    torch.manual_seed(seed + 1)
    attach_adapter(transformer, ADAPTER)
    state = transformer.state_dict()
    adapter = {key: state[key].contiguous() for key in sorted(adapter_keys(transformer))}
    adapter[ORIGINAL_NAME] = state[_DIFFUSERS_NAME].contiguous()
    target = folder / ADAPTER_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    save_file(adapter, target)
    return folder
