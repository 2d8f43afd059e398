"""Serves locally stored files through signed, expiring links (never a client-chosen path)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from app.deps import Context
from app.download_names import MAX_NAME_CHARS, content_disposition
from app.errors import Forbidden, NotFound
from app.storage import LocalStorage, StorageError

router = APIRouter(prefix="/api/files", tags=["files"])


@router.get(
    "/{key:path}",
    response_class=FileResponse,
    responses={
        200: {"description": "The file", "content": {"application/octet-stream": {}}},
        403: {"description": "The link's signature is invalid or it has expired"},
        404: {"description": "No such file"},
    },
)
async def download(
    key: str,
    context: Context,
    expires: Annotated[int, Query()],
    signature: Annotated[str, Query(max_length=128)],
    name: Annotated[
        str, Query(max_length=MAX_NAME_CHARS * 4, description="The name the file downloads as.")
    ] = "",
) -> FileResponse:
    """A stored file, when the link's signature is valid and it has not expired."""
    storage = context.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound("Files are served by the object store; use the link the API gave you.")
    if not storage.verify_link(key, expires, signature, name):
        raise Forbidden("This download link is invalid or has expired; ask the API for a new one.")
    try:
        path = storage.path(key)
    except StorageError as error:
        raise NotFound("No such file.") from error
    if not path.is_file():
        raise NotFound("The file no longer exists.")
    disposition = content_disposition(name or path.name)
    return FileResponse(path, headers={"Content-Disposition": disposition})
