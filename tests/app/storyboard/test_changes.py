"""Which scenes a render redraws: each scene's digest against the last render's snapshot."""

from __future__ import annotations

from typing import Any

from app.storyboard.board import build_board
from app.storyboard.changes import compare
from app.storyboard.edits import speaker_label, with_speaker

REF = "0b6b1f52-2f8a-4a0e-9d51-4f1d2a1c9e11/river.png"
SCRIPT = "One scene here.\n\nA second scene.\n\nThe third scene.\n\nAnd the last one."


def _settings(script: str = SCRIPT, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "script": script, "images": [REF], "voice": "male", "language": "en", "duration": 1,
        "music": "cinematic", "aspect": "16:9", "resolution": "720p", "captions": "none",
        "ai_label": False,
    }  # fmt: skip
    values.update(changes)
    return values


def _compare(now: dict[str, Any], then: dict[str, Any] | None) -> Any:
    board = build_board(now["script"], now["images"], now["language"], now["voice"])
    return compare(board, now, then)


def test_nothing_changed_and_one_edit() -> None:
    assert _compare(_settings(), _settings()).changed == ()
    edited = SCRIPT.replace("A second scene.", "Another second scene.")
    found = _compare(_settings(edited), _settings())
    assert found.changed == (1,) and not found.full and found.previous == {0: 0, 1: 1, 2: 2, 3: 3}


def test_a_move_redraws_the_moved_scene_and_a_removal_its_follower() -> None:
    parts = SCRIPT.split("\n\n")
    moved = "\n\n".join([parts[1], parts[0], parts[2], parts[3]])
    # the moved scene, and the scene that now follows the gap it left (a new crossfade)
    assert _compare(_settings(moved), _settings()).changed == (0, 2)
    removed = "\n\n".join([parts[0], parts[2], parts[3]])
    found = _compare(_settings(removed), _settings())
    assert found.changed == (1,) and found.previous == {0: 0, 1: 2, 2: 3}


def test_voice_and_images_count_but_film_wide_settings_make_it_full() -> None:
    voiced = SCRIPT.replace("The third", "[voice: female]\nThe third")
    assert _compare(_settings(voiced), _settings()).changed == (2,)
    full = _compare(_settings(resolution="1080p"), _settings())
    assert full.full and "resolution" in full.reason and full.changed == (0, 1, 2, 3)
    never = _compare(_settings(), None)
    assert never.full and "not been rendered" in never.reason


def test_a_speaker_takes_over_the_scene_and_back() -> None:
    assert with_speaker(["ASHA: Hello there.", "Look!"], "Ravi", ["ASHA"]) == [
        "Ravi: Hello there. Look!"
    ]
    assert with_speaker(["ASHA: Hello there."], "", ["ASHA"]) == ["Hello there."]


def test_a_speaker_without_an_image_is_written_in_capitals() -> None:
    assert speaker_label("Asha", ["0b6b1f52-2f8a-4a0e-9d51-4f1d2a1c9e11/asha.png"]) == "Asha"
    assert speaker_label("Ravi", [REF]) == "RAVI"
    assert speaker_label("", [REF]) == "" and speaker_label(None, []) == ""
