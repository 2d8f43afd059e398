"""What the registry knows about one model: its files, where they come from, its licence."""

from __future__ import annotations

import sys
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Stage = Literal["lipsync", "tts", "music", "visuals", "faces"]
CommercialUse = Literal["yes", "no", "conditional", "unknown"]

HF_ENDPOINT = "https://huggingface.co"
"""Where Hugging Face repo files are resolved."""


@dataclass(frozen=True)
class ModelFile:
    """One file of a model: where it goes under the model's folder and where it comes from.

    urls are tried in order (mirrors); sha256 is given only when it is known for certain;
    an optional file (a model card) may fail to download without failing the model.
    """

    path: str
    urls: tuple[str, ...]
    sha256: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """A known model: what uses it, where it comes from, where it goes, and its licence."""

    name: str
    stage: Stage
    backend: str
    source: str
    folder: str
    files: tuple[ModelFile, ...]
    approx_size_mb: int
    licence: str
    commercial_use: CommercialUse
    licence_note: str = ""
    entry: str = ""
    """What the backend loads, relative to the folder ("" = the folder itself)."""
    gated: bool = False
    """True when the hub requires an account that accepted the licence (HF_TOKEN)."""
    language: str | None = None
    notes: str = ""
    wheel: str = ""
    """A PyPI requirement (e.g. "mediapipe==0.10.21") whose wheel holds the files: their urls
    are "wheel:<member path>", and they are installed with the environment
    (packaged_models_dir()), not under MODEL_DIR."""

    @property
    def required_files(self) -> tuple[ModelFile, ...]:
        """The files that must be present for the model to be usable."""
        return tuple(f for f in self.files if not f.optional)


WHEEL_MEMBER_PREFIX = "wheel:"
"""How a ModelFile url names a file inside the spec's wheel."""


def packaged_models_dir() -> Path:
    """Where models that come inside PyPI wheels are installed: the environment's share
    folder, so every process of this installation finds them whatever its DATA_DIR."""
    return Path(sys.prefix) / "share" / "ai-film-studio" / "models"


def hf_url(repo: str, path: str, revision: str = "main") -> str:
    """The download URL of a file in a Hugging Face model repo."""
    quoted = urllib.parse.quote(path)
    return f"{HF_ENDPOINT}/{repo}/resolve/{urllib.parse.quote(revision, safe='')}/{quoted}"


def hf_files(repo: str, paths: Iterable[str], revision: str = "main") -> tuple[ModelFile, ...]:
    """Required files of a Hugging Face model repo (at a revision: a branch or a commit), each
    downloaded from its URL there; no sha256 (the download manifest records what came)."""
    return tuple(ModelFile(path, (hf_url(repo, path, revision),)) for path in paths)


def hf_pinned_files(repo: str, revision: str, digests: Mapping[str, str]) -> tuple[ModelFile, ...]:
    """Required files of one commit of a Hugging Face model repo, each with its sha256."""
    return tuple(
        ModelFile(path, (hf_url(repo, path, revision),), sha256=digest)
        for path, digest in digests.items()
    )
