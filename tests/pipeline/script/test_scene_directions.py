"""Direction lines inside a paragraph: ``[image: name]`` pins an image, ``[voice: ...]``."""

from __future__ import annotations

from pathlib import Path

from pipeline.script.scenes import (
    join_paragraphs,
    parse_script,
    parse_storyboard,
    scene_directions,
    scene_paragraphs,
)

IMAGES = [Path("/u/1/river.png"), Path("/u/2/Temple_Gate.jpg"), Path("/u/3/market.png")]


def test_an_image_line_pins_that_image_and_the_others_spread_over_the_rest() -> None:
    text = (
        "The river runs wide.\n\n"
        "[image: temple gate]\nWe reach the gate at dusk.\n\n"
        "The market is loud.\n\n"
        "Night falls."
    )
    script = parse_script(text, IMAGES, "en")
    assert script.scenes[1].images == (IMAGES[1],)
    unpinned = [scene.images for index, scene in enumerate(script.scenes) if index != 1]
    assert [image for images in unpinned for image in images] == [IMAGES[0], IMAGES[0], IMAGES[2]]
    assert all(IMAGES[1] not in images for images in unpinned)


def test_a_voice_line_sets_the_scene_voice_and_neither_line_is_spoken() -> None:
    text = "[voice: Female]\n[image: river]\nShe sings by the water.\n\nThe end comes."
    script = parse_script(text, IMAGES, "en")
    assert script.scenes[0].voice == "female"
    assert script.scenes[1].voice is None
    spoken = " ".join(sentence.text for sentence in script.sentences)
    assert "voice" not in spoken and "image" not in spoken and "river" not in spoken


def test_unknown_names_and_voices_change_nothing() -> None:
    plain = parse_script("One scene here.\n\nAnother one.", IMAGES, "en")
    directed = parse_script(
        "[image: nowhere]\n[voice: robot]\nOne scene here.\n\nAnother one.", IMAGES, "en"
    )
    assert [s.images for s in directed.scenes] == [s.images for s in plain.scenes]
    assert directed.scenes[0].voice is None


def test_paragraphs_round_trip_and_map_to_scenes() -> None:
    text = "  First scene.  \n\n\n(a silent direction)\n\nSecond: scene.\nMore of it.\n"
    paragraphs = scene_paragraphs(text)
    assert paragraphs == ["First scene.", "(a silent direction)", "Second: scene.\nMore of it."]
    assert scene_paragraphs(join_paragraphs(paragraphs)) == paragraphs
    script, where = parse_storyboard(text, [], "en")
    assert len(script.scenes) == 2 and where == (0, 2)


def test_directions_read_the_last_voice_and_every_image() -> None:
    found = scene_directions(["[image: a]", "[IMAGE:b]", "[voice: male]", "[voice:neutral]"])
    assert found.images == ("a", "b") and found.voice == "neutral"
