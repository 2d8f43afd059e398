"""A project's AI label opens its YouTube description; the synthetic flag keeps its default."""

from __future__ import annotations

from app.youtube.metadata import (
    AI_LABEL_LINE,
    DESCRIPTION_MAX_BYTES,
    FilmDetails,
    build_video_metadata,
)


def test_the_label_opens_the_description_and_leaves_the_synthetic_flag_alone() -> None:
    labelled = build_video_metadata(FilmDetails(title="Lamp", script="A lamp.", ai_label=True))
    plain = build_video_metadata(FilmDetails(title="Lamp", script="A lamp."))
    assert labelled.description == f"{AI_LABEL_LINE}\n\nA lamp."
    assert plain.description == "A lamp."
    assert labelled.contains_synthetic_media is plain.contains_synthetic_media is True
    faceless = FilmDetails(title="Lamp", script="A lamp.", has_synthetic_faces=False, ai_label=True)
    assert build_video_metadata(faceless).contains_synthetic_media is False


def test_a_long_script_is_trimmed_so_the_label_still_fits() -> None:
    script = "The river woke before the village did. " * 400
    labelled = build_video_metadata(FilmDetails(title="River", script=script, ai_label=True))
    assert labelled.description.startswith(AI_LABEL_LINE + "\n\n")
    assert len(labelled.description.encode()) <= DESCRIPTION_MAX_BYTES
