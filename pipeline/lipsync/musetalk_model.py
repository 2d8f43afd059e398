"""MuseTalk 1.5's networks loaded from MODEL_DIR/musetalk, once per process and device.

The folder holds the repo's layout: musetalkV15/ (musetalk.json, the diffusers
UNet2DConditionModel config, and unet.pth, its state dict), sd-vae/ (the sd-vae-ft-mse
AutoencoderKL) and whisper/ (whisper-tiny: config, feature extractor and weights; only the
encoder is kept). Everything runs in float16 on a GPU and float32 on the CPU. Loading never
touches a hub; a missing file or a failed load raises BackendUnavailableError in one sentence.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import BackendUnavailableError
from pipeline.neural.torch_device import Device, dtype_for, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete

if TYPE_CHECKING:
    import torch

UNET_CONFIG = "musetalkV15/musetalk.json"
UNET_WEIGHTS = "musetalkV15/unet.pth"
VAE_FOLDER = "sd-vae"
WHISPER_FOLDER = "whisper"
_REQUIRED: tuple[tuple[str, ...], ...] = (
    (UNET_CONFIG,),
    (UNET_WEIGHTS,),
    (f"{VAE_FOLDER}/config.json",),
    (
        f"{VAE_FOLDER}/diffusion_pytorch_model.safetensors",
        f"{VAE_FOLDER}/diffusion_pytorch_model.bin",
    ),
    (f"{WHISPER_FOLDER}/config.json",),
    (f"{WHISPER_FOLDER}/preprocessor_config.json",),
    (f"{WHISPER_FOLDER}/model.safetensors", f"{WHISPER_FOLDER}/pytorch_model.bin"),
)
MAX_AUDIO_TOKENS = 512
"""Positions of the sinusoidal encoding added to the audio tokens (MuseTalk uses 50)."""


@dataclass(frozen=True, eq=False)
class LoadedMuseTalk:
    """The networks, loaded once and never changed after; calls are serialised by lock."""

    unet: Any
    vae: Any
    encoder: Any
    """whisper-tiny's encoder."""
    features: Any
    """The whisper feature extractor (80-bin log-mel over 30 s windows)."""
    positions: torch.Tensor
    """(MAX_AUDIO_TOKENS, width) sinusoidal positional encoding, on the device."""
    device: Device
    dtype: torch.dtype
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def scaling(self) -> float:
        """The VAE's latent scaling factor (0.18215 for sd-vae-ft-mse)."""
        return float(self.vae.config.scaling_factor)


_LOAD_LOCK = threading.Lock()


def missing_files(folder: Path) -> list[str]:
    """Files the MuseTalk folder lacks (empty list: complete)."""
    return missing_alternatives(folder, _REQUIRED)


def load_musetalk(folder: Path, device: str | None = None) -> LoadedMuseTalk:
    """MuseTalk from folder on device (None: CUDA when usable), loaded once per process."""
    require_complete(folder, missing_files(folder), "MuseTalk")
    with _LOAD_LOCK:
        return _load_cached(folder.resolve(), select_device(device))


def positional_encoding(tokens: int, width: int) -> torch.Tensor:
    """(tokens, width) sine/cosine encoding, as in "Attention is all you need"."""
    import math

    import torch

    position = torch.arange(tokens, dtype=torch.float32)[:, None]
    rate = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(tokens, width)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate)[:, : width // 2]
    return table


@cache
def _load_cached(folder: Path, device: Device) -> LoadedMuseTalk:
    try:
        import torch
        from diffusers import AutoencoderKL, UNet2DConditionModel
        from transformers import WhisperFeatureExtractor, WhisperModel
    except ImportError as error:
        raise BackendUnavailableError(
            f"MuseTalk needs torch, diffusers and transformers ({error.name} is not installed)."
        ) from error
    dtype = dtype_for(device)
    try:
        unet_class: Any = UNet2DConditionModel  # diffusers is untyped here
        config = json.loads((folder / UNET_CONFIG).read_text(encoding="utf-8"))
        unet = unet_class.from_config(config)
        state = torch.load(folder / UNET_WEIGHTS, map_location="cpu", weights_only=True)
        unet.load_state_dict(state, strict=True)
        vae_class: Any = AutoencoderKL
        vae = vae_class.from_pretrained(folder / VAE_FOLDER, local_files_only=True)
        whisper_class: Any = WhisperModel
        encoder = whisper_class.from_pretrained(
            folder / WHISPER_FOLDER, local_files_only=True
        ).get_encoder()
        extractor_class: Any = WhisperFeatureExtractor
        features = extractor_class.from_pretrained(folder / WHISPER_FOLDER, local_files_only=True)
    except Exception as error:  # any unreadable or mismatched file: the backend is unavailable
        raise BackendUnavailableError(
            f"The MuseTalk weights in {folder} cannot be loaded ({error})."
        ) from error
    width = int(encoder.config.d_model)
    if int(unet.config.cross_attention_dim) != width or int(unet.config.in_channels) != 8:
        raise BackendUnavailableError(
            f"The MuseTalk UNet in {folder} does not match its whisper encoder "
            f"(cross-attention {unet.config.cross_attention_dim}, audio width {width})."
        )
    modules = [module.to(device=device, dtype=dtype).eval() for module in (unet, vae, encoder)]
    for module in modules:
        module.requires_grad_(False)
    positions = positional_encoding(MAX_AUDIO_TOKENS, width).to(device=device, dtype=dtype)
    return LoadedMuseTalk(
        unet=modules[0],
        vae=modules[1],
        encoder=modules[2],
        features=features,
        positions=positions,
        device=device,
        dtype=dtype,
    )
