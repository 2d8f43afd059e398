"""Picture effects benchmark: CPU milliseconds a frame of each effect, at the film's size.

    python -m benchmarks.picture_effects                 # 1280x720
    python -m benchmarks.picture_effects --size 1920x1080 --frames 300

Rows: the plain Ken Burns frame (the baseline every image frame pays), the opening and end
cards (only over their few seconds), a dip to black (only over its frames), a talking still's
frame (two region copies), the optional parallax frame and its layers, and the set-up (face mesh and the warped regions, once per
portrait), and blink scheduling. The last column is each effect's cost spread over a film minute
at 30 fps with the share of frames it covers in a typical one-minute film.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import time
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.media.yuv import FrameBuffer
from pipeline.neural.face_detector import detect_faces, face_detector_name
from pipeline.neural.face_landmarks import find_mesh, landmarks_available
from pipeline.notebook_metrics import markdown_table
from pipeline.picture.blinks import blink_amount, blink_key
from pipeline.picture.cards import END_S, OPENING_S, FilmCards
from pipeline.picture.ken_burns import KenBurnsPlane
from pipeline.picture.parallax import draw_parallax, person_layers
from pipeline.picture.shot_plan import KenBurns
from pipeline.picture.talking_still import TalkingStill
from pipeline.picture.visuals import _toward_black, prepare_image, prepare_rgb, warp_into
from pipeline.testing.face_mesh import drawn_face_mesh
from pipeline.testing.faces import draw_face
from pipeline.types import Sentence, Shot, SpeechSpan, Timeline, VideoFormat

FILM_FRAMES = 1800
"""One minute at 30 fps."""
SPEAKING_SHARE = 0.3
"""Share of a typical film's frames showing a speaking character."""
PEOPLE_SHARE = 0.4
"""Share of a typical film's frames showing (non-speaking) pictures of people: parallax."""
PORTRAITS = 3
"""Speaking characters' pictures in a typical one-minute film (each set up once)."""
DIP_FRAMES = 2 * 18
"""Frames darkened by one dip to black (1.2 s at 30 fps); a film has a few."""


def _time(call: Callable[[int], object], frames: int) -> float:
    call(0)
    started = time.process_time()
    for index in range(frames):
        call(index)
    return (time.process_time() - started) / frames * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    width, height = (int(side) for side in args.size.split("x"))
    fmt = VideoFormat(width, height, 30)
    frames = args.frames
    out = FrameBuffer(width, height)

    portrait = draw_face(width, height, width // 2, int(height * 0.45), int(height * 0.3))
    rgb = prepare_rgb(portrait, fmt)
    source = prepare_image(portrait, fmt)
    planes = KenBurnsPlane()
    plain = _time(lambda i: warp_into(source, 1.05 + i * 1e-4, 0.5, 0.4, out, planes), frames)

    speech = (SpeechSpan(Sentence(0, 0, "Words."), 1.0, 50.0),)
    timeline = Timeline(60.0, speech, (Shot(0.0, 60.0, 0, Path("p.png")),))
    cards = FilmCards("The Harbour at Dawn", timeline, width, height, 30, FILM_FRAMES)
    opening = _time(lambda i: cards.apply(30 + i % 60, out), frames)
    ending = _time(lambda i: cards.apply(FILM_FRAMES - 60 + i % 60, out), frames)
    dip = _time(lambda i: _toward_black(out, 0.5), frames)

    mesh = find_mesh(rgb) if landmarks_available() else None
    scale = rgb.shape[0] / height
    points = mesh.points if mesh is not None else _scaled_mesh(width, height, scale)
    started = time.process_time()
    for _ in range(5):
        still = TalkingStill(rgb, points)
    setup_ms = (time.process_time() - started) / 5 * 1000.0
    mesh_ms = _time(lambda i: find_mesh(rgb), 10) if mesh is not None else float("nan")
    faces_ms = _time(lambda i: detect_faces(portrait), 20)
    key = blink_key(0, "p.png")
    talking = _time(lambda i: still.frame((i % 24) / 23, blink_amount(i / 30, key)), frames)

    person = rgb.copy()
    mask = np.zeros(rgb.shape[:2], np.float32)
    centre = (rgb.shape[1] // 2, int(rgb.shape[0] * 0.6))
    cv2.ellipse(mask, centre, (rgb.shape[1] // 6, rgb.shape[0] // 3), 0, 0, 360, 1.0, -1)
    started = time.process_time()
    layers = person_layers(person, mask)
    layers_ms = (time.process_time() - started) * 1000.0
    assert layers is not None
    move = KenBurns(1.02, 1.08, 0.4, 0.6, 0.5, 0.5)
    parallax = _time(lambda i: draw_parallax(layers, move, (i % 100) / 99, out), frames)

    card_frames = round((OPENING_S + END_S) * 30)
    rows = [
        _row("Ken Burns frame (baseline)", plain, FILM_FRAMES),
        _row("opening card frame", opening, round(OPENING_S * 30)),
        _row("end card frame", ending, round(END_S * 30)),
        _row("dip to black frame", dip, 3 * DIP_FRAMES),
        _row(
            "parallax frame (person a third of the frame)",
            parallax,
            round(PEOPLE_SHARE * FILM_FRAMES),
        ),
        _row("talking still frame (+ blink)", talking, round(SPEAKING_SHARE * FILM_FRAMES)),
        {
            "effect": "talking still set-up, per portrait",
            "ms": setup_ms,
            "frames a minute": 0,
            "CPU s a film minute": setup_ms * PORTRAITS / 1000.0,
        },
        {
            "effect": "parallax layers (cut-out, inpainting), per picture",
            "ms": layers_ms,
            "frames a minute": 0,
            "CPU s a film minute": layers_ms * PORTRAITS / 1000.0,
        },
        {
            "effect": f"face detection ({face_detector_name()}), per picture",
            "ms": faces_ms,
            "frames a minute": 0,
            "CPU s a film minute": faces_ms * PORTRAITS / 1000.0,
        },
        {
            "effect": "face mesh, per picture",
            "ms": mesh_ms,
            "frames a minute": 0,
            "CPU s a film minute": mesh_ms * PORTRAITS / 1000.0,
        },
    ]
    print(f"{width}x{height}, {frames} frames each; cards cover {card_frames} frames a minute")
    print(f"(set-up and mesh: once per portrait, {PORTRAITS} a minute; nan: model not installed)")
    print()
    print(markdown_table(rows))


def _row(effect: str, ms: float, frames_a_minute: int) -> dict[str, object]:
    return {
        "effect": effect,
        "ms": ms,
        "frames a minute": frames_a_minute,
        "CPU s a film minute": ms * frames_a_minute / 1000.0,
    }


def _scaled_mesh(width: int, height: int, scale: float) -> np.ndarray:
    """The drawn portrait's mesh points in the prepared still (used without the model)."""
    return drawn_face_mesh(width / 2 * scale, int(height * 0.45) * scale, int(height * 0.3) * scale)


if __name__ == "__main__":
    main()
