"""The C2PA manifest definition of a studio MP4: what made it, and from which inputs.

One `c2pa.created` action carries the IPTC digital source type (trainedAlgorithmicMedia, or
compositeWithTrainedAlgorithmicMedia when the creator's images are in it), the software and
its version, and which stages ran a neural model (from render.json's `backends.used`).
Each input file is an ingredient known by its SHA-256 only: no picture goes in a manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

SOFTWARE_NAME = "AI Film Studio"
DISTRIBUTION = "ai-film-studio"
IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TRAINED_ALGORITHMIC_MEDIA = IPTC_SOURCE_TYPES + "trainedAlgorithmicMedia"
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = (
    IPTC_SOURCE_TYPES + "compositeWithTrainedAlgorithmicMedia"
)
CREATED_ACTION = "c2pa.created"
INGREDIENT_HASH_KEY = "org.aifilmstudio.sha256"
"""The ingredient metadata field holding the input file's SHA-256 (hex)."""
NON_NEURAL_BACKENDS = frozenset({"espeak", "procedural", "kenburns", "none"})
"""The CPU defaults of each stage (rule-based synthesis, no trained model)."""
HASH_CHUNK_BYTES = 1024 * 1024
MP4_FORMAT = "video/mp4"


@dataclass(frozen=True)
class Ingredient:
    """An input file of the film, known by name, type and SHA-256."""

    title: str
    format: str
    sha256: str


def sha256_file(path: Path) -> str:
    """The file's SHA-256 in hex, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def software_version() -> str:
    """This studio's installed version."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def neural_stages(used: Mapping[str, str]) -> list[dict[str, str]]:
    """The stages a trained model served, with the model (e.g. piper:<voice>, wav2lip-gan-96)."""
    return [
        {"stage": stage, "model": backend}
        for stage, backend in sorted(used.items())
        if backend not in NON_NEURAL_BACKENDS
    ]


def manifest_definition(
    title: str,
    used: Mapping[str, str],
    ingredients: Sequence[Ingredient],
    *,
    composite: bool,
    disclosure_label: bool = False,
) -> dict[str, Any]:
    """The manifest to sign into an MP4 (the c2pa Builder's JSON definition).

    composite: the creator's images are in the picture (compositeWithTrainedAlgorithmicMedia).
    """
    version = software_version()
    agent = {"name": SOFTWARE_NAME, "version": version}
    action: dict[str, Any] = {
        "action": CREATED_ACTION,
        "digitalSourceType": COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
        if composite
        else TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": agent,
        "parameters": {
            "stages": dict(sorted(used.items())),
            "neural": neural_stages(used),
            "visible_ai_label": disclosure_label,
        },
    }
    return {
        "claim_generator_info": [agent],
        "title": title,
        "format": MP4_FORMAT,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [action]}}],
        "ingredients": [
            {
                "title": item.title,
                "format": item.format,
                "relationship": "inputTo",
                "instance_id": f"sha256:{item.sha256}",
                "metadata": {INGREDIENT_HASH_KEY: item.sha256},
            }
            for item in ingredients
        ],
    }
