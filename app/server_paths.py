"""Keep the server's file system out of API answers: absolute paths become their last part."""

from __future__ import annotations

import re
from typing import Any, TypeVar

ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])(?:/[\w.@+-]+)+/([\w.@+-]+)")
"""Two or more segments from the root (`/data/models/x.onnx`), not a URL's `//host/path`."""

Value = TypeVar("Value")


def scrub_paths(value: Value) -> Value:
    """The value (text, or lists and dicts of it) with absolute paths cut to `…/name`."""
    result: Any = value
    if isinstance(value, str):
        result = ABSOLUTE_PATH.sub(lambda match: f"…/{match.group(1)}", value)
    elif isinstance(value, dict):
        result = {key: scrub_paths(item) for key, item in value.items()}
    elif isinstance(value, list):
        result = [scrub_paths(item) for item in value]
    return result  # type: ignore[no-any-return]
