"""Signing an MP4 in place with a C2PA manifest (c2pa-python), keeping +faststart.

The manifest goes in a `uuid` box right after `ftyp`, so `moov` still comes before `mdat`
and the film still starts playing before it has fully downloaded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import c2pa

from app.provenance.keys import SigningKeys
from app.provenance.manifest import MP4_FORMAT


class SigningError(Exception):
    """The film could not be signed."""


def sign_mp4(path: Path, manifest: dict[str, Any], keys: SigningKeys) -> None:
    """Embed the signed manifest in the MP4 at path (written beside it, then swapped in)."""
    signed = path.with_name(f".{path.name}.signed")
    info = c2pa.C2paSignerInfo(keys.algorithm, keys.chain_pem, keys.private_key_pem, None)
    try:
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(manifest) as builder,
            path.open("rb") as source,
            signed.open("w+b") as destination,
        ):
            builder.sign(signer, MP4_FORMAT, source, destination)
    except c2pa.C2paError as error:
        signed.unlink(missing_ok=True)
        raise SigningError(f"Signing {path.name} with its C2PA manifest failed: {error}") from error
    os.replace(signed, path)
