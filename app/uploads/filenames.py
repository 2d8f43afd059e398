"""Safe stored file names that keep the creator's name (screenplay speakers match on it)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

MAX_STEM_CHARS = 100
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(original: str | None, extension: str, fallback: str = "image") -> str:
    """The client's file name reduced to a safe base name with the real format's extension."""
    name = PureWindowsPath(PurePosixPath(original or "").name).name
    stem = unicodedata.normalize("NFC", name.rsplit(".", 1)[0] if "." in name else name)
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:MAX_STEM_CHARS] or fallback
    return f"{stem}{extension}"
