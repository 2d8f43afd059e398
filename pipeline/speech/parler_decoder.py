"""Parler-TTS's codebook decoder, run step by step on its checkpoint tensors.

The decoder (parler-tts' ParlerTTSDecoder, `decoder.model.decoder.*` in the checkpoint) is a
pre-norm transformer: the input of each position is the sum of one embedding per codebook
(`embed_tokens.{k}`, vocab_size + 1 rows), or the transcript's prompt embeddings placed in
front of the first frame; absolute sinusoidal positions are added (`embed_positions.weights`,
cosines then sines) unless the config asks for rotary ones. Each layer `layers.{i}` has
self-attention, cross-attention to the description (both with q/k/v/out projections without
bias, grouped key/value heads allowed) and a two-layer feed-forward without bias, each after
its LayerNorm; a final `layer_norm` and one head per codebook (`decoder.lm_heads.{k}`, or one
fused head) give the logits. Keys and values are kept in a cache allocated once per sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.speech.parler_config import DecoderSettings

if TYPE_CHECKING:
    import torch

LAYER_NORM_EPS = 1e-5
"""torch.nn.LayerNorm's default epsilon, which every decoder norm uses."""
SINUSOID_BASE = 10_000.0


def sinusoids(positions: int, width: int) -> torch.Tensor:
    """(positions, width) table: cosines in the first half, sines in the second (the
    tensor2tensor layout parler-tts uses, frequencies spaced over half_width - 1 steps)."""
    import torch

    half = width // 2
    step = math.log(SINUSOID_BASE) / max(1, half - 1)
    rates = torch.exp(torch.arange(half, dtype=torch.float32) * -step)
    angles = torch.arange(positions, dtype=torch.float32)[:, None] * rates[None, :]
    table = torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)
    if width % 2:
        table = torch.cat([table, torch.zeros(positions, 1)], dim=1)
    return table


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


@dataclass(eq=False)
class DecoderWeights:
    """The decoder's tensors on the run device, keyed by their checkpoint names without the
    `decoder.model.decoder.` prefix (heads as `lm_heads`, stacked [codebooks, vocab, width])."""

    settings: DecoderSettings
    tensors: dict[str, torch.Tensor]
    positions: torch.Tensor | None
    lm_heads: torch.Tensor

    def t(self, name: str) -> torch.Tensor:
        return self.tensors[name]


@dataclass(eq=False)
class DecoderCache:
    """Self-attention keys/values per layer (filled up to `length`) and the cross-attention
    keys/values of the description, computed once."""

    self_keys: list[torch.Tensor]
    self_values: list[torch.Tensor]
    cross_keys: list[torch.Tensor]
    cross_values: list[torch.Tensor]
    length: int = 0


def _project(x: torch.Tensor, weight: torch.Tensor, heads: int) -> torch.Tensor:
    """[1, T, width] @ weight -> [1, heads, T, head_dim]."""
    batch, steps, _ = x.shape
    return (x @ weight.T).view(batch, steps, heads, -1).transpose(1, 2)


def new_cache(weights: DecoderWeights, encoder_states: torch.Tensor, capacity: int) -> DecoderCache:
    """A cache for up to capacity positions, with the description's keys and values."""
    import torch

    s = weights.settings
    shape = (1, s.num_key_value_heads, capacity, s.head_dim)
    cache = DecoderCache([], [], [], [])
    for i in range(s.num_hidden_layers):
        dtype, device = encoder_states.dtype, encoder_states.device
        cache.self_keys.append(torch.zeros(shape, dtype=dtype, device=device))
        cache.self_values.append(torch.zeros(shape, dtype=dtype, device=device))
        prefix = f"layers.{i}.encoder_attn."
        heads = s.num_cross_attention_key_value_heads
        cache.cross_keys.append(
            _project(encoder_states, weights.t(prefix + "k_proj.weight"), heads)
        )
        cache.cross_values.append(
            _project(encoder_states, weights.t(prefix + "v_proj.weight"), heads)
        )
    return cache


def _rope(weights: DecoderWeights, start: int, steps: int, like: torch.Tensor) -> torch.Tensor:
    """[steps, head_dim] angles of the rotary embedding at positions start.."""
    import torch

    s = weights.settings
    rates = 1.0 / (
        s.rope_theta
        ** (torch.arange(0, s.head_dim, 2, dtype=torch.float32, device=like.device) / s.head_dim)
    )
    positions = torch.arange(start, start + steps, dtype=torch.float32, device=like.device)
    angles = positions[:, None] * rates[None, :]
    return torch.cat([angles, angles], dim=-1)


