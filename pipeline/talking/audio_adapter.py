"""InfiniteTalk's audio adapter, written for diffusers' Wan transformer.

Two parts, with the parameter names of InfiniteTalk's checkpoint so its adapter file loads
as is: `audio_proj` (on the transformer) turns per-frame wav2vec2 windows into 32 audio tokens
per latent frame, and in every block `norm_x` + `audio_cross_attn` let each latent frame's
video tokens attend to that frame's audio tokens, added to the residual stream between the
text/image cross-attention and the feed-forward. Single speaker only (InfiniteTalk's
two-speaker routing is not implemented).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from pipeline.talking.adapter_config import LATENT_STRIDE, AdapterConfig


class FloatLayerNorm(nn.LayerNorm):
    """LayerNorm computed in float32 (weights too, whatever the model's dtype) and returned
    in the input's dtype, as Wan's norms are."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = None if self.weight is None else self.weight.float()
        bias = None if self.bias is None else self.bias.float()
        normed = nn.functional.layer_norm(x.float(), self.normalized_shape, weight, bias, self.eps)
        return normed.type_as(x)


class AudioProjection(nn.Module):
    """Per-frame wav2vec2 windows -> `tokens` audio tokens per latent frame."""

    def __init__(self, config: AdapterConfig) -> None:
        super().__init__()
        features = config.layers * config.channels
        self.config = config
        self.proj1 = nn.Linear(config.window * features, config.intermediate)
        self.proj1_vf = nn.Linear(config.latent_window * features, config.intermediate)
        self.proj2 = nn.Linear(config.intermediate, config.intermediate)
        self.proj3 = nn.Linear(config.intermediate, config.tokens * config.token_dim)
        self.norm = FloatLayerNorm(config.token_dim)

    def forward(self, first: torch.Tensor, later: torch.Tensor) -> torch.Tensor:
        """first: (B, 1, window, layers, C); later: (B, T-1, window + 3, layers, C) ->
        (B, T, tokens, token_dim)."""
        batch = first.shape[0]
        head = torch.relu(self.proj1(first.flatten(2)))
        tail = torch.relu(self.proj1_vf(later.flatten(2)))
        hidden = torch.relu(self.proj2(torch.cat([head, tail], dim=1)))
        tokens = self.proj3(hidden).reshape(batch, -1, self.config.tokens, self.config.token_dim)
        normed: torch.Tensor = self.norm(tokens)
        return normed


def latent_windows(windows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-video-frame windows (B, F, window, layers, C), F = 4k + 1, regrouped per latent
    frame: the first frame's whole window, and for each later group of 4 frames the first
    frame's window up to its centre, the centres of the middle frames and the last frame's
    window from its centre (window + 3 audio frames)."""
    window = windows.shape[2]
    centre = window // 2
    first = windows[:, :1]
    groups = windows[:, 1:].reshape(windows.shape[0], -1, LATENT_STRIDE, *windows.shape[2:])
    later = torch.cat(
        [
            groups[:, :, 0, : centre + 1],
            groups[:, :, 1:-1, centre],
            groups[:, :, -1, centre:],
        ],
        dim=2,
    )
    return first, later


class AudioCrossAttention(nn.Module):
    """Video tokens of each latent frame attend to that frame's audio tokens."""

    def __init__(self, dim: int, heads: int, config: AdapterConfig) -> None:
        super().__init__()
        self.heads = heads
        self.q_linear = nn.Linear(dim, dim)
        self.kv_linear = nn.Linear(config.token_dim, dim * 2)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, audio: torch.Tensor) -> torch.Tensor:
        """x: (B, T * S, dim) video tokens, T latent frames; audio: (B, T, tokens, token_dim)."""
        batch, length, dim = x.shape
        frames = audio.shape[1]
        head_dim = dim // self.heads
        query = self.q_linear(x.reshape(batch * frames, length // frames, dim))
        query = query.unflatten(2, (self.heads, head_dim)).transpose(1, 2)
        key, value = (
            self.kv_linear(audio.flatten(0, 1)).unflatten(2, (2, self.heads, head_dim)).unbind(2)
        )
        attended = nn.functional.scaled_dot_product_attention(
            query, key.transpose(1, 2), value.transpose(1, 2)
        )
        out: torch.Tensor = self.proj(attended.transpose(1, 2).reshape(batch * frames, -1, dim))
        return out.reshape(batch, length, dim)


def attach_adapter(transformer: Any, config: AdapterConfig) -> None:
    """Add InfiniteTalk's audio modules to a diffusers WanTransformer3DModel, named as in its
    checkpoint: `audio_proj`, and `norm_x` + `audio_cross_attn` in every block."""
    heads = int(transformer.config.num_attention_heads)
    dim = heads * int(transformer.config.attention_head_dim)
    transformer.add_module("audio_proj", AudioProjection(config))
    for block in transformer.blocks:
        block.add_module("norm_x", FloatLayerNorm(dim, eps=config.eps, elementwise_affine=True))
        block.add_module("audio_cross_attn", AudioCrossAttention(dim, heads, config))


def adapter_keys(transformer: nn.Module) -> set[str]:
    """The state-dict keys of the audio modules attach_adapter added."""
    return {
        key
        for key in transformer.state_dict()
        if key.startswith("audio_proj.") or ".norm_x." in key or ".audio_cross_attn." in key
    }
