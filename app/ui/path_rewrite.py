"""Swap Gradio's server paths for opaque file ids in JSON going out, and back coming in.

Going out, every string naming a file under one of Gradio's folders (a bare path, a path in
a `file=` link, or a path quoted in a message) gets the id instead. Coming in, a file
object's (`{"path": ...}`, Gradio's FileData) path must be an id this user was given, and
becomes the real path again; so does any other string that is such an id. A bare server path
is never taken: in a file object it is refused, elsewhere it becomes an id naming nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from app.ui.file_ids import ID_PREFIX, is_file_id

Issue = Callable[[str], str]
"""Gives the id of a real path (for the user the answer goes to)."""
Resolve = Callable[[str], "str | None"]
"""Gives the real path of an id, or None when the user was not given it."""

NOTHING_TOKEN = "expired"
"""The token of an id that names no file (never one FileIds issues: those are longer)."""
FOLDER_PLACEHOLDER = "[studio files]"
"""Stands for one of Gradio's folders named in a message."""
FILE_LINK = re.compile(r"(file=)([^\s\"'<>?#]+)")
"""A Gradio download link's path (URL-encoded), up to its query string."""


class FileRefused(ValueError):
    """A request names a file the signed-in user may not use."""

    status = 400
    code = "invalid_file_reference"
    message = "Files are named by the id their upload returned, not by a path or address."

    def __init__(self) -> None:
        super().__init__(self.message)


class UnknownFile(FileRefused):
    """An id this user was not given, or one forgotten since."""

    status = 404
    code = "file_not_found"
    message = "That file is not available to you (it may have expired); upload it again."


class PathHider:
    """Replaces paths under Gradio's folders with ids."""

    def __init__(self, roots: Iterable[str]) -> None:
        self.roots = tuple(sorted({os.path.normpath(root) for root in roots}, key=len))
        alternatives = "|".join(re.escape(root) for root in reversed(self.roots))
        self._in_text = re.compile(rf"(?:{alternatives})(?:/[^\s\"'<>?#]*)?(?![\w-])")

    def inside(self, path: str) -> bool:
        """Whether `path` is an absolute path strictly under one of the folders."""
        if not path.startswith("/"):
            return False
        normal = os.path.normpath(path)
        return any(normal.startswith(f"{root}/") for root in self.roots)

    def hide(self, value: Any, issue: Issue) -> Any:
        """`value` (parsed JSON) with every path under the folders replaced by its id."""
        if isinstance(value, str):
            return self.hide_text(value, issue)
        if isinstance(value, list):
            return [self.hide(item, issue) for item in value]
        if isinstance(value, dict):
            return {key: self.hide(item, issue) for key, item in value.items()}
        return value

    def hide_text(self, text: str, issue: Issue) -> str:
        """`text` with every path under the folders replaced by its id."""
        if self.inside(text):
            return issue(os.path.normpath(text))

        def link(match: re.Match[str]) -> str:
            path = unquote(match.group(2))
            if not self.inside(path):
                return match.group(0)
            return match.group(1) + quote(issue(os.path.normpath(path)), safe="/")

        def quoted(match: re.Match[str]) -> str:
            path = match.group(0)
            if self.inside(path):
                return issue(os.path.normpath(path))
            return FOLDER_PLACEHOLDER if os.path.normpath(path) in self.roots else path

        return self._in_text.sub(quoted, FILE_LINK.sub(link, text))

    def reveal(self, value: Any, resolve: Resolve) -> Any:
        """`value` (parsed JSON) with each file object's id replaced by its real path, and
        each other string that is an id the user was given too (a draft kept in the browser
        names its images so); a bare path under the folders becomes an id that names nothing.

        Raises FileRefused for a file object naming a path, or an id the user was not given.
        """
        if isinstance(value, str):
            return self._reveal_text(value, resolve)
        if isinstance(value, list):
            return [self.reveal(item, resolve) for item in value]
        if not isinstance(value, dict):
            return value
        path = value.get("path")
        if isinstance(path, str):
            return {**value, "path": self.real_path(path, resolve)}
        return {key: self.reveal(item, resolve) for key, item in value.items()}

    def _reveal_text(self, text: str, resolve: Resolve) -> str:
        if is_file_id(text):
            path = resolve(text)
            return path if path is not None and self.inside(path) else text
        if self.inside(text):
            return f"{ID_PREFIX}{NOTHING_TOKEN}/{PurePosixPath(text).name}"
        return text

    def real_path(self, file_id: str, resolve: Resolve) -> str:
        """The real path behind an id the user was given (FileRefused otherwise)."""
        if not is_file_id(file_id):
            raise FileRefused
        path = resolve(file_id)
        if path is None or not self.inside(path):
            raise UnknownFile
        return path
