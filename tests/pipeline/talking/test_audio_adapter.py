"""InfiniteTalk's audio adapter on diffusers' Wan transformer: names, windows, forward pass."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from pipeline.talking.adapter_config import AdapterConfig
from pipeline.talking.audio_adapter import adapter_keys, attach_adapter, latent_windows
from pipeline.talking.audio_forward import talking_forward
from pipeline.talking.wan_keys import diffusers_name

CONFIG = AdapterConfig(layers=2, channels=3, intermediate=8, tokens=4, token_dim=6)


def _transformer(layers: int = 2) -> Any:
    import diffusers

    library: Any = diffusers
    torch.manual_seed(0)
    return library.WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=36,
        out_channels=16,
        text_dim=32,
        freq_dim=32,
        ffn_dim=32,
        num_layers=layers,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        image_dim=16,
        added_kv_proj_dim=24,
        rope_max_seq_len=32,
    ).eval()


def _original_names(layers: int) -> set[str]:
    """Every weight name of InfiniteTalk's WanModel (Wan2.1 I2V) with the audio adapter."""
    top = {
        "patch_embedding.weight",
        "patch_embedding.bias",
        "head.modulation",
        *(
            f"{m}.{p}"
            for m in (
                "text_embedding.0",
                "text_embedding.2",
                "time_embedding.0",
                "time_embedding.2",
                "time_projection.1",
                "head.head",
                "img_emb.proj.0",
                "img_emb.proj.1",
                "img_emb.proj.3",
                "img_emb.proj.4",
                "audio_proj.proj1",
                "audio_proj.proj1_vf",
                "audio_proj.proj2",
                "audio_proj.proj3",
                "audio_proj.norm",
            )
            for p in ("weight", "bias")
        ),
    }
    linear = (
        "self_attn.q",
        "self_attn.k",
        "self_attn.v",
        "self_attn.o",
        "cross_attn.q",
        "cross_attn.k",
        "cross_attn.v",
        "cross_attn.o",
        "cross_attn.k_img",
        "cross_attn.v_img",
        "norm3",
        "ffn.0",
        "ffn.2",
        "norm_x",
        "audio_cross_attn.q_linear",
        "audio_cross_attn.kv_linear",
        "audio_cross_attn.proj",
    )
    norms = (
        "self_attn.norm_q",
        "self_attn.norm_k",
        "cross_attn.norm_q",
        "cross_attn.norm_k",
        "cross_attn.norm_k_img",
    )
    for n in range(layers):
        top.add(f"blocks.{n}.modulation")
        top |= {f"blocks.{n}.{m}.{p}" for m in linear for p in ("weight", "bias")}
        top |= {f"blocks.{n}.{m}.weight" for m in norms}
    return top


def test_original_wan_names_map_one_to_one_onto_the_adapted_diffusers_model() -> None:
    model = _transformer()
    attach_adapter(model, CONFIG)
    mapped = {diffusers_name(name) for name in _original_names(2)}
    assert mapped == set(model.state_dict())
    assert diffusers_name("blocks.0.unknown.weight") is None


def test_adapter_adds_infinitetalk_names_only() -> None:
    model = _transformer()
    before = set(model.state_dict())
    attach_adapter(model, CONFIG)
    added = set(model.state_dict()) - before
    assert added == adapter_keys(model)
    assert "audio_proj.proj1_vf.weight" in added
    assert model.state_dict()["audio_proj.proj1.weight"].shape == (8, 5 * 2 * 3)
    assert model.state_dict()["audio_proj.proj1_vf.weight"].shape == (8, 8 * 2 * 3)
    assert model.state_dict()["blocks.1.audio_cross_attn.kv_linear.weight"].shape == (48, 6)


def test_latent_windows_follow_the_four_frame_groups() -> None:
    windows = torch.arange(9 * 5, dtype=torch.float32).reshape(1, 9, 5, 1, 1)
    first, later = latent_windows(windows)
    assert first.shape == (1, 1, 5, 1, 1) and later.shape == (1, 2, 8, 1, 1)
    flat = later[0, 0, :, 0, 0].tolist()
    # frame 1's window up to its centre, the centres of frames 2 and 3, frame 4's from it
    assert flat == [5, 6, 7, 12, 17, 22, 23, 24]


def test_forward_matches_diffusers_when_the_audio_path_adds_nothing() -> None:
    model = _transformer()
    torch.manual_seed(1)
    latents = torch.randn(1, 36, 3, 4, 4)
    timestep = torch.tensor([500.0])
    text = torch.randn(1, 6, 32)
    image = torch.randn(1, 5, 16)
    with torch.inference_mode():
        reference = model(latents, timestep, text, image, return_dict=False)[0]
    attach_adapter(model, CONFIG)
    audio = latent_windows(torch.randn(1, 9, 5, 2, 3))
    with torch.no_grad():
        for block in model.blocks:
            block.audio_cross_attn.proj.weight.zero_()
            block.audio_cross_attn.proj.bias.zero_()
        silent = talking_forward(model, latents, timestep, text, image, audio)
        torch.testing.assert_close(silent, reference)
        model.blocks[0].audio_cross_attn.proj.weight.normal_()
        heard = talking_forward(model, latents, timestep, text, image, audio)
        other = talking_forward(
            model, latents, timestep, text, image, latent_windows(torch.randn(1, 9, 5, 2, 3))
        )
    assert not torch.allclose(heard, reference)
    assert not torch.allclose(heard, other)


@pytest.mark.parametrize("frames", [5, 13])
def test_latent_frame_count_matches_the_video(frames: int) -> None:
    _, later = latent_windows(torch.zeros(2, frames, 5, 2, 3))
    assert 1 + later.shape[1] == (frames - 1) // 4 + 1
