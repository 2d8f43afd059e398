"""Opaque ids for the studio's Gradio files, each bound to the user it was shown to.

The studio hands the browser `upload/<token>/<file name>` instead of a server path, and
turns the id back into the path only for the same user. Ids live in memory (Gradio's queue
keeps its sessions in one process too), at most MAX_IDS of them, each forgotten after
ID_LIFETIME_S without use (Gradio's cache keeps files for a day).
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

ID_PREFIX = "upload/"
"""How every id starts (the browser builds `file=upload/...` download links from it)."""
ID_LIFETIME_S = 24 * 3600
"""An id unused for this long is forgotten (Gradio deletes cache files a day old)."""
MAX_IDS = 20_000
"""Ids kept in all; the least recently used goes first."""
MAX_IDS_PER_USER = 2_000
"""Ids kept per user, so one user cannot push everyone else's out."""
TOKEN_BYTES = 18


@dataclass
class _Entry:
    owner: str
    path: str
    name: str
    used_at: float


class FileIds:
    """A bounded, expiring map of opaque ids to real paths, per user."""

    def __init__(
        self,
        max_ids: int = MAX_IDS,
        max_per_user: int = MAX_IDS_PER_USER,
        lifetime_s: float = ID_LIFETIME_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._tokens: dict[tuple[str, str], str] = {}
        self._per_user: dict[str, int] = {}
        self._max_ids = max_ids
        self._max_per_user = max_per_user
        self._lifetime_s = lifetime_s
        self._clock = clock

    def __len__(self) -> int:
        return len(self._entries)

    def issue(self, owner: str, path: str) -> str:
        """The id of `path` for `owner` (the same one while it is remembered)."""
        now = self._clock()
        self._expire(now)
        token = self._tokens.get((owner, path))
        if token is None:
            if self._per_user.get(owner, 0) >= self._max_per_user:
                self._drop(next(t for t, e in self._entries.items() if e.owner == owner))
            if len(self._entries) >= self._max_ids:
                self._drop(next(iter(self._entries)))
            token = secrets.token_urlsafe(TOKEN_BYTES)
            name = PurePosixPath(path).name
            self._entries[token] = _Entry(owner, path, name, now)
            self._tokens[(owner, path)] = token
            self._per_user[owner] = self._per_user.get(owner, 0) + 1
        entry = self._touch(token, now)
        return f"{ID_PREFIX}{token}/{entry.name}"

    def resolve(self, owner: str, file_id: str) -> str | None:
        """The path behind `file_id` when `owner` was given it and it is still remembered."""
        token, _, name = file_id.removeprefix(ID_PREFIX).partition("/")
        now = self._clock()
        self._expire(now)
        entry = self._entries.get(token)
        if entry is None or entry.owner != owner or entry.name != name:
            return None
        return self._touch(token, now).path

    def _touch(self, token: str, now: float) -> _Entry:
        entry = self._entries[token]
        entry.used_at = now
        self._entries.move_to_end(token)
        return entry

    def _expire(self, now: float) -> None:
        while self._entries:
            token, oldest = next(iter(self._entries.items()))
            if now - oldest.used_at < self._lifetime_s:
                return
            self._drop(token)

    def _drop(self, token: str) -> None:
        entry = self._entries.pop(token)
        del self._tokens[(entry.owner, entry.path)]
        left = self._per_user[entry.owner] - 1
        if left:
            self._per_user[entry.owner] = left
        else:
            del self._per_user[entry.owner]


def is_file_id(value: str) -> bool:
    """Whether `value` has the shape of an id (not whether it is known)."""
    token, slash, name = value.removeprefix(ID_PREFIX).partition("/")
    return value.startswith(ID_PREFIX) and bool(token) and bool(slash) and bool(name)
