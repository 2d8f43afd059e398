"""A tiny Parler-TTS built in code, in the layout of ai4bharat/indic-parler-tts's repo.

config.json has the real keys (text_encoder: a T5 config named google/flan-t5-large,
audio_encoder: model_type dac_on_the_hub with num_codebooks, codebook_size, latent_dim,
sampling_rate 44100, decoder: a parler_tts_decoder config) plus the studio's small-DAC keys
(encoder_dim, encoder_rates, decoder_dim, decoder_rates, codebook_dim) so the codec is tiny;
model.safetensors holds seeded random tensors under the checkpoint's own names, the codec's
in descript-audio-codec's layout with weight-norm pairs (parametrizations...original0/1); the
transcript tokenizer sits in the folder and the description tokenizer in
description-tokenizer/, both T5 tokenizers from small in-code vocabularies. Nothing is
downloaded; the real loader (pipeline.speech.parler_model) reads it.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

SAMPLE_RATE_HZ = 44_100
NUM_CODEBOOKS = 4
CODEBOOK_SIZE = 16
EOS_TOKEN = CODEBOOK_SIZE
BOS_TOKEN = CODEBOOK_SIZE + 1
DECODER_VOCAB = CODEBOOK_SIZE + 2
WIDTH = 16
LATENT = 16
DAC_ENCODER_DIM = 2
DAC_ENCODER_RATES = (8, 8)
DAC_DECODER_DIM = 16
DAC_DECODER_RATES = (8, 8)
"""64 samples per frame (1.5 ms): tiny clips at the real 44.1 kHz rate."""
MAX_LENGTH = 40
"""generation_config.max_length: positions drawn at most per sentence."""
MAX_POSITIONS = 256

PROMPT_TEXT = (
    "the a quiet river old boat village morning light நதி அமைதியான பழைய படகு கிராமம் காலை ஒளி ஆறு"
)
DESCRIPTION_WORDS = (
    "jaya kavitha prakash lalitha speaks speaker voice clear moderate pace slightly slow fast "
    "close recording quality high very noise background no male female with a and at in of "
    "the expressive calm tone"
)


def _tokenizer(words: str, extra_chars: str) -> object:
    from transformers import T5Tokenizer

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    vocab += [(f"▁{word}", -3.0) for word in sorted(set(words.split()))]
    chars = sorted(set(extra_chars) - {" "})
    vocab += [(char, -5.0) for char in chars]
    tokenizer: object = T5Tokenizer(vocab=vocab, extra_ids=0)
    return tokenizer


def _normal(shape: tuple[int, ...], rng: torch.Generator, std: float = 0.02) -> torch.Tensor:
    import torch

    return torch.randn(shape, generator=rng) * std


def _wn_conv(
    out: dict[str, torch.Tensor], name: str, shape: tuple[int, ...], bias: int, rng: torch.Generator
) -> None:
    """A weight-normalised convolution in torch's parametrization names."""
    import torch

    direction = _normal(shape, rng, 0.3)
    out[f"{name}.parametrizations.weight.original0"] = (
        torch.rand((shape[0], 1, 1), generator=rng) + 0.5
    )
    out[f"{name}.parametrizations.weight.original1"] = direction
    out[f"{name}.bias"] = _normal((bias,), rng)


def _snake(out: dict[str, torch.Tensor], name: str, channels: int) -> None:
    import torch

    out[f"{name}.alpha"] = torch.ones(1, channels, 1)


def _res_unit(out: dict[str, torch.Tensor], name: str, dim: int, rng: torch.Generator) -> None:
    _snake(out, f"{name}.block.0", dim)
    _wn_conv(out, f"{name}.block.1", (dim, dim, 7), dim, rng)
    _snake(out, f"{name}.block.2", dim)
    _wn_conv(out, f"{name}.block.3", (dim, dim, 1), dim, rng)


