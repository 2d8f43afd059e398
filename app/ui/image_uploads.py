"""Character images picked in the studio, stored through the same upload service as the API."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread
from fastapi import UploadFile

from app.context import AppContext
from app.storage_keys import upload_key
from app.ui.runtime import SignedIn
from app.uploads.service import store_images


@dataclass(frozen=True)
class StoredImage:
    """An image the studio uploaded: its ref for the project, the file Gradio received and a
    signed link to the stored copy for its preview."""

    ref: str
    upload_id: str
    filename: str
    preview_path: str
    preview_url: str
    width: int | None
    height: int | None


async def store_image_files(
    signed: SignedIn,
    context: AppContext,
    paths: list[str],
    consent: bool = False,
    client_address: str | None = None,
) -> list[StoredImage]:
    """Check and store the files Gradio received (all or nothing, like POST /api/uploads/images);
    consent: the creator ticked the likeness statement for images with a face."""
    with ExitStack() as stack:
        files = []
        for path in paths:
            handle = stack.enter_context(await to_thread.run_sync(_open, path))
            files.append(UploadFile(file=handle, filename=Path(path).name))
        stored = await store_images(
            signed.session, context, signed.user, files, consent, client_address
        )
    return [
        StoredImage(
            ref=item.ref,
            upload_id=str(item.id),
            filename=item.filename,
            preview_path=path,
            preview_url=context.storage.url(upload_key(signed.user.id, item.id, item.filename)),
            width=item.width,
            height=item.height,
        )
        for item, path in zip(stored, paths, strict=True)
    ]


def resign_previews(
    context: AppContext, user_id: uuid.UUID, images: list[StoredImage]
) -> list[StoredImage]:
    """The same images with fresh preview links (a restored draft's links may have expired)."""
    return [
        replace(
            image,
            preview_url=context.storage.url(
                upload_key(user_id, uuid.UUID(image.upload_id), image.filename)
            ),
        )
        for image in images
    ]


def _open(path: str) -> BinaryIO:
    return Path(path).open("rb")


def previews_html(images: list[StoredImage]) -> str:
    """Thumbnails of the stored images with their file names (what the renderer will use)."""
    if not images:
        return ""
    figures = "".join(
        f'<li><figure><img src="{escape(image.preview_url)}" alt="{escape(image.filename)}" '
        f'loading="lazy"><figcaption>{escape(image.filename)}'
        f"{_size(image)}</figcaption></figure></li>"
        for image in images
    )
    return f'<ul class="image-previews" aria-label="Image previews">{figures}</ul>'


def _size(image: StoredImage) -> str:
    if image.width is None or image.height is None:
        return ""
    return f' <span class="dimensions">{image.width}×{image.height}</span>'
