"""Face detection: BlazeFace from the packaged mediapipe model (installed with the project) and
the Haar cascade it replaces, on drawn faces."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.neural import face_detector
from pipeline.neural.face_detector import detect_face, detect_faces, face_detector_name
from pipeline.neural.registry import FACE_DETECTION, model_path
from pipeline.testing.faces import blank_image, draw_face


@pytest.fixture(params=["blazeface", "haar"])
def detector(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "haar":
        monkeypatch.setattr(face_detector, "_blazeface", lambda: None)
    assert face_detector_name() == request.param
    return str(request.param)


def test_the_packaged_model_is_installed_with_the_project() -> None:
    path = model_path(FACE_DETECTION, model_dir=blank_path())
    assert path.is_file(), "make install runs `filmstudio models download mediapipe-*`"
    assert FACE_DETECTION.commercial_use == "yes"
    assert face_detector_name() == "blazeface"


def blank_path() -> Path:
    return Path("/nonexistent")  # packaged models ignore MODEL_DIR


@pytest.mark.parametrize(
    ("width", "height", "cx", "cy", "size"),
    [
        (320, 180, 160, 95, 50),
        (320, 180, 90, 80, 40),
        (640, 360, 320, 180, 70),
        (1280, 720, 700, 360, 140),
    ],
)
def test_the_drawn_face_is_found(
    detector: str, width: int, height: int, cx: int, cy: int, size: int
) -> None:
    box = detect_face(draw_face(width, height, cx, cy, size))
    assert box is not None
    assert box.left < cx < box.right
    assert box.top < cy < box.bottom
    assert size < box.height < 3 * size  # about the head, not the whole frame


def test_no_face_in_a_plain_gradient(detector: str) -> None:
    assert detect_face(blank_image()) is None
    assert detect_face(blank_image(1280, 720)) is None


def test_the_largest_of_two_faces_wins(detector: str) -> None:
    image = draw_face(640, 360, 170, 180, 50)
    big = draw_face(640, 360, 450, 180, 90)
    image[:, 320:] = big[:, 320:]
    box = detect_face(image)
    assert box is not None
    assert box.left > 320


def test_blazeface_finds_several_faces() -> None:
    image = draw_face(640, 360, 160, 180, 60)
    image[:, 320:] = draw_face(640, 360, 480, 180, 60)[:, 320:]
    faces = detect_faces(image)
    assert len(faces) == 2
    assert sorted(box.left < 320 for box in faces) == [False, True]
    assert detect_faces(image) == faces  # the interpreter built by the first call is reused


def test_boxes_stay_inside_the_frame_for_a_face_at_the_edge() -> None:
    for cx, cy in ((30, 90), (160, 20), (160, 160)):  # faces cut by the left, top and bottom
        faces = detect_faces(draw_face(320, 180, cx, cy, 45))
        assert faces, (cx, cy)
        for box in faces:
            assert 0 <= box.left < box.right <= 320
            assert 0 <= box.top < box.bottom <= 180
