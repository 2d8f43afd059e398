"""Fetching a job's stored inputs into its scratch folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.storage import ObjectMissing, Storage
from pipeline.errors import InputError


@dataclass(frozen=True)
class StoredFile:
    """An object in storage and the file name it should have locally."""

    key: str
    filename: str


def fetch_files(storage: Storage, files: Sequence[StoredFile], folder: Path) -> list[Path]:
    """Download the files into folder, keeping their names (made unique when two collide)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    taken: set[str] = set()
    for item in files:
        name = _unique(item.filename, taken)
        taken.add(name.lower())
        destination = folder / name
        try:
            storage.download(item.key, destination)
        except ObjectMissing as error:
            raise InputError(
                f"The uploaded file {item.filename} no longer exists; upload it again."
            ) from error
        paths.append(destination)
    return paths


def _unique(filename: str, taken: set[str]) -> str:
    if filename.lower() not in taken:
        return filename
    stem, dot, suffix = filename.rpartition(".")
    if not dot:
        stem, suffix = filename, ""
    counter = 2
    while f"{stem}_{counter}{dot}{suffix}".lower() in taken:
        counter += 1
    return f"{stem}_{counter}{dot}{suffix}"