def _attend(
    query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, mask: torch.Tensor | None
) -> torch.Tensor:
    """Attention of query heads to key/value heads (each repeated for its group of query
    heads, as parler-tts' repeat_kv does); mask: True where a query may look (None: all)."""
    import torch.nn.functional as functional

    groups = query.shape[1] // keys.shape[1]
    if groups > 1:
        keys = keys.repeat_interleave(groups, dim=1)
        values = values.repeat_interleave(groups, dim=1)
    out = functional.scaled_dot_product_attention(query, keys, values, attn_mask=mask)
    batch, _, steps, _ = out.shape
    return out.transpose(1, 2).reshape(batch, steps, -1)


def _layer_norm(weights: DecoderWeights, x: torch.Tensor, name: str) -> torch.Tensor:
    import torch.nn.functional as functional

    return functional.layer_norm(
        x, (x.shape[-1],), weights.t(name + ".weight"), weights.t(name + ".bias"), LAYER_NORM_EPS
    )


def forward(weights: DecoderWeights, embeds: torch.Tensor, cache: DecoderCache) -> torch.Tensor:
    """Run new positions ([1, T, width] input embeddings, placed after cache.length) through
    the decoder; the last hidden states [1, T, width]. Extends the cache."""
    import torch
    from transformers.activations import ACT2FN

    s = weights.settings
    start, steps = cache.length, embeds.shape[1]
    if start + steps > cache.self_keys[0].shape[2]:
        raise ValueError("The Parler-TTS decoder cache is full.")
    hidden = embeds
    cos = sin = None
    if weights.positions is not None:
        hidden = hidden + weights.positions[start : start + steps].to(hidden.dtype)[None]
    else:
        angles = _rope(weights, start, steps, hidden)
        cos, sin = angles.cos().to(hidden.dtype), angles.sin().to(hidden.dtype)
    activation = ACT2FN[s.activation_function]
    end = start + steps
    causal = None
    if steps > 1:
        # position start + t sees the cached positions and the new ones up to itself
        places = torch.arange(end, device=embeds.device)
        causal = places[None, :] <= (start + torch.arange(steps, device=embeds.device))[:, None]
    for i in range(s.num_hidden_layers):
        prefix = f"layers.{i}."
        # self-attention
        x = _layer_norm(weights, hidden, prefix + "self_attn_layer_norm")
        attn = prefix + "self_attn."
        query = _project(x, weights.t(attn + "q_proj.weight"), s.num_attention_heads)
        key = _project(x, weights.t(attn + "k_proj.weight"), s.num_key_value_heads)
        value = _project(x, weights.t(attn + "v_proj.weight"), s.num_key_value_heads)
        if cos is not None and sin is not None:
            query = query * cos + _rotate_half(query) * sin
            key = key * cos + _rotate_half(key) * sin
        cache.self_keys[i][:, :, start : start + steps] = key
        cache.self_values[i][:, :, start : start + steps] = value
        out = _attend(
            query, cache.self_keys[i][:, :, :end], cache.self_values[i][:, :, :end], causal
        )
        hidden = hidden + out @ weights.t(attn + "out_proj.weight").T
        # cross-attention to the description
        x = _layer_norm(weights, hidden, prefix + "encoder_attn_layer_norm")
        cross = prefix + "encoder_attn."
        query = _project(x, weights.t(cross + "q_proj.weight"), s.num_attention_heads)
        if cos is not None and sin is not None:
            query = query * cos + _rotate_half(query) * sin
        out = _attend(query, cache.cross_keys[i], cache.cross_values[i], None)
        hidden = hidden + out @ weights.t(cross + "out_proj.weight").T
        # feed-forward
        x = _layer_norm(weights, hidden, prefix + "final_layer_norm")
        x = activation(x @ weights.t(prefix + "fc1.weight").T)
        hidden = hidden + x @ weights.t(prefix + "fc2.weight").T
    cache.length = start + steps
    return _layer_norm(weights, hidden, "layer_norm")


def embed_frame(weights: DecoderWeights, frame: torch.Tensor) -> torch.Tensor:
    """[1, 1, width] input embedding of one frame of codebook tokens ([codebooks] ids)."""
    total = weights.t("embed_tokens.0.weight")[frame[0]]
    for k in range(1, weights.settings.num_codebooks):
        total = total + weights.t(f"embed_tokens.{k}.weight")[frame[k]]
    return total.view(1, 1, -1)


def logits(weights: DecoderWeights, hidden: torch.Tensor) -> torch.Tensor:
    """[codebooks, vocab] float32 logits of the last position of hidden [1, T, width]."""
    last = hidden[0, -1]
    return (weights.lm_heads @ last).float()
