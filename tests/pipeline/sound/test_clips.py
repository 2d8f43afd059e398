"""Speech clips spilled to disk: stand-ins keep lengths, the store gives the samples back."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.sound.clips import ClipStore, placeholder
from pipeline.sound.mix import SpeechTrack
from pipeline.types import Sentence, SpeechSpan, SpokenSentence
from tests.pipeline.render_media import SPEECH_RATE_HZ, speech_clip


def test_stand_in_has_the_length_but_no_memory() -> None:
    stand_in = placeholder(1_000_000)
    assert len(stand_in) == 1_000_000
    assert stand_in.strides == (0,)
    assert not stand_in.flags.writeable
    assert float(stand_in.max()) == 0.0


def test_store_returns_each_clip_and_keeps_the_timing_fields(tmp_path: Path) -> None:
    store = ClipStore(tmp_path / "speech.f32")
    originals = []
    for index in range(3):
        sentence = Sentence(index, 0, f"Sentence {index}.")
        clip = SpokenSentence(
            sentence, speech_clip(0.5 + index * 0.3, index), SPEECH_RATE_HZ, ((0, 0.1),)
        )
        originals.append(clip)
        light = store.add(clip)
        assert light.duration_s == clip.duration_s
        assert light.word_starts == clip.word_starts
        assert light.audio.strides == (0,)
    for clip in originals:
        assert np.array_equal(store.load(clip.sentence.index), clip.audio)
    assert 1 in store
    assert 7 not in store
    store.close()
    assert not (tmp_path / "speech.f32").exists()


def test_speech_track_reads_spilled_clips_like_held_ones(tmp_path: Path) -> None:
    sentence = Sentence(0, 0, "Hello.")
    clip = SpokenSentence(sentence, speech_clip(1.0), SPEECH_RATE_HZ)
    span = SpeechSpan(sentence, 0.5, 1.5)
    held = SpeechTrack([clip], [span], 48_000).render(0, 96_000)
    store = ClipStore(tmp_path / "speech.f32")
    spilled = SpeechTrack([store.add(clip)], [span], 48_000, store).render(0, 96_000)
    store.close()
    assert np.allclose(held, spilled)
    assert np.abs(held).max() > 0.1
