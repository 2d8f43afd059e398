"""Tests for pipeline.picture.shorts_captions: karaoke captions burned in by libass."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest

from pipeline.media.encode import AssBurnIn, encode_frames
from pipeline.media.probe import probe
from pipeline.media.yuv import FrameBuffer
from pipeline.picture import shorts_captions
from pipeline.picture.shorts_captions import (
    MAX_WORDS,
    group_words,
    spoken_words,
    to_ass,
    write_captions,
)
from pipeline.types import Sentence, SpeechSpan, VideoFormat

PORTRAIT = VideoFormat(width=180, height=320, fps=30)
TEXT = "Waves broke on the old stone pier. The keeper climbed slowly up."
WORD_GAP_S = 0.4


def _span(text: str = TEXT, start_s: float = 0.5, index: int = 0) -> SpeechSpan:
    """A sentence whose words start every WORD_GAP_S seconds (as a TTS would report)."""
    offsets = [match.start() for match in re.finditer(r"\S+", text)]
    starts = tuple((offset, round(k * WORD_GAP_S, 3)) for k, offset in enumerate(offsets))
    end = start_s + len(offsets) * WORD_GAP_S
    return SpeechSpan(Sentence(index, 0, text), start_s, end, starts)


def _karaoke(document: str) -> list[tuple[float, float, list[tuple[str, float]]]]:
    """(start, end, [(word, time it lights)]) of each Dialogue line of an ASS document."""
    lines = []
    for line in document.splitlines():
        if not line.startswith("Dialogue:"):
            continue
        fields = line.split(",", 9)
        start, end = (_seconds(value) for value in fields[1:3])
        lit, words = start, []
        for length, word in re.findall(r"\{\\k(\d+)\}([^{ ]+)", fields[9]):
            words.append((word, lit))
            lit += int(length) / 100
        lines.append((start, end, words))
    return lines


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_words_come_in_groups_of_one_to_three_in_spoken_order() -> None:
    groups = group_words([_span(), _span("Then silence.", 6.0, 1)])
    words = [word.text for group in groups for word in group.words]
    assert words == [*TEXT.split(), "Then", "silence."]
    assert all(1 <= len(group.words) <= MAX_WORDS for group in groups)
    assert all(len(group.text) <= shorts_captions.MAX_GROUP_CHARS for group in groups)
    assert any(group.words[-1].text == "pier." for group in groups)  # a sentence ends a group
    for group, following in itertools.pairwise(groups):
        assert group.start_s < group.end_s <= following.start_s  # one group on screen at once


def test_karaoke_timings_match_the_word_starts_from_the_tts() -> None:
    span = _span()
    spoken = {word.text: word.start_s for word in spoken_words(span)}
    document = to_ass(group_words([span]), PORTRAIT.width, PORTRAIT.height)
    lines = _karaoke(document)
    assert [word for _, _, words in lines for word, _ in words] == TEXT.split()
    for start, end, words in lines:
        assert start == pytest.approx(words[0][1]) and end > start
        for word, lit in words:
            assert lit == pytest.approx(spoken[word], abs=0.006)  # centisecond precision
    assert spoken["pier."] == pytest.approx(0.5 + 6 * WORD_GAP_S)
    assert "PlayResX: 180" in document and "PlayResY: 320" in document


def test_large_type_in_the_portrait_title_safe_area() -> None:
    document = to_ass(group_words([_span()]), 1080, 1920)
    style = next(line for line in document.splitlines() if line.startswith("Style:"))
    fields = style.split(",")
    assert fields[1] == "Noto Sans"
    assert int(fields[2]) >= 90  # type size in pixels of a 1080x1920 frame
    alignment, margin_v = int(fields[18]), int(fields[21])
    assert alignment == 2 and margin_v >= 0.25 * 1920  # above the phone's bottom band


def test_each_script_gets_its_font(tmp_path: Path) -> None:
    hindi = SpeechSpan(Sentence(1, 0, "एक छोटे से गाँव में"), 4.0, 6.0)
    ass = write_captions([_span(), hindi], 180, 320, tmp_path)
    document = ass.read_text(encoding="utf-8")
    assert r"{\fnNoto Sans Devanagari}" in document
    fonts = sorted(path.name for path in (tmp_path / "fonts").iterdir())
    assert any(name.startswith("NotoSansDevanagari") for name in fonts)
    assert any(name.startswith("NotoSans[") for name in fonts)


def _grey(_index: int, out: FrameBuffer) -> None:
    out.y.fill(60)
    out.u.fill(128)
    out.v.fill(128)


def _frames(path: Path) -> list[npt.NDArray[np.uint8]]:
    with av.open(str(path)) as container:
        return [np.asarray(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def _highlight(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Pixels of the highlight colour (#FFD400): red and green high, blue low."""
    red, green, blue = (frame[:, :, k].astype(int) for k in range(3))
    return (red > 170) & (green > 130) & (blue < 110)


def _white(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    return (frame.astype(int) > 200).all(axis=2)


def test_burned_in_karaoke_lights_each_word_as_it_is_spoken(tmp_path: Path) -> None:
    span = _span()
    groups = group_words([span])
    ass = write_captions([span], PORTRAIT.width, PORTRAIT.height, tmp_path / "captions")
    burn = AssBurnIn(ass.parent, ass.name, shorts_captions.FONTS_FOLDER)
    video = tmp_path / "captions.mp4"
    total = round(4.0 * PORTRAIT.fps)
    encode_frames(_grey, total, PORTRAIT, video, burn_in=burn)

    facts = probe(video)
    assert facts.video is not None
    assert (facts.video.profile, facts.video.pix_fmt) == ("High", "yuv420p")
    assert (facts.video.width, facts.video.height, facts.video.frames) == (180, 320, total)
    frames = _frames(video)

    def at(seconds: float) -> npt.NDArray[np.uint8]:
        return frames[round(seconds * PORTRAIT.fps)]

    assert not _white(at(0.2)).any()  # nothing before the speech
    first = groups[0]
    assert len(first.words) >= 2
    lit_columns = []
    for word in first.words:
        frame = at(word.start_s + 0.1)
        lit = _highlight(frame)
        assert lit.any()
        if word is not first.words[-1]:
            assert _white(frame).any()  # the words still to come are white
        rows = np.flatnonzero(lit.any(axis=1))
        assert rows.min() > 0.4 * PORTRAIT.height  # low in the frame...
        assert rows.max() < (1 - 0.25) * PORTRAIT.height  # ...above the bottom band
        lit_columns.append(int(np.flatnonzero(lit.any(axis=0)).max()))
    # Each newly spoken word lights further to the right.
    assert lit_columns == sorted(lit_columns) and len(set(lit_columns)) == len(lit_columns)
    # The next group replaces the first: different words in the same place.
    after = at(groups[1].words[0].start_s + 0.1)
    before = at(first.words[-1].start_s + 0.1)
    band = slice(int(0.4 * PORTRAIT.height), int(0.75 * PORTRAIT.height))
    assert np.abs(after[band].astype(int) - before[band].astype(int)).mean() > 2
