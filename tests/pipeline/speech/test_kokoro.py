"""Kokoro narration with the tiny seeded graph (and the packaged model when it is installed):
tokens, word timings from the model's durations, voices, pace, and the packaged files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.neural.packaged import PackagedFile, PackagedModel, is_installed, read_file
from pipeline.neural.registry import list_packaged_models
from pipeline.neural.speech_models import KOKORO_82M_INT8
from pipeline.speech import estimate as speech_estimate
from pipeline.speech import kokoro, kokoro_model
from pipeline.speech.kokoro_choice import FEMALE_VECTOR, MALE_VECTOR, voice_vectors
from pipeline.testing.tiny_kokoro import tiny_kokoro_graph, tiny_vocab, write_tiny_kokoro
from pipeline.types import Sentence

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

CPU = ("CPUExecutionProvider",)
TEXT = '"Please let me go," said the golden fish, "and I will give you 12 wishes."'


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_kokoro(folder, seed=5)
    return folder


@pytest.fixture(scope="module")
def model(model_dir: Path) -> kokoro_model.KokoroModel:
    return kokoro_model.load(model_dir, CPU)


def _check_word_starts(clip: kokoro.SpokenText, text: str) -> None:
    starts = [seconds for _, seconds in clip.word_starts]
    assert len(starts) == len(text.split())
    assert starts == sorted(starts)
    assert starts[0] >= 0.0 and starts[-1] < len(clip.audio) / clip.sample_rate
    expected, at = [], 0
    for word in text.split():
        at = text.index(word, at)
        expected.append(at + len(word) - len(word.lstrip('"')))
        at += len(word)
    assert [index for index, _ in clip.word_starts] == expected


def test_tokens_keep_punctuation_and_mark_each_word(model: kokoro_model.KokoroModel) -> None:
    tokens = kokoro.tokenize(TEXT, "en", model.vocab)
    vocab = model.vocab
    assert tokens.ids[0] == vocab['"'] and tokens.ids[-1] == vocab['"']
    assert vocab[","] in tokens.ids and vocab["."] in tokens.ids
    firsts = [first for _, first in tokens.words]
    assert firsts == sorted(set(firsts)) and len(firsts) == len(TEXT.split())
    assert all(tokens.ids[first] not in (vocab[" "], vocab['"']) for first in firsts)


def test_the_graph_returns_its_durations_and_they_cover_the_audio(
    model: kokoro_model.KokoroModel,
) -> None:
    assert model.has_durations
    ids = list(kokoro.tokenize(TEXT, "en", model.vocab).ids)
    audio, frames = model.run(ids, model.voices[MALE_VECTOR][-1], 1.0)
    assert frames is not None and len(frames) == len(ids) + 2  # the two pads
    assert (frames >= 1).all()
    assert len(audio) == int(frames.sum()) * kokoro_model.SAMPLES_PER_FRAME


@pytest.mark.parametrize("voice", ["male", "female", "neutral"])
def test_each_voice_speaks_with_monotonic_word_starts_inside_the_clip(
    model: kokoro_model.KokoroModel, voice: str
) -> None:
    clip = kokoro.speak(model, TEXT, "en", voice, 160)
    assert clip.sample_rate == kokoro_model.SAMPLE_RATE
    assert np.isfinite(clip.audio).all() and np.abs(clip.audio).max() <= 1.0
    _check_word_starts(clip, TEXT)


def test_neutral_blends_the_male_and_female_tables(model: kokoro_model.KokoroModel) -> None:
    male, female = voice_vectors("en", "neutral")
    assert (male,) == voice_vectors("en", "male") and (female,) == voice_vectors("en", "female")
    blend = kokoro.style_table(model, (male, female))
    expected = (model.voices[male] + model.voices[female]) / 2
    np.testing.assert_allclose(blend, expected, rtol=1e-6)
    with pytest.raises(InputError, match="no voice 'af_heart'"):
        kokoro.style_table(model, ("af_heart",))


def test_the_requested_pace_reaches_the_model(model: kokoro_model.KokoroModel) -> None:
    ratio = kokoro.length_ratio(model, "en", (MALE_VECTOR,))
    slow = kokoro.speak(model, TEXT, "en", "male", 128)
    fast = kokoro.speak(model, TEXT, "en", "male", 200)
    assert len(fast.audio) < 0.85 * len(slow.audio)  # frames per token are rounded
    assert kokoro.speed_for(160, ratio) == pytest.approx(min(2.0, max(0.5, ratio)))
    assert kokoro.speed_for(10_000, ratio) == kokoro.MAX_SPEED
    with pytest.raises(InputError, match="positive"):
        kokoro.speed_for(0, ratio)


def test_synthesize_keeps_the_sentence_order_and_reports_progress(
    model: kokoro_model.KokoroModel,
) -> None:
    sentences = [
        Sentence(index=0, scene_index=0, text="नमस्ते दुनिया।"),
        Sentence(index=1, scene_index=0, text="एक दिन, मछली बोली।"),
    ]
    seen: list[float] = []
    spoken = kokoro.synthesize(model, sentences, "female", "hi", 160, lambda _, f: seen.append(f))
    assert [clip.sentence for clip in spoken] == sentences
    assert seen[0] == 0.0 and seen[-1] == 1.0
    for clip in spoken:
        assert len(clip.word_starts) == len(clip.sentence.text.split())


def test_long_sentences_are_spoken_in_pieces(
    model: kokoro_model.KokoroModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    kokoro.length_ratio(model, "en", (MALE_VECTOR,))  # measured before the cut
    sizes: list[int] = []
    run = kokoro_model.KokoroModel.run

    def counting(self: kokoro_model.KokoroModel, tokens: list[int], *args: object) -> object:
        sizes.append(len(tokens))
        return run(self, tokens, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(kokoro_model.KokoroModel, "run", counting)
    monkeypatch.setattr(kokoro, "MAX_TOKENS", 20)
    pieces = kokoro.speak(model, TEXT, "en", "male", 160)
    _check_word_starts(pieces, TEXT)
    assert len(sizes) >= 3 and max(sizes) <= 20
    assert sum(sizes) == len(kokoro.tokenize(TEXT, "en", model.vocab).ids)


def test_a_graph_without_durations_spreads_word_starts_evenly(tmp_path: Path) -> None:
    import onnx

    folder = write_tiny_kokoro(tmp_path, seed=2)
    graph = onnx.load_from_string(tiny_kokoro_graph(max(tiny_vocab().values()) + 1, seed=2))
    renamed = kokoro_model.DURATIONS_TENSOR.replace("Cast", "Other")
    for node in graph.graph.node:
        node.input[:] = [renamed if n == kokoro_model.DURATIONS_TENSOR else n for n in node.input]
        node.output[:] = [renamed if n == kokoro_model.DURATIONS_TENSOR else n for n in node.output]
    (folder / kokoro_model.MODEL_FILE).write_bytes(graph.SerializeToString())
    model = kokoro_model.load(tmp_path, CPU)
    assert not model.has_durations
    _check_word_starts(kokoro.speak(model, TEXT, "en", "female", 160), TEXT)


def test_nothing_speakable_is_an_input_error(model: kokoro_model.KokoroModel) -> None:
    with pytest.raises(InputError, match="Nothing speakable"):
        kokoro.speak(model, "— …", "en", "male", 160)


def test_a_packaged_file_that_differs_from_its_hash_is_refused() -> None:
    item = PackagedFile("pipeline", "__init__.py", "0" * 64, 0)
    with pytest.raises(BackendUnavailableError, match="SHA-256"):
        read_file(item)
    absent = PackagedModel(
        "absent", "tts", "test", ("none",), (PackagedFile("no_such_pkg_x", "a", "0" * 64, 1),),
        "MIT", "yes", "",
    )  # fmt: skip
    assert not is_installed(absent)
    with pytest.raises(BackendUnavailableError, match="not installed"):
        read_file(absent.files[0])


def test_packaged_models_record_licence_hash_and_size() -> None:
    models = list_packaged_models()
    assert KOKORO_82M_INT8 in models
    for spec in models:
        assert spec.commercial_use in ("yes", "no", "conditional", "unknown") and spec.licence
        assert spec.packages and spec.size_bytes > 0
        for item in spec.files:
            assert len(item.sha256) == 64 and int(item.sha256, 16) >= 0 and item.size_bytes > 0
    assert KOKORO_82M_INT8.commercial_use == "yes"
    assert abs(KOKORO_82M_INT8.size_bytes / 1e6 - 95) < 2  # 92.4 MB model + vocab + voices


@pytest.mark.skipif(not kokoro_model.packaged_installed(), reason="the voice extra is absent")
def test_the_packaged_model_speaks_with_word_timings() -> None:
    for item in KOKORO_82M_INT8.files[-2:]:
        assert hashlib.sha256(read_file(item)).hexdigest() == item.sha256
    model = kokoro_model.load(None, CPU, threads=2)
    assert model.has_durations and model.source.startswith("packages:")
    assert {MALE_VECTOR, FEMALE_VECTOR} <= set(model.voices)
    text = "The fisherman was a kind man."
    clip = kokoro.speak(model, text, "en", "neutral", 160)
    _check_word_starts(clip, text)
    estimated = speech_estimate.speech_seconds(text, "en", "neutral", 160)
    assert len(clip.audio) / clip.sample_rate == pytest.approx(estimated, rel=0.3)
