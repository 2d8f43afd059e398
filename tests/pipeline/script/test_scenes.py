"""Tests for pipeline.script.scenes: scenes, sentences, speakers and image assignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.script.scenes import MAX_SENTENCE_CHARS, parse_script, split_sentences, spread_images

SCREENPLAY = """The night was dark and the rain would not stop.
Ravi waited by the window.

RAVI: (whispering) Mother, are you there? I cannot sleep.
Maa: Go to sleep, my child.
(Thunder rolls)
RAVI: I will try.

Note: the storm passed by morning."""

HINDI = """एक छोटे से गाँव में एक लड़का रहता था। उसका नाम रवि था॥

रवि: माँ, तुम कहाँ हो? मुझे नींद नहीं आ रही।
माँ: सो जाओ बेटा।"""


def _texts(text: str, images: list[Path] | None = None, language: str = "en") -> list[str]:
    script = parse_script(text, images or [], language)
    return [sentence.text for sentence in script.sentences]


def test_scenes_split_on_blank_lines_and_sentences_are_numbered_in_order() -> None:
    script = parse_script("One. Two!\nThree?\n\n\n  \nFour.\n\nFive", [], "en")
    assert [len(scene.sentences) for scene in script.scenes] == [3, 1, 1]
    assert [s.text for s in script.sentences] == ["One.", "Two!", "Three?", "Four.", "Five"]
    assert [s.index for s in script.sentences] == [0, 1, 2, 3, 4]
    assert [s.scene_index for s in script.sentences] == [0, 0, 0, 1, 2]
    assert [scene.index for scene in script.scenes] == [0, 1, 2]
    assert script.language == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith paid $3.50. He left.", ["Mr. Smith paid $3.50.", "He left."]),
        ('"Stop!" she said. Then she ran.', ['"Stop!" she said.', "Then she ran."]),
        ("J. K. Rowling wrote it. Yes.", ["J. K. Rowling wrote it.", "Yes."]),
        ("See No. 5 now. No. Never.", ["See No. 5 now.", "No.", "Never."]),
        ("Wait... what? Really!", ["Wait... what?", "Really!"]),
        ("राम वन गए। सीता साथ थीं॥ क्यों?हाँ।", ["राम वन गए।", "सीता साथ थीं॥", "क्यों?हाँ।"]),
        ("第一句。第二句！第三句？", ["第一句。", "第二句！", "第三句？"]),
        ("No ending punctuation", ["No ending punctuation"]),
    ],
)
def test_sentences_split_at_terminators_of_each_script(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_overlong_sentences_split_at_commas_and_keep_every_word() -> None:
    clause = "past the old mill where the miller once ground the village wheat"
    text = ", ".join([clause] * 6) + "."
    pieces = split_sentences(text)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert all(piece.endswith((",", ".")) for piece in pieces)
    assert " ".join(pieces).split() == text.split()


def test_overlong_sentence_without_commas_splits_at_spaces() -> None:
    text = " ".join(["word"] * 100) + "."
    pieces = split_sentences(text)
    assert all(len(piece) <= MAX_SENTENCE_CHARS for piece in pieces)
    assert " ".join(pieces).split() == text.split()


def test_screenplay_lines_set_speakers_and_match_character_images() -> None:
    images = [Path("forest.jpg"), Path("ravi.png"), Path("river.jpg"), Path("MAA.jpg")]
    script = parse_script(SCREENPLAY, images, "en")
    spoken = [(s.speaker, s.text) for s in script.sentences]
    assert spoken == [
        (None, "The night was dark and the rain would not stop."),
        (None, "Ravi waited by the window."),
        ("RAVI", "Mother, are you there?"),
        ("RAVI", "I cannot sleep."),
        ("Maa", "Go to sleep, my child."),
        ("RAVI", "I will try."),
        (None, "Note: the storm passed by morning."),
    ]
    assert script.characters == (("RAVI", Path("ravi.png")), ("Maa", Path("MAA.jpg")))
    assert script.character_image("Maa") == Path("MAA.jpg")
    assert script.character_image(None) is None
    # Character images are not scenery: the other two are spread over the three scenes.
    assert [scene.images for scene in script.scenes] == [
        (Path("forest.jpg"),),
        (Path("forest.jpg"),),
        (Path("river.jpg"),),
    ]


def test_speaker_names_match_images_ignoring_case_and_spacing() -> None:
    text = "Mary Jane: Hello there.\nMARY JANE: Hello again."
    script = parse_script(text, [Path("mary_jane.webp")], "en")
    assert {s.speaker for s in script.sentences} == {"Mary Jane"}
    assert script.characters == (("Mary Jane", Path("mary_jane.webp")),)


def test_a_capitalised_label_used_once_without_image_stays_narration() -> None:
    texts = _texts("Warning: the bridge is closed.\n\nTime: 10:30 in the morning.")
    assert texts == ["Warning: the bridge is closed.", "Time: 10:30 in the morning."]


def test_hindi_script_with_caseless_speaker_names() -> None:
    images = [Path("गाँव.jpg"), Path("रवि.png")]
    script = parse_script(HINDI, images, "hi")
    assert [(s.speaker, s.text) for s in script.sentences] == [
        (None, "एक छोटे से गाँव में एक लड़का रहता था।"),
        (None, "उसका नाम रवि था॥"),
        ("रवि", "माँ, तुम कहाँ हो?"),
        ("रवि", "मुझे नींद नहीं आ रही।"),
        ("माँ", "सो जाओ बेटा।"),
    ]
    assert script.characters == (("रवि", Path("रवि.png")),)
    assert script.scenes[0].images == (Path("गाँव.jpg"),)


def test_tamil_sentences_keep_their_combining_marks() -> None:
    texts = _texts("ஒரு ஊரில் ஒரு சிறுவன் இருந்தான். அவன் பெயர் ரவி.", language="ta")
    assert texts == ["ஒரு ஊரில் ஒரு சிறுவன் இருந்தான்.", "அவன் பெயர் ரவி."]


def test_images_are_spread_over_scenes_in_order() -> None:
    images = [Path(f"{n}.jpg") for n in range(5)]
    assert spread_images(images, 2) == [tuple(images[:2]), tuple(images[2:])]
    assert spread_images(images, 5) == [(image,) for image in images]
    assert spread_images(images[:2], 4) == [(images[0],), (images[0],), (images[1],), (images[1],)]
    assert spread_images([], 3) == [(), (), ()]
    shares = spread_images(images, 3)
    assert [image for share in shares for image in share] == images


@pytest.mark.parametrize("text", ["", "   \n\n \t ", "(Thunder)\n\n[Silence]", "... !!! ???"])
def test_scripts_with_nothing_to_say_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="script"):
        parse_script(text, [], "en")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InputError, match="Language 'xx' is not supported"):
        parse_script("Hello.", [], "xx")
