"""The forward pass of a diffusers Wan2.1 transformer that carries InfiniteTalk's adapter.

diffusers' WanTransformer3DModel.forward has no audio input, so this runs the same modules in
the same order (patch embedding, time/text/image conditioning, blocks, output head) and, in
each block, adds the audio cross-attention after the text/image cross-attention, as
InfiniteTalk's blocks do. Wan2.1 only (one timestep per sample, no per-token timesteps).
"""

from __future__ import annotations

from typing import Any

import torch


def _block(
    block: Any,
    x: torch.Tensor,
    context: torch.Tensor,
    modulation: torch.Tensor,
    rotary: Any,
    audio: torch.Tensor,
) -> torch.Tensor:
    shift, scale, gate, ff_shift, ff_scale, ff_gate = (
        block.scale_shift_table + modulation.float()
    ).chunk(6, dim=1)
    normed = (block.norm1(x.float()) * (1 + scale) + shift).type_as(x)
    x = (x.float() + block.attn1(normed, None, None, rotary) * gate).type_as(x)
    x = x + block.attn2(block.norm2(x.float()).type_as(x), context, None, None)
    x = x + block.audio_cross_attn(block.norm_x(x), audio)
    normed = (block.norm3(x.float()) * (1 + ff_scale) + ff_shift).type_as(x)
    out: torch.Tensor = (x.float() + block.ffn(normed).float() * ff_gate).type_as(x)
    return out


def talking_forward(
    transformer: Any,
    latents: torch.Tensor,
    timestep: torch.Tensor,
    text: torch.Tensor,
    image: torch.Tensor,
    audio_windows: tuple[torch.Tensor, torch.Tensor],
) -> torch.Tensor:
    """The velocity for latents (B, C, T, H, W) with the condition channels already
    concatenated; text (B, L, text_dim), image (B, N, image_dim) CLIP states, audio_windows
    the (first, later) per-latent-frame wav2vec2 windows (audio_adapter.latent_windows)."""
    batch, _, frames, height, width = latents.shape
    p_t, p_h, p_w = transformer.config.patch_size
    rotary = transformer.rope(latents)
    x = transformer.patch_embedding(latents).flatten(2).transpose(1, 2).contiguous()
    temb, modulation, context, image_context = transformer.condition_embedder(timestep, text, image)
    modulation = modulation.unflatten(1, (6, -1))
    context = torch.cat([image_context, context], dim=1)
    first, later = audio_windows
    audio = transformer.audio_proj(first.to(x.dtype), later.to(x.dtype)).to(x.dtype)
    for block in transformer.blocks:
        x = _block(block, x, context, modulation, rotary, audio)
    shift, scale = (transformer.scale_shift_table + temb.unsqueeze(1)).chunk(2, dim=1)
    x = (transformer.norm_out(x.float()) * (1 + scale) + shift).type_as(x)
    x = transformer.proj_out(x)
    x = x.reshape(batch, frames // p_t, height // p_h, width // p_w, p_t, p_h, p_w, -1)
    out: torch.Tensor = x.permute(0, 7, 1, 4, 2, 5, 3, 6).flatten(6, 7).flatten(4, 5).flatten(2, 3)
    return out
