"""Talking stills: the mouth opens with the speech's loudness, the eyes blink, nothing tears at
the warped regions' borders, and a frame is cheap and a pure function of its inputs."""

from __future__ import annotations

import numpy as np

from pipeline.media.yuv import rgb_to_yuv
from pipeline.picture.blinks import MAX_GAP_S, MIN_GAP_S, blink_amount, blink_key
from pipeline.picture.talking_still import TalkingStill, mouth_track
from pipeline.testing.face_mesh import drawn_face_mesh
from pipeline.testing.faces import draw_face

CX, CY, SIZE = 320, 170, 120


def _still() -> tuple[np.ndarray, TalkingStill]:
    rgb = draw_face(640, 360, CX, CY, SIZE)
    return rgb, TalkingStill(rgb, drawn_face_mesh(CX, CY, SIZE))


def _dark(plane: np.ndarray) -> int:
    return int((plane < 60).sum())


def test_a_shut_mouth_and_open_eyes_leave_the_still_as_it_was() -> None:
    rgb, still = _still()
    plain = rgb_to_yuv(rgb)
    frame = still.frame(0.0, 0.0)
    assert np.array_equal(frame.y, plain.y)
    assert np.array_equal(frame.u, plain.u)


def test_the_mouth_opens_wider_with_more_opening_and_nothing_tears() -> None:
    _rgb, still = _still()
    left, top, right, bottom = still.mouth_box
    shut = still.frame(0.0, 0.0).y.copy()
    dark = []
    for opening in (0.0, 0.3, 0.6, 1.0):
        frame = still.frame(opening, 0.0).y
        dark.append(_dark(frame[top:bottom, left:right]))
        changed = np.abs(frame.astype(int) - shut)
        ring = np.concatenate(
            [changed[top, left:right], changed[bottom - 1, left:right],
             changed[top:bottom, left], changed[top:bottom, right - 1]]
        )  # fmt: skip
        assert ring.max() <= 2, "the warp is zero at its region's border"
    assert dark == sorted(dark) and dark[-1] > dark[0] + 200, dark
    chin_row = CY + SIZE
    open_chin = still.frame(1.0, 0.0).y[chin_row + 5 : chin_row + 20, CX]
    assert open_chin.mean() > shut[chin_row + 5 : chin_row + 20, CX].mean() + 20, "the jaw drops"


def test_the_eyes_close_in_a_blink() -> None:
    _rgb, still = _still()
    eye_y, eye_x = CY - int(SIZE * 0.25), CX - int(SIZE * 0.33)
    region = (slice(eye_y - 15, eye_y + 15), slice(eye_x - 25, eye_x + 25))
    open_dark = _dark(still.frame(0.0, 0.0).y[region])
    closed_dark = _dark(still.frame(0.0, 1.0).y[region])
    assert closed_dark < open_dark * 0.35, (open_dark, closed_dark)


def test_a_frame_depends_only_on_its_arguments() -> None:
    _rgb, still = _still()
    first = still.frame(0.7, 0.4).y.copy()
    still.frame(0.1, 0.9)
    assert np.array_equal(still.frame(0.7, 0.4).y, first)
    for index in range(20):
        still.frame((index % 24) / 23, (index % 8) / 7)
    assert np.array_equal(still.frame(0.7, 0.4).y, first)


def test_the_mouth_follows_the_speech_loudness() -> None:
    rate, fps = 16_000, 30
    seconds = 3.0
    t = np.arange(int(seconds * rate)) / rate
    syllables = np.clip(np.sin(2 * np.pi * 2.5 * t), 0.0, None)  # 5 loud bursts a second
    audio = (0.3 * syllables * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    audio[int(2.0 * rate) :] = 0.0  # then silence
    opening = mouth_track(audio, rate, fps, int(seconds * fps))
    loudness = np.array(
        [np.sqrt(np.mean(audio[int(i * rate / fps) : int((i + 1) * rate / fps)] ** 2))
         for i in range(len(opening))]
    )  # fmt: skip
    speaking = slice(0, 2 * fps)
    assert np.corrcoef(opening[speaking], loudness[speaking])[0, 1] > 0.8
    assert opening[2 * fps + 6 :].max() < 0.05, "shut in the silence"
    assert opening.max() > 0.8
    assert not mouth_track(np.zeros(rate, np.float32), rate, fps, 30).any()


def test_blinks_come_every_few_seconds_and_are_pure() -> None:
    key = blink_key(3, "anna.png")
    times = np.arange(0, 60, 1 / 30)
    amounts = np.array([blink_amount(t, key) for t in times])
    closed = times[1:][(amounts[1:] > 0.5) & (amounts[:-1] <= 0.5)]
    gaps = np.diff(closed)
    assert len(closed) >= 60 / MAX_GAP_S - 1
    assert gaps.min() > MIN_GAP_S - 0.1 and gaps.max() < MAX_GAP_S + 0.1
    assert blink_amount(12.34, key) == blink_amount(12.34, blink_key(3, "anna.png"))
    assert (amounts > 0).mean() < 0.1, "eyes are mostly open"
