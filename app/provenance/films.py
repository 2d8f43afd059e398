"""Signing a studio MP4 (a film or a lip-sync output) before it goes to storage."""

from __future__ import annotations

import logging
import mimetypes
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.provenance.keys import (
    SigningKeyError,
    SigningKeys,
    configured_keys,
    development_keys,
    read_pem,
)
from app.provenance.manifest import Ingredient, manifest_definition, sha256_file
from app.provenance.signing import sign_mp4

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger(__name__)

UNKNOWN_FORMAT = "application/octet-stream"


@dataclass(frozen=True)
class SignedFilm:
    """How a signing went: seconds taken and whose certificate signed."""

    seconds: float
    development_certificate: bool
    ingredients: int

    def record(self) -> dict[str, object]:
        """What a job's result keeps about the signing."""
        return {
            "signed": True,
            "seconds": round(self.seconds, 3),
            "development_certificate": self.development_certificate,
            "ingredients": self.ingredients,
        }


def signing_keys(settings: Settings) -> SigningKeys:
    """C2PA_CERT_CHAIN + C2PA_PRIVATE_KEY when both are set, else the development pair."""
    from app.config import Environment

    chain, key = settings.c2pa_cert_chain, settings.c2pa_private_key
    if chain and key:
        return configured_keys(chain, key)
    if chain or key:
        raise SigningKeyError("Set both C2PA_CERT_CHAIN and C2PA_PRIVATE_KEY, or neither.")
    if settings.environment is Environment.PRODUCTION:
        log.warning(
            "C2PA_CERT_CHAIN and C2PA_PRIVATE_KEY are not set: films are signed with the "
            "development certificate, which no C2PA validator trusts."
        )
    return development_keys(settings.data_dir)


def trust_anchors(settings: Settings) -> bytes | None:
    """The roots the provenance check trusts (C2PA_TRUST_ANCHORS), or None for none."""
    if not settings.c2pa_trust_anchors:
        return None
    return read_pem(settings.c2pa_trust_anchors, "C2PA_TRUST_ANCHORS")


def ingredients_of(paths: Sequence[Path]) -> list[Ingredient]:
    """Each input file as an ingredient: its name, media type and SHA-256."""
    return [
        Ingredient(
            title=path.name,
            format=mimetypes.guess_type(path.name)[0] or UNKNOWN_FORMAT,
            sha256=sha256_file(path),
        )
        for path in paths
    ]


def sign_film(
    video: Path,
    keys: SigningKeys,
    used: Mapping[str, str],
    inputs: Sequence[Path],
    *,
    composite: bool,
    disclosure_label: bool = False,
) -> SignedFilm:
    """Embed a signed manifest in the MP4: the created action, the stages and their models,
    and the inputs' hashes."""
    started = time.perf_counter()
    ingredients = ingredients_of(inputs)
    manifest = manifest_definition(
        video.name, used, ingredients, composite=composite, disclosure_label=disclosure_label
    )
    sign_mp4(video, manifest, keys)
    return SignedFilm(time.perf_counter() - started, keys.development, len(ingredients))
