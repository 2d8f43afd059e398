"""A tiny Stable Video Diffusion pipeline built in code: spatio-temporal UNet, temporal-decoder
VAE, CLIP vision encoder and image processor, Euler scheduler, all from small configs with
seeded random weights, saved with save_pretrained so the backend loads it through the real
from_pretrained path. Nothing is downloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NUM_FRAMES = 4
"""The tiny UNet's default clip length (SVD img2vid uses 14, img2vid-xt 25)."""
CLIP_IMAGE_SIZE = 224
"""The pipeline resizes the conditioning image to 224x224 for CLIP whatever the model."""


def write_tiny_video_pipeline(folder: Path, seed: int = 0, variant: str | None = None) -> Path:
    """Save a tiny image-to-video pipeline into folder (optionally as an fp16-named variant)."""
    import diffusers
    import torch
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    # diffusers' constructors are untyped: reach them through the module (typed Any).
    library: Any = diffusers
    torch.manual_seed(seed)
    unet = library.UNetSpatioTemporalConditionModel(
        sample_size=8,
        in_channels=8,
        out_channels=4,
        down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
        up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
        block_out_channels=(32, 64),
        layers_per_block=1,
        cross_attention_dim=32,
        num_attention_heads=2,
        addition_time_embed_dim=8,
        projection_class_embeddings_input_dim=3 * 8,
        num_frames=NUM_FRAMES,
    )
    vae = library.AutoencoderKLTemporalDecoder(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        block_out_channels=(32, 64),
        layers_per_block=1,
        latent_channels=4,
    )
    image_encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32,
            projection_dim=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=32,
            image_size=CLIP_IMAGE_SIZE,
            patch_size=32,
        )
    )
    feature_extractor = CLIPImageProcessor(
        crop_size={"height": CLIP_IMAGE_SIZE, "width": CLIP_IMAGE_SIZE},
        size={"shortest_edge": CLIP_IMAGE_SIZE},
    )
    scheduler = library.EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        interpolation_type="linear",
        num_train_timesteps=1000,
        prediction_type="v_prediction",
        sigma_max=700.0,
        sigma_min=0.002,
        steps_offset=1,
        timestep_spacing="leading",
        timestep_type="continuous",
        use_karras_sigmas=True,
    )
    pipeline = library.StableVideoDiffusionPipeline(
        vae=vae,
        image_encoder=image_encoder,
        unet=unet,
        scheduler=scheduler,
        feature_extractor=feature_extractor,
    )
    folder.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(folder, variant=variant)
    return folder
