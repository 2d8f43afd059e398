"""Tests for pipeline.speech.tts: real espeak-ng speech for every voice and language."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from pipeline.errors import InputError
from pipeline.speech.tts import LANGUAGES, SILENCE_THRESHOLD, synthesize
from pipeline.types import Sentence
from pipeline.vocabulary import VOICES

SAMPLES = {
    "en": "The old ferryman rowed slowly across the quiet river at dawn.",
    "hi": "बूढ़ा मल्लाह सुबह शांत नदी के पार धीरे धीरे नाव चलाता था।",
    "ta": "வயதான படகோட்டி விடியற்காலையில் அமைதியான ஆற்றைக் கடந்து மெதுவாகப் படகு ஓட்டினார்.",
    "te": "ముసలి పడవవాడు తెల్లవారుజామున నిశ్శబ్దమైన నదిని నెమ్మదిగా దాటాడు.",
    "es": "El viejo barquero remaba despacio por el río tranquilo al amanecer.",
    "fr": "Le vieux passeur ramait lentement sur la rivière calme à l'aube.",
    "de": "Der alte Fährmann ruderte im Morgengrauen langsam über den stillen Fluss.",
}


def _sentence(text: str, index: int = 0, speaker: str | None = None) -> Sentence:
    return Sentence(index=index, scene_index=0, text=text, speaker=speaker)


def _median_pitch_hz(audio: np.ndarray, sample_rate: int) -> float:
    """Median fundamental frequency of the voiced frames, by autocorrelation."""
    frame = 1024
    lowest_lag, highest_lag = sample_rate // 400, sample_rate // 60
    pitches = []
    for start in range(0, len(audio) - frame, frame // 2):
        part = audio[start : start + frame].astype(np.float64)
        if np.sqrt(np.mean(part**2)) < 0.05:
            continue
        part -= part.mean()
        correlation = np.correlate(part, part, "full")[frame - 1 :]
        lag = lowest_lag + int(np.argmax(correlation[lowest_lag:highest_lag]))
        pitches.append(sample_rate / lag)
    return float(np.median(pitches))


def test_required_voices_and_languages_are_offered() -> None:
    assert set(VOICES) == {"male", "female", "neutral"}
    assert {"en", "hi", "ta", "te", "es", "fr", "de"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_each_language_speaks_a_sentence(language: str) -> None:
    [spoken] = synthesize([_sentence(SAMPLES[language])], "neutral", language, 160)
    assert spoken.sample_rate == 22050
    assert spoken.audio.dtype == np.float32
    assert spoken.audio.ndim == 1
    # A dozen words at 160 wpm: a few seconds of sound, not letter names or silence.
    assert 2.0 < spoken.duration_s < 9.0
    assert 0.2 < float(np.abs(spoken.audio).max()) <= 1.0


def test_clips_are_trimmed_to_the_sound() -> None:
    [spoken] = synthesize([_sentence(SAMPLES["en"])], "male", "en", 160)
    edge = round(0.03 * spoken.sample_rate)
    assert np.abs(spoken.audio[:edge]).max() > SILENCE_THRESHOLD
    assert np.abs(spoken.audio[-edge:]).max() > SILENCE_THRESHOLD


def test_voices_are_distinct_male_neutral_female_by_pitch() -> None:
    sentence = [_sentence(SAMPLES["en"])]
    pitch = {
        voice: _median_pitch_hz(synthesize(sentence, voice, "en", 160)[0].audio, 22050)
        for voice in VOICES
    }
    assert pitch["male"] * 1.2 < pitch["neutral"] < pitch["female"] / 1.15, pitch


def test_a_faster_rate_gives_shorter_speech() -> None:
    sentence = [_sentence(SAMPLES["de"])]
    slow = synthesize(sentence, "female", "de", 128)[0].duration_s
    fast = synthesize(sentence, "female", "de", 208)[0].duration_s
    assert 1.3 < slow / fast < 1.9


def test_concurrent_calls_each_get_their_own_voice_and_language() -> None:
    # espeak's flutter makes repeated clips differ by a few samples, so compare length and pitch.
    text = [_sentence(SAMPLES["en"])]
    jobs = [("female", "en"), ("male", "en"), ("neutral", "en")] * 3
    reference = {job: synthesize(text, job[0], job[1], 160)[0] for job in set(jobs)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: synthesize(text, job[0], job[1], 160)[0], jobs))
    for job, result in zip(jobs, results, strict=True):
        expected = reference[job]
        assert abs(result.duration_s - expected.duration_s) < 0.02
        pitch = _median_pitch_hz(result.audio, result.sample_rate)
        assert pitch == pytest.approx(_median_pitch_hz(expected.audio, 22050), rel=0.05)


def test_character_can_be_given_a_voice_of_their_own() -> None:
    sentences = [_sentence("I am the narrator."), _sentence("And I am Maya.", 1, "Maya")]
    spoken = synthesize(sentences, "male", "en", 160, speaker_voices={"Maya": "female"})
    narrator, maya = (_median_pitch_hz(s.audio, s.sample_rate) for s in spoken)
    assert maya > narrator * 1.4


def test_progress_is_reported_up_to_done() -> None:
    reports: list[tuple[str, float]] = []
    sentences = [_sentence("One.", 0), _sentence("Two.", 1), _sentence("Three.", 2)]
    synthesize(sentences, "male", "en", 160, lambda stage, done: reports.append((stage, done)))
    fractions = [done for _, done in reports]
    assert {stage for stage, _ in reports} == {"tts"}
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0


def test_unknown_voice_or_language_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Voice 'robot' is not available"):
        synthesize([_sentence("Hi.")], "robot", "en", 160)
    with pytest.raises(InputError, match="Language 'klingon' is not supported"):
        synthesize([_sentence("Hi.")], "male", "klingon", 160)
