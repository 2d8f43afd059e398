"""Reading Content Credentials back from an MP4 with the C2PA reader, and judging them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa

from app.provenance.manifest import CREATED_ACTION, INGREDIENT_HASH_KEY, MP4_FORMAT

VALID_STATES = frozenset({"Valid", "Trusted"})
"""The reader's states for a manifest whose signature and hashes check out."""
UNTRUSTED_CODE = "signingCredential.untrusted"
"""The failure code a chain outside the trust anchors gets (and nothing else wrong)."""


@dataclass(frozen=True)
class Provenance:
    """What the C2PA reader found in a file."""

    present: bool
    validation_state: str | None = None
    manifest: dict[str, Any] | None = None
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def valid(self) -> bool:
        """Signature and hashes check out (trusted or not)."""
        return self.present and self.validation_state in VALID_STATES

    @property
    def trusted(self) -> bool:
        """The signer's chain ends at a trust anchor the reader was given."""
        return self.validation_state == "Trusted"

    def created_action(self) -> dict[str, Any] | None:
        """The manifest's c2pa.created action."""
        for assertion in (self.manifest or {}).get("assertions", []):
            for action in assertion.get("data", {}).get("actions", []):
                if action.get("action") == CREATED_ACTION:
                    return dict(action)
        return None

    def ingredient_hashes(self) -> list[str]:
        """The SHA-256 of every ingredient, in manifest order."""
        return [
            str(item.get("metadata", {}).get(INGREDIENT_HASH_KEY))
            for item in (self.manifest or {}).get("ingredients", [])
        ]


def _context(trust_anchors_pem: bytes | None) -> Any:
    if trust_anchors_pem is None:
        return None
    settings = c2pa.Settings.from_dict(
        {"verify": {"verify_trust": True}, "trust": {"trust_anchors": trust_anchors_pem.decode()}}
    )
    return c2pa.Context(settings=settings)


def read_provenance(path: Path, trust_anchors_pem: bytes | None = None) -> Provenance:
    """The manifest in the MP4 at path and its validation, checked against the anchors given
    (without them the signature and hashes are checked, and trust is reported untrusted)."""
    context = _context(trust_anchors_pem)
    try:
        with path.open("rb") as stream, c2pa.Reader(MP4_FORMAT, stream, context=context) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError.ManifestNotFound:
        return Provenance(present=False)
    except c2pa.C2paError as error:
        return Provenance(present=True, validation_state="Invalid", error=str(error))
    results = store.get("validation_results", {}).get("activeManifest", {})
    return Provenance(
        present=True,
        validation_state=store.get("validation_state"),
        manifest=store.get("manifests", {}).get(store.get("active_manifest")),
        failures=[
            {"code": str(item.get("code")), "explanation": str(item.get("explanation", ""))}
            for item in results.get("failure", [])
        ],
    )
