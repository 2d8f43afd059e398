"""The Parler-TTS decoder's optional layouts: grouped key/value heads (self- and
cross-attention) and rotary positions, on random decoder tensors built here."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from pipeline.speech import parler_decoder
from pipeline.speech.parler_config import DecoderSettings

if TYPE_CHECKING:
    from torch import Tensor

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

WIDTH = 16
HEADS = 4
STEPS = 6
DESCRIPTION_STATES = 5
SETTINGS = DecoderSettings(
    vocab_size=12,
    hidden_size=WIDTH,
    num_hidden_layers=2,
    num_attention_heads=HEADS,
    num_key_value_heads=HEADS,
    num_cross_attention_key_value_heads=HEADS,
    ffn_dim=2 * WIDTH,
    activation_function="gelu",
    max_position_embeddings=64,
    num_codebooks=3,
    scale_embedding=False,
    rope_embeddings=False,
    rope_theta=10_000.0,
    use_fused_lm_heads=False,
)


def _weights(settings: DecoderSettings, seed: int) -> parler_decoder.DecoderWeights:
    """Random decoder tensors under their checkpoint names, key/value projections sized for
    the settings' key/value heads."""
    import torch

    rng = torch.Generator().manual_seed(seed)
    head_dim = settings.head_dim

    def normal(*shape: int) -> Tensor:
        return torch.randn(shape, generator=rng) * 0.3

    tensors: dict[str, Tensor] = {}
    for k in range(settings.num_codebooks):
        tensors[f"embed_tokens.{k}.weight"] = normal(settings.vocab_size + 1, WIDTH)
    for i in range(settings.num_hidden_layers):
        for attn, kv_heads in (
            ("self_attn", settings.num_key_value_heads),
            ("encoder_attn", settings.num_cross_attention_key_value_heads),
        ):
            tensors[f"layers.{i}.{attn}.q_proj.weight"] = normal(WIDTH, WIDTH)
            tensors[f"layers.{i}.{attn}.k_proj.weight"] = normal(kv_heads * head_dim, WIDTH)
            tensors[f"layers.{i}.{attn}.v_proj.weight"] = normal(kv_heads * head_dim, WIDTH)
            tensors[f"layers.{i}.{attn}.out_proj.weight"] = normal(WIDTH, WIDTH)
        for norm in ("self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"):
            tensors[f"layers.{i}.{norm}.weight"] = 1.0 + normal(WIDTH)
            tensors[f"layers.{i}.{norm}.bias"] = normal(WIDTH)
        tensors[f"layers.{i}.fc1.weight"] = normal(2 * WIDTH, WIDTH)
        tensors[f"layers.{i}.fc2.weight"] = normal(WIDTH, 2 * WIDTH)
    tensors["layer_norm.weight"] = torch.ones(WIDTH)
    tensors["layer_norm.bias"] = torch.zeros(WIDTH)
    heads = normal(settings.num_codebooks, settings.vocab_size, WIDTH)
    positions = None
    if not settings.rope_embeddings:
        positions = parler_decoder.sinusoids(settings.max_position_embeddings, WIDTH)
    return parler_decoder.DecoderWeights(settings, tensors, positions, heads)


def _inputs(seed: int) -> tuple[Tensor, Tensor]:
    rng = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, SETTINGS.vocab_size, (SETTINGS.num_codebooks, STEPS), generator=rng)
    states = torch.randn(1, DESCRIPTION_STATES, WIDTH, generator=rng)
    return tokens, states


def _stepped(weights: parler_decoder.DecoderWeights, tokens: Tensor, states: Tensor) -> Tensor:
    """[steps, codebooks, vocab] logits, one position at a time through the cache."""
    import torch

    cache = parler_decoder.new_cache(weights, states, STEPS)
    rows = []
    for step in range(STEPS):
        hidden = parler_decoder.forward(
            weights, parler_decoder.embed_frame(weights, tokens[:, step]), cache
        )
        rows.append(parler_decoder.logits(weights, hidden))
    return torch.stack(rows)


