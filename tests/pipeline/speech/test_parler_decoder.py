"""The step-wise Parler-TTS decoder against an independent implementation of the same network.

Parler-TTS's decoder is MusicGen's (parler-tts copied it and added prompt embeddings in
front, grouped heads and rotary positions as options): with the tiny checkpoint's tensors
renamed into transformers' MusicgenForCausalLM, both must give the same logits for the same
codebook tokens and description states, whether the studio runs the positions one at a time
through its cache or all at once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.speech import parler_decoder, parler_model
from pipeline.testing import tiny_parler

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

STEPS = 7
DESCRIPTION_STATES = 5


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_parler.write_tiny_parler(tmp_path_factory.mktemp("parler"), seed=9)


def _musicgen(folder: Path) -> object:
    from safetensors.torch import load_file

    config = transformers.MusicgenDecoderConfig(
        vocab_size=tiny_parler.DECODER_VOCAB,
        hidden_size=tiny_parler.WIDTH,
        ffn_dim=2 * tiny_parler.WIDTH,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_codebooks=tiny_parler.NUM_CODEBOOKS,
        max_position_embeddings=tiny_parler.MAX_POSITIONS,
        activation_function="gelu",
        pad_token_id=tiny_parler.EOS_TOKEN,
        bos_token_id=tiny_parler.BOS_TOKEN,
    )
    reference = transformers.MusicgenForCausalLM(config).eval()
    tensors = load_file(str(folder / "model.safetensors"))
    state = {}
    for key, value in tensors.items():
        if key.startswith("decoder.model.decoder.") and "embed_positions" not in key:
            state["model.decoder." + key[len("decoder.model.decoder.") :]] = value
        elif key.startswith("decoder.lm_heads."):
            state[key[len("decoder.") :]] = value
    reference.load_state_dict(state, strict=True)
    return reference


def test_cached_steps_and_one_pass_match_musicgen(folder: Path) -> None:
    model = parler_model.load(folder, "cpu")
    weights = model.decoder
    generator = torch.Generator().manual_seed(4)
    tokens = torch.randint(
        0, tiny_parler.CODEBOOK_SIZE, (tiny_parler.NUM_CODEBOOKS, STEPS), generator=generator
    )
    states = torch.randn(1, DESCRIPTION_STATES, tiny_parler.WIDTH, generator=generator)
    reference = _musicgen(folder)
    with torch.inference_mode():
        expected = reference(input_ids=tokens, encoder_hidden_states=states).logits  # type: ignore[operator]
        expected_last = expected[:, -1].float()
        cache = parler_decoder.new_cache(weights, states, STEPS)
        for step in range(STEPS):
            hidden = parler_decoder.forward(
                weights, parler_decoder.embed_frame(weights, tokens[:, step]), cache
            )
        stepped = parler_decoder.logits(weights, hidden)
        together = torch.cat(
            [parler_decoder.embed_frame(weights, tokens[:, s]) for s in range(STEPS)], dim=1
        )
        whole = parler_decoder.logits(
            weights,
            parler_decoder.forward(
                weights, together, parler_decoder.new_cache(weights, states, STEPS)
            ),
        )
    assert (
        expected_last.shape
        == stepped.shape
        == (tiny_parler.NUM_CODEBOOKS, tiny_parler.DECODER_VOCAB)
    )
    assert torch.allclose(stepped, expected_last, atol=1e-4)
    assert torch.allclose(whole, expected_last, atol=1e-4)


def test_positions_are_musicgens_sinusoids(folder: Path) -> None:
    table = parler_decoder.sinusoids(tiny_parler.MAX_POSITIONS, tiny_parler.WIDTH)
    reference = transformers.models.musicgen.modeling_musicgen.MusicgenSinusoidalPositionalEmbedding
    expected = reference.get_embedding(tiny_parler.MAX_POSITIONS, tiny_parler.WIDTH)
    assert torch.allclose(table, expected, atol=1e-6)
