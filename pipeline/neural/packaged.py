"""Models that arrive as PyPI packages (installed by an extra), not downloaded into MODEL_DIR.

A packaged model's files live inside installed Python packages; the model may be split into
parts across several packages and is joined in memory in order. Every file and the joined
whole carry a SHA-256 measured from the released wheels, checked when the model is read, so a
damaged or substituted install fails with one sentence instead of speaking noise.
Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from importlib import resources

from pipeline.errors import BackendUnavailableError
from pipeline.neural.model_spec import CommercialUse, Stage


@dataclass(frozen=True)
class PackagedFile:
    """One file inside an installed package: its module, its path there, hash and size."""

    module: str
    path: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class PackagedModel:
    """A model shipped in PyPI packages, with its licence as the packages state it."""

    name: str
    stage: Stage | None
    """None: a model the studio measures with (a recogniser), not one a stage renders with."""
    purpose: str
    packages: tuple[str, ...]
    """The PyPI distributions that carry it (what the extra installs)."""
    files: tuple[PackagedFile, ...]
    licence: str
    commercial_use: CommercialUse
    licence_note: str
    joined_sha256: str = ""
    """For a model split into parts: the SHA-256 of all files joined in order."""
    upstream: str = ""

    @property
    def size_bytes(self) -> int:
        """Bytes of all its files together."""
        return sum(f.size_bytes for f in self.files)

    @property
    def modules(self) -> tuple[str, ...]:
        """The importable packages its files are in, in order, without repeats."""
        return tuple(dict.fromkeys(f.module for f in self.files))


def is_installed(model: PackagedModel) -> bool:
    """True when every package holding the model's files is importable (no file is read)."""
    return all(importlib.util.find_spec(module) is not None for module in model.modules)


def read_file(item: PackagedFile) -> bytes:
    """A packaged file's bytes, checked against its SHA-256; BackendUnavailableError when the
    package is missing or the file differs."""
    if importlib.util.find_spec(item.module) is None:
        raise BackendUnavailableError(f"The package {item.module} is not installed.")
    data = (resources.files(item.module) / item.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise BackendUnavailableError(
            f"{item.module}/{item.path} does not match its SHA-256; reinstall the package."
        )
    return data


def read_joined(model: PackagedModel, paths: tuple[str, ...]) -> bytes:
    """The files with these paths, joined in registry order and checked against
    joined_sha256 (the parts of a split model)."""
    parts = [read_file(f) for f in model.files if f.path in paths]
    data = b"".join(parts)
    if model.joined_sha256 and hashlib.sha256(data).hexdigest() != model.joined_sha256:
        raise BackendUnavailableError(
            f"The parts of {model.name} do not join into the expected model; reinstall them."
        )
    return data


def packaged_file(model: PackagedModel, path: str) -> PackagedFile:
    """The model's file at this path inside its package (KeyError when it has none)."""
    for item in model.files:
        if item.path == path:
            return item
    raise KeyError(path)
