"""Links this studio issued, turned back into storage keys; nothing is ever fetched from them.

A client hands back links the API gave it (a film's video_url, a job's output_url): signed
local /api/files/... links, or S3 links into the studio's bucket (presigned https links and
s3://bucket/prefix/... addresses). The shapes are learnt from the storage itself (the link it
makes for a probe key), so only this installation's links match. Anything else is refused
with a 422: arbitrary URLs are never downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from app.errors import Unprocessable
from app.storage import LocalStorage, S3Storage, Storage

PROBE_KEY = "link-shape/probe"
"""A key whose link shows where keys sit in this storage's links."""


WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class LinkShape:
    """Scheme, host and path prefix that every link to a key of this storage shares."""

    scheme: str
    netloc: str
    path_prefix: str


def issued_shapes(storage: Storage) -> list[LinkShape]:
    """The link shapes this storage hands out: its download links, and for S3 its s3:// form."""
    links = [storage.url(PROBE_KEY)]
    if isinstance(storage, S3Storage):
        links.append(storage.location(PROBE_KEY))
    shapes = []
    for link in links:
        parts = urlsplit(link)
        probe_at = parts.path.rfind(PROBE_KEY.split("/")[0])
        shapes.append(LinkShape(parts.scheme.lower(), parts.netloc.lower(), parts.path[:probe_at]))
    return shapes


def storage_key(storage: Storage, link: str, field: str) -> str:
    """The storage key a link issued by this studio points at; 422 for any other link, and
    for a local link whose signature is wrong or expired."""
    parts = urlsplit(link.strip())
    local = isinstance(storage, LocalStorage)
    for shape in issued_shapes(storage):
        if local:
            # Local links carry whichever address the request that made them came in on; the
            # signature, not the host, proves the studio issued them (nothing is fetched).
            if parts.scheme.lower() not in WEB_SCHEMES:
                continue
        elif (parts.scheme.lower(), parts.netloc.lower()) != (shape.scheme, shape.netloc):
            continue
        if not parts.path.startswith(shape.path_prefix):
            continue
        key = unquote(parts.path[len(shape.path_prefix) :])
        if not _plain_key(key):
            break
        if isinstance(storage, LocalStorage):
            _check_signature(storage, key, parts.query, field)
        return key
    raise Unprocessable(
        f"{field} must be a link this studio issued (a film's video_url or a job's output_url); "
        "other addresses are never fetched.",
        code="foreign_link",
        field=field,
    )


def _plain_key(key: str) -> bool:
    parts = key.split("/")
    return bool(key) and all(part not in ("", ".", "..") for part in parts)


def _check_signature(storage: LocalStorage, key: str, query: str, field: str) -> None:
    values = parse_qs(query)
    expires = values.get("expires", [""])[0]
    signature = values.get("signature", [""])[0]
    name = values.get("name", [""])[0]
    if not expires.isdigit() or not storage.verify_link(key, int(expires), signature, name):
        raise Unprocessable(
            f"{field} is not a valid link or it has expired; ask the API for a fresh one.",
            code="invalid_link",
            field=field,
        )
