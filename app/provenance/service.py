"""Provenance of a stored film: downloaded from storage and read with the C2PA reader."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import Conflict, NotFound
from app.provenance.films import trust_anchors
from app.provenance.reading import Provenance, read_provenance
from app.provenance.schemas import ProvenanceResponse, ValidationFailure
from app.storage import ObjectMissing, Storage
from db.models import User
from db.repositories import projects as project_repo

FILM_NAME = "film.mp4"


def stored_provenance(storage: Storage, key: str, settings: Settings) -> Provenance:
    """Read the manifest of the MP4 stored under key (a blocking call: run it in a thread)."""
    anchors = trust_anchors(settings)
    with tempfile.TemporaryDirectory(prefix="provenance-") as folder:
        path = Path(folder) / FILM_NAME
        storage.download(key, path)
        return read_provenance(path, anchors)


def response(project_id: uuid.UUID, found: Provenance) -> ProvenanceResponse:
    """The API body for what the reader found."""
    action = found.created_action() or {}
    return ProvenanceResponse(
        project_id=project_id,
        present=found.present,
        validation_state=found.validation_state,
        valid=found.valid,
        trusted=found.trusted,
        digital_source_type=action.get("digitalSourceType"),
        ingredient_hashes=found.ingredient_hashes(),
        failures=[ValidationFailure(**item) for item in found.failures],
        manifest=found.manifest,
        error=found.error,
    )


async def film_provenance(
    session: AsyncSession,
    user: User,
    project_id: uuid.UUID,
    storage: Storage,
    settings: Settings,
) -> ProvenanceResponse:
    """The user's film's Content Credentials; 404 for another's project, 409 without a film."""
    project = await project_repo.get_owned(session, project_id, user.id)
    if project is None:
        raise NotFound("No project with this id in your account.")
    if project.video_key is None:
        raise Conflict(
            "This project has no film yet; wait for its render to complete.",
            code="project_not_complete",
        )
    try:
        found = await to_thread.run_sync(stored_provenance, storage, project.video_key, settings)
    except ObjectMissing as error:
        raise Conflict(
            "The film's file is missing from storage; render the project again.",
            code="film_missing",
        ) from error
    return response(project.id, found)