def _one_pass(weights: parler_decoder.DecoderWeights, tokens: Tensor, states: Tensor) -> Tensor:
    """[steps, codebooks, vocab] logits, every position in one pass."""
    import torch

    frames = [parler_decoder.embed_frame(weights, tokens[:, s]) for s in range(STEPS)]
    cache = parler_decoder.new_cache(weights, states, STEPS)
    hidden = parler_decoder.forward(weights, torch.cat(frames, dim=1), cache)
    return torch.stack([parler_decoder.logits(weights, hidden[:, : s + 1]) for s in range(STEPS)])


def test_grouped_key_value_heads_equal_full_heads_with_each_group_repeated() -> None:
    grouped = replace(SETTINGS, num_key_value_heads=2, num_cross_attention_key_value_heads=1)
    small = _weights(grouped, seed=1)
    # The full-head copy: query head h reads key/value head h // (heads / kv_heads), as
    # parler-tts' repeat_kv lays them out.
    full = dict(small.tensors)
    head_dim = SETTINGS.head_dim
    for name, tensor in small.tensors.items():
        if name.endswith(("k_proj.weight", "v_proj.weight")):
            groups = HEADS * head_dim // tensor.shape[0]
            per_head = tensor.view(-1, head_dim, WIDTH)
            full[name] = per_head.repeat_interleave(groups, dim=0).reshape(HEADS * head_dim, WIDTH)
    wide = parler_decoder.DecoderWeights(SETTINGS, full, small.positions, small.lm_heads)
    tokens, states = _inputs(seed=2)
    with torch.inference_mode():
        expected = _stepped(wide, tokens, states)
        got = _stepped(small, tokens, states)
    assert torch.allclose(got, expected, atol=1e-5)


def test_rotary_positions_match_transformers_and_the_cache() -> None:
    rotary = replace(SETTINGS, rope_embeddings=True, rope_theta=500.0)
    weights = _weights(rotary, seed=3)
    llama = transformers.LlamaConfig(
        hidden_size=WIDTH,
        num_attention_heads=HEADS,
        max_position_embeddings=64,
        rope_parameters={"rope_type": "default", "rope_theta": 500.0},
    )
    reference = transformers.models.llama.modeling_llama.LlamaRotaryEmbedding(llama)
    probe = torch.zeros(1, 1, WIDTH)
    cos, sin = reference(probe, torch.arange(3, 3 + STEPS)[None])
    angles = parler_decoder._rope(weights, 3, STEPS, probe)
    assert torch.allclose(angles.cos(), cos[0], atol=1e-6)
    assert torch.allclose(angles.sin(), sin[0], atol=1e-6)
    tokens, states = _inputs(seed=4)
    with torch.inference_mode():
        stepped = _stepped(weights, tokens, states)
        whole = _one_pass(weights, tokens, states)
        other_theta = _stepped(
            replace(weights, settings=replace(rotary, rope_theta=50.0)), tokens, states
        )
    assert torch.allclose(stepped, whole, atol=1e-5)
    # rotation is the identity at position 0 and depends on theta after it
    assert torch.allclose(stepped[0], other_theta[0], atol=1e-6)
    assert not torch.allclose(stepped[1:], other_theta[1:], atol=1e-3)


@pytest.mark.parametrize("rope", [False, True])
def test_positions_in_chunks_after_the_cache_equal_one_pass(rope: bool) -> None:
    # e.g. a transcript prefix and the first frame, then later frames several at a time
    weights = _weights(replace(SETTINGS, rope_embeddings=rope), seed=5)
    tokens, states = _inputs(seed=6)
    frames = [parler_decoder.embed_frame(weights, tokens[:, s]) for s in range(STEPS)]
    with torch.inference_mode():
        cache = parler_decoder.new_cache(weights, states, STEPS)
        parler_decoder.forward(weights, torch.cat(frames[:2], dim=1), cache)
        chunked = parler_decoder.forward(weights, torch.cat(frames[2:], dim=1), cache)
        whole = parler_decoder.forward(
            weights, torch.cat(frames, dim=1), parler_decoder.new_cache(weights, states, STEPS)
        )
    assert cache.length == STEPS
    assert torch.allclose(chunked, whole[:, 2:], atol=1e-5)
