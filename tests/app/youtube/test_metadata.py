"""The videos.insert body: limits on title, description and tags; defaults; schema."""

from __future__ import annotations

import json
from pathlib import Path

import googleapiclient
import pytest

from app.youtube.errors import PublishInputError
from app.youtube.metadata import (
    DESCRIPTION_MAX_BYTES,
    TAGS_MAX_CHARS,
    TITLE_MAX_CHARS,
    FilmDetails,
    build_video_metadata,
    clean_description,
    clean_tags,
    tags_total_chars,
)


def youtube_schema(name: str) -> set[str]:
    documents = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    discovery = json.loads((documents / "youtube.v3.json").read_text())
    return set(discovery["schemas"][name]["properties"])


def test_defaults_private_film_category_and_synthetic_disclosure() -> None:
    body = build_video_metadata(FilmDetails(title="Lantern", script="It glows.")).to_request_body()

    assert body["snippet"]["categoryId"] == "1"
    assert body["snippet"]["defaultLanguage"] == "en"
    assert body["status"] == {
        "privacyStatus": "private",
        "selfDeclaredMadeForKids": False,
        "containsSyntheticMedia": True,
    }
    assert set(body["snippet"]) <= youtube_schema("VideoSnippet")
    assert set(body["status"]) <= youtube_schema("VideoStatus")


def test_synthetic_media_follows_the_faces_unless_the_user_answered() -> None:
    def synthetic(**kwargs: object) -> bool:
        details = FilmDetails(title="T", script="S.", **kwargs)  # type: ignore[arg-type]
        return build_video_metadata(details).contains_synthetic_media

    assert synthetic(has_synthetic_faces=True) is True
    assert synthetic(has_synthetic_faces=False) is False
    assert synthetic(has_synthetic_faces=True, contains_synthetic_media=False) is False
    assert synthetic(has_synthetic_faces=False, contains_synthetic_media=True) is True


def test_user_choices_are_kept() -> None:
    details = FilmDetails(
        title="Kids' tale",
        script="Once.",
        language="hi",
        privacy="unlisted",
        made_for_kids=True,
        category_id="27",
        tags=("story", "kids"),
    )
    body = build_video_metadata(details).to_request_body()

    assert body["status"]["privacyStatus"] == "unlisted"
    assert body["status"]["selfDeclaredMadeForKids"] is True
    assert body["snippet"]["categoryId"] == "27"
    assert body["snippet"]["defaultAudioLanguage"] == "hi"
    assert body["snippet"]["tags"] == ["story", "kids"]


def test_title_is_cleaned_and_cut_at_a_word() -> None:
    title = "<b>The</b>   Lantern " + "journey " * 30
    metadata = build_video_metadata(FilmDetails(title=title, script="x"))

    assert len(metadata.title) <= TITLE_MAX_CHARS
    assert "<" not in metadata.title
    assert ">" not in metadata.title
    assert metadata.title.startswith("b The /b Lantern journey")
    assert metadata.title.endswith("journey…")


def test_empty_title_and_bad_settings_are_refused() -> None:
    with pytest.raises(PublishInputError, match="title"):
        build_video_metadata(FilmDetails(title=" <> ", script="x"))
    with pytest.raises(PublishInputError, match="language"):
        build_video_metadata(FilmDetails(title="T", script="x", language="english!"))
    with pytest.raises(PublishInputError, match="category"):
        build_video_metadata(FilmDetails(title="T", script="x", category_id="film"))
    with pytest.raises(PublishInputError, match="Privacy"):
        build_video_metadata(FilmDetails(title="T", script="x", privacy="secret"))  # type: ignore[arg-type]


def test_long_description_ends_at_a_sentence_within_5000_bytes() -> None:
    sentence = "The lantern <glows> brighter with every step she takes. "
    script = "\n\n".join([sentence * 6] * 30)

    description = clean_description(script)

    assert len(description.encode()) <= DESCRIPTION_MAX_BYTES
    assert len(description.encode()) > DESCRIPTION_MAX_BYTES - len(sentence.encode())
    assert description.endswith("takes.")
    assert "<" not in description
    assert ">" not in description
    assert "\n\n" in description  # paragraphs kept


def test_multibyte_description_counts_bytes_not_characters() -> None:
    script = "दीपक जलता रहा। " * 400  # about 15 000 bytes of Hindi

    description = clean_description(script)

    assert len(description.encode()) <= DESCRIPTION_MAX_BYTES
    assert description.endswith("।")
    assert len(description) < DESCRIPTION_MAX_BYTES / 2


def test_description_without_sentence_ends_is_cut_at_a_word() -> None:
    description = clean_description("word " * 2000)

    assert len(description.encode()) <= DESCRIPTION_MAX_BYTES
    assert description.endswith("word…")


def test_short_script_is_kept_whole() -> None:
    script = "Line one  of   the script.\r\nLine two.\n\n\n\nScene two."
    assert clean_description(script) == "Line one of the script.\nLine two.\n\nScene two."


def test_tags_fit_500_characters_counting_quotes_and_commas() -> None:
    tags = [f"animated story {n}" for n in range(60)] + ["Story", "<story>", "a,b", "  "]

    cleaned = clean_tags(tags)

    assert tags_total_chars(cleaned) <= TAGS_MAX_CHARS
    assert cleaned[0] == "animated story 0"
    assert all("<" not in tag and "," not in tag for tag in cleaned)
    assert tags_total_chars(["a b", "c"]) == len('"a b",c')
    assert clean_tags(["Story", "story", "<story>"]) == ("Story",)
    assert clean_tags(["a,b"]) == ("a b",)
