"""Word timings by forced alignment with Whisper: the DTW path, where tokens fall in the
text, the aligner on a tiny seeded Whisper, and the narrator filling piper's clips."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.neural.fallback import BackendLog
from pipeline.speech import piper_tts, word_alignment
from pipeline.speech.dtw import dtw_path, row_starts
from pipeline.speech.timed_words import WORDS_STAGE, WordTimer
from pipeline.speech.token_text import byte_of_symbol, token_char_ends
from pipeline.testing.tiny_piper import write_tiny_voice
from pipeline.testing.tiny_whisper import byte_tokenizer, write_tiny_whisper
from pipeline.types import Sentence, SpokenSentence

pytest.importorskip("torch")
pytest.importorskip("transformers")

TEXT = "The lamp was lit, and नमस्ते दुनिया began."
RATE_HZ = 22_050


def _word_offsets(text: str) -> list[int]:
    return [match.start() for match in re.finditer(r"\S+", text)]


def _noise(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.1 * rng.standard_normal(round(seconds * RATE_HZ))).astype(np.float32)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_whisper(word_alignment.model_folder(folder), seed=3)
    return folder


@pytest.fixture(scope="module")
def aligner(model_dir: Path) -> word_alignment.Aligner:
    return word_alignment.load(word_alignment.model_folder(model_dir), "cpu")


# --- dynamic time warping --------------------------------------------------------------------


def test_dtw_follows_the_cheap_staircase() -> None:
    cost = np.ones((3, 6))
    for row, cheap in enumerate([(0, 1), (2, 3), (4, 5)]):
        cost[row, list(cheap)] = 0.0
    rows, columns = dtw_path(cost)
    assert rows.tolist() == [0, 0, 1, 1, 2, 2]
    assert columns.tolist() == [0, 1, 2, 3, 4, 5]
    assert row_starts(rows, columns).tolist() == [0, 2, 4]


def test_dtw_stays_on_a_row_while_its_frames_are_cheap() -> None:
    cost = np.ones((2, 5))
    cost[0, :4] = 0.0
    cost[1, 4] = 0.0
    rows, columns = dtw_path(cost)
    assert row_starts(rows, columns).tolist() == [0, 4]


def test_dtw_with_more_rows_than_columns_visits_every_row_in_order() -> None:
    cost = np.random.default_rng(1).random((7, 3))
    rows, columns = dtw_path(cost)
    assert rows.tolist() == sorted(rows.tolist()) and set(rows.tolist()) == set(range(7))
    assert columns[0] == 0 and columns[-1] == 2 and bool(np.all(np.diff(columns) >= 0))
    assert bool(np.all(np.diff(rows) + np.diff(columns) >= 1))


def test_dtw_refuses_an_empty_matrix() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        dtw_path(np.zeros((0, 4)))


# --- tokens in the text ----------------------------------------------------------------------


def test_the_byte_alphabet_covers_every_byte_once() -> None:
    from tokenizers import pre_tokenizers

    table = byte_of_symbol()
    assert sorted(table.values()) == list(range(256))
    assert set(table) == set(pre_tokenizers.ByteLevel.alphabet())


def test_tokens_end_where_their_characters_end_even_inside_a_letter() -> None:
    tokenizer = byte_tokenizer()
    spoken = " नमस्ते hi"
    ids = tokenizer.encode(spoken, add_special_tokens=False).ids
    tokens = [tokenizer.id_to_token(i) for i in ids]
    ends = token_char_ends(tokens, spoken)
    assert ends is not None and len(ends) == len(spoken.encode()) == len(tokens)
    assert ends[0] == 1 and ends[1] == ends[2] == ends[3] == 2  # three bytes of न
    assert ends == sorted(ends) and ends[-1] == len(spoken)


def test_tokens_that_spell_other_text_are_refused() -> None:
    tokenizer = byte_tokenizer()
    ids = tokenizer.encode(" abc", add_special_tokens=False).ids
    assert token_char_ends([tokenizer.id_to_token(i) for i in ids], " abd") is None


# --- the aligner on a tiny Whisper -----------------------------------------------------------


def test_every_word_gets_a_start_in_order_inside_the_clip(
    aligner: word_alignment.Aligner,
) -> None:
    audio = _noise(3.0)
    starts = word_alignment.align_words(aligner, TEXT, "hi", audio, RATE_HZ)
    assert [offset for offset, _ in starts] == _word_offsets(TEXT)
    times = [time for _, time in starts]
    assert times == sorted(times) and times[0] >= 0.0 and times[-1] <= 3.0
    again = word_alignment.align_words(aligner, TEXT, "hi", audio, RATE_HZ)
    assert again == starts


def test_a_clip_longer_than_whisper_hears_keeps_no_timings(
    aligner: word_alignment.Aligner,
) -> None:
    assert word_alignment.align_words(aligner, TEXT, "hi", _noise(31.0), RATE_HZ) == ()


def test_without_alignment_heads_the_last_half_of_the_layers_align(tmp_path: Path) -> None:
    folder = write_tiny_whisper(tmp_path / "whisper-small", seed=4, alignment_heads=False)
    aligner = word_alignment.load(folder, "cpu")
    assert aligner.heads == ((1, 0), (1, 1))
    starts = word_alignment.align_words(aligner, "A quiet river.", "xx", _noise(1.0), RATE_HZ)
    assert [offset for offset, _ in starts] == [0, 2, 8]


# --- the narrator ----------------------------------------------------------------------------


def _piper_dir(root: Path) -> Path:
    write_tiny_voice(piper_tts.voices_folder(root), piper_tts.voice_for("en", "female").model)
    return root


def test_piper_clips_get_word_timings_when_the_aligner_is_installed(model_dir: Path) -> None:
    _piper_dir(model_dir)
    sentences = [Sentence(index=0, scene_index=0, text="The lamp was lit, and the story began.")]
    stages = StageBackends(BackendChoice(tts="piper", model_dir=model_dir, device="cpu"))
    clip = stages.speak(sentences, "female", "en", 160)[0]
    assert [offset for offset, _ in clip.word_starts] == _word_offsets(sentences[0].text)
    times = [time for _, time in clip.word_starts]
    assert times == sorted(times) and times[-1] <= clip.duration_s
    assert stages.used[WORDS_STAGE] == "whisper:whisper-small-aligner"
    assert stages.warnings == []


def test_without_the_aligner_piper_clips_keep_the_even_spread_quietly(tmp_path: Path) -> None:
    root = _piper_dir(tmp_path)
    sentences = [Sentence(index=0, scene_index=0, text="The lamp was lit.")]
    stages = StageBackends(BackendChoice(tts="piper", model_dir=root, device="cpu"))
    clip = stages.speak(sentences, "female", "en", 160)[0]
    assert clip.word_starts == () and WORDS_STAGE not in stages.used
    assert stages.warnings == []


def test_only_clips_without_timings_are_aligned(model_dir: Path) -> None:
    timed = SpokenSentence(
        Sentence(index=0, scene_index=0, text="Kept as it is."), _noise(1.0), RATE_HZ, ((0, 0.0),)
    )
    bare = SpokenSentence(Sentence(index=1, scene_index=0, text=TEXT), _noise(2.0, 1), RATE_HZ)
    log = BackendLog()
    first, second = WordTimer(model_dir, "cpu", log, commercial_only=True).fill([timed, bare], "hi")
    assert first is timed
    assert [offset for offset, _ in second.word_starts] == _word_offsets(TEXT)
    assert log.used == {WORDS_STAGE: "whisper:whisper-small-aligner"} and log.warnings == []


def test_parler_clips_get_word_timings_too(model_dir: Path) -> None:
    from pipeline.speech import parler_tts
    from pipeline.testing import tiny_parler

    tiny_parler.write_tiny_parler(parler_tts.model_folder(model_dir), seed=5)
    text = "அமைதியான நதி பழைய படகு."
    sentences = [Sentence(index=0, scene_index=0, text=text)]
    stages = StageBackends(BackendChoice(tts="parler", model_dir=model_dir, device="cpu"))
    clip = stages.speak(sentences, "female", "ta", 160)[0]
    assert stages.used["tts"] == "parler:indic-parler-tts"
    assert [offset for offset, _ in clip.word_starts] == _word_offsets(text)
    times = [time for _, time in clip.word_starts]
    assert times == sorted(times) and times[-1] <= clip.duration_s
    assert stages.used[WORDS_STAGE] == "whisper:whisper-small-aligner"


def test_a_cached_scene_remembers_who_timed_its_words(tmp_path: Path) -> None:
    from pipeline.stage_cache import load_speech, save_speech

    sentence = Sentence(index=0, scene_index=0, text="Kept as it is.")
    clip = SpokenSentence(sentence, _noise(0.5), RATE_HZ, ((0, 0.0), (5, 0.25)))
    path = save_speech([clip], "piper:x", tmp_path, "whisper:whisper-small-aligner")
    found = load_speech(path, [sentence])
    assert found is not None
    clips, used = found
    assert clips[0].word_starts == clip.word_starts
    assert used == {"tts": "piper:x", WORDS_STAGE: "whisper:whisper-small-aligner"}
    plain = load_speech(save_speech([clip], "espeak-ng", tmp_path), [sentence])
    assert plain is not None and plain[1] == {"tts": "espeak-ng"}