def dac_tensors(rng: torch.Generator) -> dict[str, torch.Tensor]:
    """The codec's tensors in descript-audio-codec's layout, under audio_encoder.model."""
    out: dict[str, torch.Tensor] = {}
    _wn_conv(out, "encoder.block.0", (DAC_ENCODER_DIM, 1, 7), DAC_ENCODER_DIM, rng)
    dim = DAC_ENCODER_DIM
    for i, stride in enumerate(DAC_ENCODER_RATES, start=1):
        dim *= 2
        for unit in range(3):
            _res_unit(out, f"encoder.block.{i}.block.{unit}", dim // 2, rng)
        _snake(out, f"encoder.block.{i}.block.3", dim // 2)
        _wn_conv(out, f"encoder.block.{i}.block.4", (dim, dim // 2, 2 * stride), dim, rng)
    last = len(DAC_ENCODER_RATES)
    _snake(out, f"encoder.block.{last + 1}", dim)
    _wn_conv(out, f"encoder.block.{last + 2}", (LATENT, dim, 3), LATENT, rng)
    for n in range(NUM_CODEBOOKS):
        name = f"quantizer.quantizers.{n}"
        _wn_conv(out, f"{name}.in_proj", (8, LATENT, 1), 8, rng)
        _wn_conv(out, f"{name}.out_proj", (LATENT, 8, 1), LATENT, rng)
        out[f"{name}.codebook.weight"] = _normal((CODEBOOK_SIZE, 8), rng, 1.0)
    _wn_conv(out, "decoder.model.0", (DAC_DECODER_DIM, LATENT, 7), DAC_DECODER_DIM, rng)
    for i, stride in enumerate(DAC_DECODER_RATES):
        wide, narrow = DAC_DECODER_DIM // 2**i, DAC_DECODER_DIM // 2 ** (i + 1)
        block = f"decoder.model.{i + 1}.block"
        _snake(out, f"{block}.0", wide)
        _wn_conv(out, f"{block}.1", (wide, narrow, 2 * stride), narrow, rng)
        for unit in range(3):
            _res_unit(out, f"{block}.{unit + 2}", narrow, rng)
    rates = len(DAC_DECODER_RATES)
    narrow = DAC_DECODER_DIM // 2**rates
    _snake(out, f"decoder.model.{rates + 1}", narrow)
    _wn_conv(out, f"decoder.model.{rates + 2}", (1, narrow, 7), 1, rng)
    return {f"audio_encoder.model.{k}": v for k, v in out.items()}


def decoder_tensors(
    rng: torch.Generator, layers: int, prompt_vocab: int
) -> dict[str, torch.Tensor]:
    """The decoder, its heads and the prompt embeddings under the checkpoint's names."""
    import torch

    from pipeline.speech.parler_decoder import sinusoids

    out: dict[str, torch.Tensor] = {}
    base = "decoder.model.decoder."
    for k in range(NUM_CODEBOOKS):
        out[f"{base}embed_tokens.{k}.weight"] = _normal((DECODER_VOCAB + 1, WIDTH), rng, 1.0)
        out[f"decoder.lm_heads.{k}.weight"] = _normal((DECODER_VOCAB, WIDTH), rng, 0.5)
    out[f"{base}embed_positions.weights"] = sinusoids(MAX_POSITIONS, WIDTH)
    for i in range(layers):
        layer = f"{base}layers.{i}."
        for attn in ("self_attn", "encoder_attn"):
            for proj in ("q", "k", "v", "out"):
                out[f"{layer}{attn}.{proj}_proj.weight"] = _normal((WIDTH, WIDTH), rng, 0.3)
        for norm in ("self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"):
            out[f"{layer}{norm}.weight"] = torch.ones(WIDTH)
            out[f"{layer}{norm}.bias"] = torch.zeros(WIDTH)
        out[f"{layer}fc1.weight"] = _normal((2 * WIDTH, WIDTH), rng, 0.3)
        out[f"{layer}fc2.weight"] = _normal((WIDTH, 2 * WIDTH), rng, 0.3)
    out[f"{base}layer_norm.weight"] = torch.ones(WIDTH)
    out[f"{base}layer_norm.bias"] = torch.zeros(WIDTH)
    out["embed_prompts.weight"] = _normal((prompt_vocab, WIDTH), rng, 1.0)
    return out


def _config(
    text_config: dict[str, object], prompt_vocab: int, layers: int, prompt_cross_attention: bool
) -> dict[str, object]:
    return {
        "_name_or_path": "ai4bharat/indic-parler-tts",
        "architectures": ["ParlerTTSForConditionalGeneration"],
        "model_type": "parler_tts",
        "is_encoder_decoder": True,
        "vocab_size": prompt_vocab,
        "prompt_cross_attention": prompt_cross_attention,
        "decoder_start_token_id": BOS_TOKEN,
        "pad_token_id": EOS_TOKEN,
        "text_encoder": text_config,
        "audio_encoder": {
            "model_type": "dac_on_the_hub",
            "num_codebooks": NUM_CODEBOOKS,
            "codebook_size": CODEBOOK_SIZE,
            "latent_dim": LATENT,
            "model_bitrate": 8,
            "frame_rate": SAMPLE_RATE_HZ // 64,
            "sampling_rate": SAMPLE_RATE_HZ,
            "encoder_dim": DAC_ENCODER_DIM,
            "encoder_rates": list(DAC_ENCODER_RATES),
            "decoder_dim": DAC_DECODER_DIM,
            "decoder_rates": list(DAC_DECODER_RATES),
            "codebook_dim": 8,
        },
        "decoder": {
            "model_type": "parler_tts_decoder",
            "vocab_size": DECODER_VOCAB,
            "hidden_size": WIDTH,
            "num_hidden_layers": layers,
            "num_attention_heads": 2,
            "num_key_value_heads": 2,
            "num_cross_attention_key_value_heads": 2,
            "ffn_dim": 2 * WIDTH,
            "activation_function": "gelu",
            "max_position_embeddings": MAX_POSITIONS,
            "num_codebooks": NUM_CODEBOOKS,
            "pad_token_id": EOS_TOKEN,
            "bos_token_id": BOS_TOKEN,
            "eos_token_id": EOS_TOKEN,
            "rope_embeddings": False,
            "use_fused_lm_heads": False,
            "tie_word_embeddings": False,
        },
    }


def write_tiny_parler(
    folder: Path,
    seed: int = 0,
    layers: int = 2,
    prompt_cross_attention: bool = False,
    text_width: int = WIDTH,
) -> Path:
    """Save a tiny Parler-TTS (weights, configs, both tokenizers) into folder; return it.

    prompt_cross_attention puts the transcript beside the description (with its own
    positions, `embed_positions.weights`) instead of in front of the first frame; a
    text_width other than the decoder's adds the `enc_to_dec_proj` projection."""
    import torch
    from safetensors.torch import save_file
    from transformers import T5Config, T5EncoderModel

    from pipeline.speech.parler_decoder import sinusoids
    from pipeline.speech.parler_model import DESCRIPTION_TOKENIZER_FOLDER

    folder.mkdir(parents=True, exist_ok=True)
    prompt_tokenizer = _tokenizer(PROMPT_TEXT, PROMPT_TEXT + string.ascii_lowercase + ".,")
    description_tokenizer = _tokenizer(DESCRIPTION_WORDS, string.ascii_lowercase + ".,'")
    prompt_tokenizer.save_pretrained(str(folder))  # type: ignore[attr-defined]
    description_tokenizer.save_pretrained(  # type: ignore[attr-defined]
        str(folder / DESCRIPTION_TOKENIZER_FOLDER)
    )
    prompt_vocab = len(prompt_tokenizer)  # type: ignore[arg-type]
    text_config = T5Config(
        vocab_size=len(description_tokenizer),  # type: ignore[arg-type]
        d_model=text_width,
        d_kv=8,
        d_ff=2 * WIDTH,
        num_layers=1,
        num_heads=2,
        relative_attention_num_buckets=8,
        feed_forward_proj="gated-gelu",
    )
    torch.manual_seed(seed)
    encoder = T5EncoderModel(text_config)
    tensors = {
        f"text_encoder.{k}": v.detach().clone()
        for k, v in encoder.state_dict().items()
        if k != "encoder.embed_tokens.weight"  # saved once, as shared.weight
    }
    rng = torch.Generator().manual_seed(seed)
    tensors.update(dac_tensors(rng))
    tensors.update(decoder_tensors(rng, layers, prompt_vocab))
    if prompt_cross_attention:
        tensors["embed_positions.weights"] = sinusoids(MAX_POSITIONS, WIDTH)
    if text_width != WIDTH:
        tensors["enc_to_dec_proj.weight"] = _normal((WIDTH, text_width), rng, 0.3)
        tensors["enc_to_dec_proj.bias"] = _normal((WIDTH,), rng)
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(folder / "model.safetensors"))
    text_dict = text_config.to_dict()
    text_dict["_name_or_path"] = "google/flan-t5-large"
    config = _config(text_dict, prompt_vocab, layers, prompt_cross_attention)
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    generation = {
        "bos_token_id": BOS_TOKEN,
        "decoder_start_token_id": BOS_TOKEN,
        "do_sample": True,
        "eos_token_id": EOS_TOKEN,
        "max_length": MAX_LENGTH,
        "min_new_tokens": 4,
        "pad_token_id": EOS_TOKEN,
    }
    (folder / "generation_config.json").write_text(json.dumps(generation), encoding="utf-8")
    extractor = {
        "feature_extractor_type": "EncodecFeatureExtractor",
        "feature_size": 1,
        "padding_side": "right",
        "padding_value": 0.0,
        "return_attention_mask": True,
        "sampling_rate": SAMPLE_RATE_HZ,
    }
    (folder / "preprocessor_config.json").write_text(json.dumps(extractor), encoding="utf-8")
    return folder
