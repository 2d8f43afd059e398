"""The name a download is saved under (a film's title, not film.mp4), and the
Content-Disposition header that carries it: an ASCII `filename` for old clients and the
UTF-8 `filename*` of RFC 5987/6266 for the rest."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_CHARS = 120
"""Longest download name kept, extension included (file systems allow 255 bytes)."""
FALLBACK_STEM = "film"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\/:*?<>|]+')
"""Control characters, quotes and what file systems or headers refuse in a name."""
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9 ._()'&,+=@!#$~\[\]-]+")


def download_name(title: str, extension: str, fallback: str = FALLBACK_STEM) -> str:
    """'Rain on the Ghat.mp4' from a title: unsafe characters become spaces, spaces are
    collapsed, leading and trailing dots and spaces dropped, the length capped."""
    suffix = f".{extension.lstrip('.')}" if extension else ""
    stem = " ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", title)).split()).strip(" .")
    stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .")
    return f"{stem or fallback}{suffix}"


def ascii_name(name: str, fallback: str = FALLBACK_STEM) -> str:
    """The name in plain ASCII (accents dropped, other letters as underscores)."""
    stem, dot, extension = download_name(name, "").rpartition(".")
    if not dot:
        stem, extension = extension, ""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = " ".join(_NOT_ASCII_SAFE.sub("_", plain).split()).strip(" ._") or fallback
    extension = _NOT_ASCII_SAFE.sub("", extension)
    return f"{plain}.{extension}" if extension else plain


def content_disposition(name: str) -> str:
    """`attachment; filename="ASCII"; filename*=UTF-8''percent-encoded` for a download name."""
    safe = download_name(name, "")
    return f"attachment; filename=\"{ascii_name(safe)}\"; filename*=UTF-8''{quote(safe, safe='')}"
