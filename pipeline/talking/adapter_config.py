"""Sizes of InfiniteTalk's audio adapter (importing this loads no model runtime)."""

from __future__ import annotations

from dataclasses import dataclass

LATENT_STRIDE = 4
"""Video frames per Wan latent frame (after the first): InfiniteTalk's vae_scale."""


@dataclass(frozen=True)
class AdapterConfig:
    """Sizes of the audio adapter; defaults are InfiniteTalk's (its WanModel defaults)."""

    window: int = 5
    """Audio frames around each video frame (2 either side)."""
    layers: int = 12
    """wav2vec2 hidden layers stacked per audio frame."""
    channels: int = 768
    intermediate: int = 512
    tokens: int = 32
    """Audio tokens per latent frame."""
    token_dim: int = 768
    eps: float = 1e-6

    @property
    def latent_window(self) -> int:
        """Audio frames a later latent frame (4 video frames) sees: window + 3."""
        return self.window + LATENT_STRIDE - 1
