"""Thumbnails taken from a real film: position, dark-frame skip, 16:9 output, JPEG size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.youtube.errors import PublishInputError
from app.youtube.thumbnail import (
    THUMBNAIL_MAX_BYTES,
    THUMBNAIL_SIZE,
    extract_thumbnail,
    fit_to_frame,
    mean_luma,
)
from tests.app.youtube.sample_media import make_mp4

RAMP_SECONDS = 2


@pytest.fixture(scope="module")
def brightening_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Grey that brightens linearly: luma Y = 40 + 100 * t over 2 s."""
    path = tmp_path_factory.mktemp("ramp") / "ramp.mp4"
    return make_mp4(path, video_filter="geq=lum='40+100*T':cb=128:cr=128", seconds=RAMP_SECONDS)


def studio_luma(y: float) -> float:
    """The 0-255 full-range luma a TV-range Y value decodes to."""
    return (y - 16) * 255 / 219


def test_thumbnail_is_a_1280x720_jpeg_from_10_percent_in(
    brightening_film: Path, tmp_path: Path
) -> None:
    path = extract_thumbnail(brightening_film, tmp_path / "thumb.jpg")

    assert path.stat().st_size <= THUMBNAIL_MAX_BYTES
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.size == THUMBNAIL_SIZE
        luma = mean_luma(image)
    expected = studio_luma(40 + 100 * 0.1 * RAMP_SECONDS)
    assert abs(luma - expected) < 8


def test_thumbnail_position_can_be_chosen(brightening_film: Path, tmp_path: Path) -> None:
    late = extract_thumbnail(brightening_film, tmp_path / "late.jpg", position=0.8)

    with Image.open(late) as image:
        assert abs(mean_luma(image) - studio_luma(40 + 100 * 0.8 * RAMP_SECONDS)) < 8


def test_dark_opening_is_skipped(tmp_path: Path) -> None:
    film = make_mp4(
        tmp_path / "fade.mp4",
        video_filter="geq=lum='if(lt(T,0.8),16,200)':cb=128:cr=128",
        seconds=RAMP_SECONDS,
    )

    path = extract_thumbnail(film, tmp_path / "thumb.jpg")

    with Image.open(path) as image:
        assert mean_luma(image) > 150


def test_vertical_film_is_letterboxed_over_a_blurred_fill(tmp_path: Path) -> None:
    film = make_mp4(tmp_path / "vertical.mp4", size="90x160")

    path = extract_thumbnail(film, tmp_path / "thumb.jpg")

    with Image.open(path) as image:
        assert image.size == THUMBNAIL_SIZE


def test_fit_to_frame_keeps_the_whole_picture() -> None:
    square = Image.new("RGB", (400, 400), (250, 250, 250))

    fitted = fit_to_frame(square, (1280, 720))

    assert fitted.size == (1280, 720)
    assert fitted.getpixel((640, 360)) == (250, 250, 250)  # the picture, centred, full height
    assert fitted.getpixel((640, 0)) == (250, 250, 250)
    corner = fitted.getpixel((0, 0))
    assert isinstance(corner, tuple)
    assert max(corner) < 250  # a dimmed fill beside it


def test_unreadable_film_is_an_input_error(tmp_path: Path) -> None:
    bogus = tmp_path / "film.mp4"
    bogus.write_bytes(b"not a film")

    with pytest.raises(PublishInputError, match="Cannot read the film"):
        extract_thumbnail(bogus, tmp_path / "thumb.jpg")
