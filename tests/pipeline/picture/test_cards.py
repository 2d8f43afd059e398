"""The opening title over the first picture and the end card after the last word."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np

from pipeline.media.yuv import FrameBuffer
from pipeline.picture.cards import END_S, OPENING_S, card_times, title_layer
from pipeline.picture.visuals import FilmFrames
from pipeline.types import Sentence, Shot, SpeechSpan, Timeline, VideoFormat
from tests.pipeline.render_media import solid_picture

SMALL = VideoFormat(width=320, height=180, fps=30)


def _timeline(picture: Path | None, last_word_s: float = 6.0) -> Timeline:
    speech = (SpeechSpan(Sentence(0, 0, "Hello there."), 1.0, last_word_s),)
    return Timeline(20.0, speech, (Shot(0.0, 20.0, 0, picture),))


def test_the_cards_show_at_the_start_and_after_the_last_word(tmp_path: Path) -> None:
    times = card_times(_timeline(tmp_path / "a.png"), 30, 600)
    assert times.opening_end == round(OPENING_S * 30)
    assert times.end_first == 600 - round(END_S * 30)
    late = card_times(_timeline(tmp_path / "a.png", last_word_s=19.5), 30, 600)
    assert late.end_first == 600, "no end card over speech or in a too-short tail"
    assert card_times(_timeline(None), 30, 600).opening_end == 0, "no title over a title card"
    short = card_times(_timeline(tmp_path / "a.png"), 30, 150)
    assert short.opening_end == 45, "at most 30 % of a short film"


def _render(timeline: Timeline, title: str | None, index: int) -> FrameBuffer:
    frames = FilmFrames(timeline, SMALL, title=title)
    buffer = FrameBuffer(SMALL.width, SMALL.height)
    frames.render(index, buffer)
    return buffer


def test_the_title_is_written_over_the_first_picture_and_on_the_end_card(tmp_path: Path) -> None:
    timeline = _timeline(solid_picture(tmp_path / "grey.png", (128, 128, 128)))
    for index in (45, 585):
        plain = _render(timeline, None, index)
        titled = _render(timeline, "The Lighthouse", index)
        middle = titled.y[70:110, 60:260].astype(int)
        assert middle.max() > 200, "white title text"
        assert (titled.y.astype(int) - plain.y).std() > 5
    plain, titled = _render(timeline, None, 300), _render(timeline, "The Lighthouse", 300)
    assert np.array_equal(plain.y, titled.y), "no card in the middle of the film"
    end = _render(timeline, "The Lighthouse", 585)
    assert end.y[:30].mean() < _render(timeline, None, 585).y[:30].mean() - 20, "darkened"


def test_a_full_frame_card_layer_needs_little_memory_to_make() -> None:
    tracemalloc.start()
    try:
        layer = title_layer("The Benchmark Harbour", 1280, 720, 0.075, 0.65, full=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert layer.shape == (720, 1280, 4)
    assert layer[0, 0, 3] == round(0.65 * 255), "the whole frame is darkened"
    assert layer[:, :, 3].max() == 255, "the text is opaque"
    assert peak < 16_000_000, (
        "its float work is done a strip of rows at a time (50 MB at once before)"
    )
