"""A film's prepared pictures: made once, a few in memory, the rest read back from disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipeline.media.images import load_rgb
from pipeline.media.yuv import YuvImage
from pipeline.picture.formats import video_format
from pipeline.picture.prepared_images import PreparedImages
from pipeline.picture.visuals import prepare_image
from tests.pipeline.render_media import write_picture

FMT = video_format("16:9", "720p")


def _counting_prepare() -> tuple[list[Path], Callable[[Path], YuvImage]]:
    """A prepare function for 720p and the list of the paths it was called for."""
    made: list[Path] = []

    def prepare(path: Path) -> YuvImage:
        made.append(path)
        return prepare_image(load_rgb(path), FMT)

    return made, prepare


def test_each_picture_is_prepared_once_and_read_back_unchanged(tmp_path: Path) -> None:
    paths = [write_picture(tmp_path / f"p{index}.jpg", 640, 400, index) for index in range(4)]
    made, prepare = _counting_prepare()
    store = PreparedImages(prepare, keep=2)
    first = {path: store.get(path) for path in paths}
    assert len(store) == 2, "only `keep` pictures stay in memory"
    for path in [*paths, *reversed(paths), *paths]:
        image = store.get(path)
        for plane, expected in zip(
            (image.y, image.u, image.v), (first[path].y, first[path].u, first[path].v), strict=True
        ):
            assert np.array_equal(plane, expected)
        assert len(store) <= 2
    assert made == paths, "a picture shown again is never decoded and scaled again"


def test_a_held_picture_is_the_same_object(tmp_path: Path) -> None:
    path = write_picture(tmp_path / "p.jpg", 320, 200, 1)
    store = PreparedImages(lambda source: prepare_image(load_rgb(source), FMT), keep=1)
    assert store.get(path) is store.get(path)


def test_a_picture_added_ahead_is_read_back_not_made(tmp_path: Path) -> None:
    paths = [write_picture(tmp_path / f"p{index}.jpg", 640, 400, index) for index in range(2)]
    made, prepare = _counting_prepare()
    store = PreparedImages(prepare, keep=1)
    ahead = prepare_image(load_rgb(paths[0]), FMT)
    store.add(paths[0], ahead)
    assert len(store) == 0, "a picture added ahead waits on disk, not in memory"
    shown = store.get(paths[0])
    assert np.array_equal(shown.y, ahead.y) and np.array_equal(shown.v, ahead.v)
    store.get(paths[1])
    assert made == [paths[1]]
