"""BT.709 TV-range 4:2:0 conversion and the frame buffer layout ffmpeg reads."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.media.yuv import FrameBuffer, frame_bytes, rgb_to_yuv, split_frame, yuv_to_rgb
from tests.pipeline.render_media import textured_rgb


@pytest.mark.parametrize(
    ("rgb", "yuv"),
    [
        ((0, 0, 0), (16, 128, 128)),
        ((255, 255, 255), (235, 128, 128)),
        ((255, 0, 0), (63, 102, 240)),
        ((0, 255, 0), (173, 42, 26)),
        ((0, 0, 255), (32, 240, 118)),
    ],
)
def test_reference_colours_get_bt709_tv_range_codes(
    rgb: tuple[int, int, int], yuv: tuple[int, int, int]
) -> None:
    image = rgb_to_yuv(np.full((4, 4, 3), rgb, np.uint8))
    got = (int(image.y[0, 0]), int(image.u[0, 0]), int(image.v[0, 0]))
    assert all(abs(a - b) <= 1 for a, b in zip(got, yuv, strict=True)), got


def test_round_trip_keeps_colours_close() -> None:
    ys, xs = np.mgrid[0:48, 0:64]
    rgb = np.dstack([xs * 4, ys * 5, 255 - xs * 2]).astype(np.uint8)
    back = yuv_to_rgb(rgb_to_yuv(rgb))
    assert np.abs(back.astype(int) - rgb.astype(int)).max() <= 3


def test_fine_colour_detail_softens_but_brightness_is_kept() -> None:
    rgb = textured_rgb(64, 48)
    back = yuv_to_rgb(rgb_to_yuv(rgb))
    luma = rgb.astype(float) @ [0.2126, 0.7152, 0.0722]
    back_luma = back.astype(float) @ [0.2126, 0.7152, 0.0722]
    assert np.abs(luma - back_luma).mean() < 3


def test_frame_buffer_planes_share_one_contiguous_yuv420p_buffer() -> None:
    buffer = FrameBuffer(8, 4)
    assert buffer.data.nbytes == frame_bytes(8, 4) == 48
    buffer.y.fill(1)
    buffer.u.fill(2)
    buffer.v.fill(3)
    assert buffer.data.tolist() == [1] * 32 + [2] * 8 + [3] * 8
    planes = split_frame(buffer.data, 8, 4)
    assert planes.u.shape == (2, 4)
    assert int(planes.v[1, 3]) == 3


def test_odd_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="even"):
        FrameBuffer(7, 4)
    with pytest.raises(ValueError, match="even"):
        rgb_to_yuv(np.zeros((3, 4, 3), np.uint8))
