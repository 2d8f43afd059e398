"""The InfiniteTalk folder under MODEL_DIR: which files it needs, and its transformer weights.

Layout (pipeline.neural.talking_models): Wan2.1-I2V-14B-480P-Diffusers/ (a diffusers Wan I2V
folder), chinese-wav2vec2-base/ (a transformers wav2vec2 folder) and
single/infinitetalk.safetensors (the audio adapter, in InfiniteTalk's own names).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import BackendUnavailableError
from pipeline.neural.talking_models import ADAPTER_PATH, WAN_SUBFOLDER, WAV2VEC_SUBFOLDER
from pipeline.neural.weight_files import missing_alternatives
from pipeline.picture import wan_video
from pipeline.talking.adapter_config import AdapterConfig
from pipeline.talking.wan_keys import diffusers_name

_EXTRA_WAN_FILES: tuple[tuple[str, ...], ...] = (
    ("image_encoder/config.json",),
    ("image_processor/preprocessor_config.json",),
    ("image_encoder/model.safetensors", "image_encoder/model.safetensors.index.json"),
)
_SPEECH_FILES: tuple[tuple[str, ...], ...] = (
    ("config.json",),
    ("preprocessor_config.json",),
    ("model.safetensors", "pytorch_model.bin"),
)
_INDEXES = (
    "transformer/diffusion_pytorch_model.safetensors.index.json",
    "text_encoder/model.safetensors.index.json",
    "image_encoder/model.safetensors.index.json",
)


def wan_folder(model_dir: Path) -> Path:
    """The Wan2.1 base in diffusers layout."""
    return model_dir / WAN_SUBFOLDER


def speech_folder(model_dir: Path) -> Path:
    """The wav2vec2 speech encoder."""
    return model_dir / WAV2VEC_SUBFOLDER


def adapter_file(model_dir: Path) -> Path:
    """InfiniteTalk's audio adapter weights."""
    return model_dir / ADAPTER_PATH


def _missing_shards(folder: Path) -> list[str]:
    missing: list[str] = []
    for index in _INDEXES:
        path = folder / index
        if not path.is_file():
            continue
        shards = set(json.loads(path.read_text(encoding="utf-8"))["weight_map"].values())
        parent = Path(index).parent
        missing += [str(parent / s) for s in sorted(shards) if not (folder / parent / s).is_file()]
    return missing


def missing_files(model_dir: Path) -> list[str]:
    """Files the InfiniteTalk folder lacks, relative to it (empty list: complete)."""
    wan = wan_folder(model_dir)
    missing = [f"{WAN_SUBFOLDER}/{name}" for name in wan_video.missing_files(wan)]
    missing += [f"{WAN_SUBFOLDER}/{n}" for n in missing_alternatives(wan, _EXTRA_WAN_FILES)]
    missing += [f"{WAN_SUBFOLDER}/{name}" for name in _missing_shards(wan)]
    speech = missing_alternatives(speech_folder(model_dir), _SPEECH_FILES)
    missing += [f"{WAV2VEC_SUBFOLDER}/{name}" for name in speech]
    if not adapter_file(model_dir).is_file():
        missing.append(ADAPTER_PATH)
    return missing


def adapter_state(path: Path) -> dict[str, Any]:
    """The adapter file's weights under diffusers names (audio modules keep their names;
    base weights in the original Wan layout are renamed). BackendUnavailableError for a name
    that is neither."""
    from safetensors.torch import load_file

    state: dict[str, Any] = {}
    unknown: list[str] = []
    for name, tensor in load_file(path).items():
        target = diffusers_name(name)
        if target is None:
            unknown.append(name)
        else:
            state[target] = tensor
    if unknown:
        raise BackendUnavailableError(
            f"{path.name} holds weights this backend cannot place ({', '.join(unknown[:3])})."
        )
    return state


def adapter_config(state: dict[str, Any], speech_config: Any) -> AdapterConfig:
    """The adapter's sizes, read from its weights and the speech encoder's config."""
    token_dim = int(state["audio_proj.norm.weight"].shape[0])
    return AdapterConfig(
        layers=int(speech_config.num_hidden_layers),
        channels=int(speech_config.hidden_size),
        intermediate=int(state["audio_proj.proj2.weight"].shape[0]),
        tokens=int(state["audio_proj.proj3.weight"].shape[0]) // token_dim,
        token_dim=token_dim,
    )
