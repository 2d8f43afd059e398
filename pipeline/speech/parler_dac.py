"""Parler-TTS's DAC codec on transformers' DacModel: names mapped, weight norm folded.

parler-tts wraps descript-audio-codec's DAC (`audio_encoder.model.*` in the checkpoint), whose
layers sit in nn.Sequential lists and whose convolutions are weight-normalised: each saved as
a magnitude and a direction (`weight_g`/`weight_v` from torch's old weight_norm, or
`parametrizations.weight.original0`/`original1` from the new one). transformers' DacModel
has the same layers under names of their own and plain convolution weights, so each name is
mapped here and each pair folded into weight = g * v / |v| (norm over every axis but the
first, as torch's weight_norm with dim=0 computes it).

descript layout (E = len(encoder_rates), D = len(decoder_rates)):
    encoder.block.0                 first conv        -> encoder.conv1
    encoder.block.{1..E}.block.{0,1,2}.block.{0..3}    -> encoder.block.{i-1}.res_unit{1,2,3}
        (snake, conv k=7, snake, conv k=1)                .{snake1,conv1,snake2,conv2}
    encoder.block.{1..E}.block.3 / .4 snake, conv       -> encoder.block.{i-1}.snake1 / .conv1
    encoder.block.{E+1} / .{E+2}    snake, last conv   -> encoder.snake1 / encoder.conv2
    decoder.model.0                 first conv        -> decoder.conv1
    decoder.model.{1..D}.block.0 / .1 snake, conv_t    -> decoder.block.{i-1}.snake1 / .conv_t1
    decoder.model.{1..D}.block.{2,3,4}.block.{0..3}    -> decoder.block.{i-1}.res_unit{1,2,3}.*
    decoder.model.{D+1} / .{D+2}    snake, last conv   -> decoder.snake1 / decoder.conv2
    quantizer.quantizers.{n}.{in_proj,out_proj,codebook}  (same names)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipeline.errors import BackendUnavailableError
from pipeline.speech.parler_config import CodecSettings

if TYPE_CHECKING:
    import torch

PREFIX = "audio_encoder.model."
"""Where the codec's weights sit in a Parler-TTS checkpoint."""
UNIT_PARTS = ("snake1", "conv1", "snake2", "conv2")
"""A residual unit's four layers, in descript's Sequential order."""
MAGNITUDE_SUFFIXES = (".weight_g", ".parametrizations.weight.original0")
DIRECTION_SUFFIXES = (".weight_v", ".parametrizations.weight.original1")


def dac_config(codec: CodecSettings) -> Any:
    """transformers' DacConfig for these codec settings. DacConfig derives the decoder's
    rates (the encoder's reversed) and the latent width (encoder width x 2^blocks) itself;
    both are set afterwards so a checkpoint whose values differ still builds as saved."""
    from transformers import DacConfig

    config = DacConfig(
        encoder_hidden_size=codec.encoder_dim,
        downsampling_ratios=list(codec.encoder_rates),
        decoder_hidden_size=codec.decoder_dim,
        n_codebooks=codec.num_codebooks,
        codebook_size=codec.codebook_size,
        codebook_dim=codec.codebook_dim,
        sampling_rate=codec.sampling_rate,
    )
    config.upsampling_ratios = list(codec.decoder_rates)
    config.hidden_size = codec.latent_dim
    config.hop_length = codec.hop_length
    return config


def _unit(index: int, part: int) -> str:
    return f"res_unit{index + 1}.{UNIT_PARTS[part]}"


def module_name(name: str, codec: CodecSettings) -> str:
    """The DacModel module for a descript module path (without the parameter's own name);
    BackendUnavailableError for a path that is not part of DAC."""
    if name.startswith("quantizer."):
        return name
    for side, pattern, count in (
        ("encoder", _ENCODER_PATH, len(codec.encoder_rates)),
        ("decoder", _DECODER_PATH, len(codec.decoder_rates)),
    ):
        match = pattern.fullmatch(name)
        if not match:
            continue
        top, inner, leaf = (int(g) if g is not None else None for g in match.groups())
        assert top is not None
        if inner is None and top in (0, count + 1, count + 2):
            return f"{side}.{_END_LAYERS[top - count if top else 0]}"
        if 1 <= top <= count and inner is not None:
            found = _block_part(side, inner, leaf)
            if found is not None:
                return f"{side}.block.{top - 1}.{found}"
    raise BackendUnavailableError(f"The Parler-TTS codec weight {name!r} is not part of DAC.")


