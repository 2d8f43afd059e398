"""What changed since the last render: which scenes a render now draws again, or all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from app.storyboard.board import BoardScene, build_board

FILM_WIDE_SETTINGS = (
    "voice",
    "language",
    "duration",
    "music",
    "aspect",
    "resolution",
    "captions",
    "ai_label",
)
"""Settings that shape every scene: changing one makes the next render a full one."""


@dataclass(frozen=True)
class Comparison:
    """The storyboard against the last render."""

    full: bool
    reason: str
    changed: tuple[int, ...] = ()
    """Indexes of the scenes drawn again (every scene with something to say when full)."""
    previous: Mapping[int, int] = field(default_factory=dict)
    """Scene index -> the scene's number in the last render (its render.json scenes entry),
    for the scenes that were in it (an edited scene maps to its old version)."""


def compare(
    board: Sequence[BoardScene], settings: Mapping[str, Any], snapshot: Mapping[str, Any] | None
) -> Comparison:
    """Compare the scenes now with the settings the last render was made from (its snapshot)."""
    spoken = [scene.index for scene in board if scene.fingerprint is not None]
    if snapshot is None:
        return Comparison(
            True, "The film has not been rendered from this storyboard yet.", tuple(spoken)
        )
    for name in FILM_WIDE_SETTINGS:
        if snapshot.get(name) != settings.get(name):
            return Comparison(
                True, f"The film's {name} changed since the last render.", tuple(spoken)
            )
    before = build_board(
        str(snapshot["script"]),
        list(snapshot.get("images", [])),
        str(snapshot["language"]),
        str(snapshot["voice"]),
    )
    old = [scene.fingerprint for scene in before if scene.fingerprint is not None]
    new = [board[index].fingerprint for index in spoken]
    previous: dict[int, int] = {}
    changed: set[int] = set()
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            previous.update({spoken[j1 + k]: i1 + k for k in range(j2 - j1)})
            continue
        if tag == "replace":
            previous.update({spoken[j1 + k]: i1 + k for k in range(min(i2 - i1, j2 - j1))})
        changed.update(spoken[j1:j2])
        if tag == "delete" and spoken:
            # a removed scene's crossfade now joins its neighbours: the next one is drawn again
            changed.add(spoken[min(j1, len(spoken) - 1)])
    if spoken and changed >= set(spoken):
        return Comparison(
            True, "Every scene changed since the last render.", tuple(spoken), previous
        )
    if not changed:
        return Comparison(False, "Nothing changed since the last render.", (), previous)
    count = len(changed)
    return Comparison(
        False,
        f"{count} scene{'s' if count != 1 else ''} changed since the last render.",
        tuple(sorted(changed)),
        previous,
    )
