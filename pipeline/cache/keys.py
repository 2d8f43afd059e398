"""Cache keys: a digest of everything a stage output depends on.

A key names the stage and digests, in one canonical form, every input: texts and numbers as
they are, files and byte strings by the SHA-256 of their content (so the same picture keeps
its key wherever it is stored), arrays by their dtype, shape and bytes, dataclasses field by
field, plus the stage's code version. Change any of them and the key changes; change nothing
(not even the order of a mapping's keys) and it stays.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

FILE_CHUNK_BYTES = 1 << 20
"""Bytes hashed at a time when digesting a file."""
KEY_FORMAT = 1
"""Bumped when the canonical form below changes, so old keys never collide with new ones."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(FILE_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def cache_key(stage: str, version: str, **inputs: Any) -> str:
    """The key of a stage output: "<stage>/<64 hex digits>".

    version is the stage's code version (bump it when the stage's output changes for the
    same inputs). Files are given as Path, and are digested by content.
    """
    if not stage.isidentifier():
        raise ValueError(f"A cache stage name must be an identifier, not {stage!r}.")
    document = {"format": KEY_FORMAT, "stage": stage, "version": version, "inputs": inputs}
    canonical = json.dumps(_canonical(document), sort_keys=True, separators=(",", ":"))
    return f"{stage}/{hashlib.sha256(canonical.encode()).hexdigest()}"


def _canonical(value: Any) -> Any:
    """A JSON-ready form of value in which equal inputs look the same."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"A cache input must be a finite number, not {value}.")
        return {"float": value.hex()}
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, Path):
        return {"file_sha256": file_sha256(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes_sha256": hashlib.sha256(bytes(value)).hexdigest()}
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        return {
            "array": [data.dtype.str, list(data.shape)],
            "sha256": hashlib.sha256(data.tobytes()).hexdigest(),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"dataclass": type(value).__qualname__, "fields": _canonical(fields)}
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("Cache input mappings must have string keys.")
        return {"map": {key: _canonical(item) for key, item in value.items()}}
    if isinstance(value, list | tuple):
        return {"seq": [_canonical(item) for item in value]}
    raise TypeError(f"{type(value).__name__} cannot be part of a cache key.")