_ENCODER_PATH = re.compile(r"encoder\.block\.(\d+)(?:\.block\.(\d+)(?:\.block\.(\d+))?)?")
_DECODER_PATH = re.compile(r"decoder\.model\.(\d+)(?:\.block\.(\d+)(?:\.block\.(\d+))?)?")
_END_LAYERS = ("conv1", "snake1", "conv2")
"""The layers before (index 0) and after (1, 2) the blocks, on both sides."""


def _block_part(side: str, inner: int, leaf: int | None) -> str | None:
    """The part of an encoder block (3 residual units, snake, conv) or a decoder block
    (snake, transposed conv, 3 residual units) at descript's inner index, or None."""
    if leaf is not None:
        first_unit = 0 if side == "encoder" else 2
        return _unit(inner - first_unit, leaf) if 0 <= inner - first_unit <= 2 else None
    ends = {3: "snake1", 4: "conv1"} if side == "encoder" else {0: "snake1", 1: "conv_t1"}
    return ends.get(inner)


def _split(key: str) -> tuple[str, str]:
    """(module path, parameter kind) of a descript key: kind is weight, bias, alpha,
    magnitude or direction."""
    for suffix in MAGNITUDE_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)], "magnitude"
    for suffix in DIRECTION_SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)], "direction"
    module, _, kind = key.rpartition(".")
    return module, kind


def fold_weight_norm(magnitude: torch.Tensor, direction: torch.Tensor) -> torch.Tensor:
    """The plain weight of a weight-normalised layer (norm over all axes but the first)."""
    axes = tuple(range(1, direction.dim()))
    norm = direction.float().pow(2).sum(dim=axes, keepdim=True).sqrt()
    return (magnitude.float() * direction.float() / norm).to(direction.dtype)


def dac_state_dict(
    checkpoint: Mapping[str, torch.Tensor], codec: CodecSettings
) -> dict[str, torch.Tensor]:
    """DacModel's state dict from the checkpoint's `audio_encoder.model.*` tensors."""
    pairs: dict[str, dict[str, torch.Tensor]] = {}
    state: dict[str, torch.Tensor] = {}
    for key, tensor in checkpoint.items():
        if not key.startswith(PREFIX):
            continue
        module, kind = _split(key[len(PREFIX) :])
        target = module_name(module, codec)
        if kind in ("magnitude", "direction"):
            pairs.setdefault(target, {})[kind] = tensor
        else:
            state[f"{target}.{kind}"] = tensor
    for target, pair in pairs.items():
        if set(pair) != {"magnitude", "direction"}:
            raise BackendUnavailableError(
                f"The Parler-TTS codec layer {target} has half of its weight-norm pair."
            )
        state[f"{target}.weight"] = fold_weight_norm(pair["magnitude"], pair["direction"])
    return state


def load_dac(checkpoint: Mapping[str, torch.Tensor], codec: CodecSettings) -> Any:
    """transformers' DacModel with the checkpoint's codec weights (float32, eval mode);
    BackendUnavailableError when they do not fill it exactly."""
    import torch
    from transformers import DacModel

    with torch.device("meta"):
        model = DacModel(dac_config(codec))
    state = dac_state_dict(checkpoint, codec)
    expected = set(model.state_dict())
    missing, unexpected = sorted(expected - set(state)), sorted(set(state) - expected)
    if missing or unexpected:
        raise BackendUnavailableError(
            f"The Parler-TTS codec weights do not fit DAC (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]})."
        )
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as error:
        raise BackendUnavailableError(
            f"The Parler-TTS codec weights have the wrong shapes for DAC ({error})."
        ) from error
    model = model.float()  # type: ignore[no-untyped-call]
    return model.eval()
