"""Indic Parler-TTS narration on the tiny seeded checkpoint: the real loader, generation,
progress, cancelling, seeding, the DAC name mapping and the narrator's choice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.errors import BackendUnavailableError, RenderCancelled
from pipeline.neural.registry import INDIC_PARLER_SPECS, missing_files
from pipeline.speech import parler_dac, parler_generate, parler_model, parler_tts
from pipeline.speech.parler_config import codec_settings, read_settings
from pipeline.testing import tiny_parler
from pipeline.types import Sentence

pytest.importorskip("torch")
pytest.importorskip("transformers")

TAMIL = [
    Sentence(index=0, scene_index=0, text="அமைதியான நதி பழைய படகு."),
    Sentence(index=1, scene_index=0, text="காலை ஒளி கிராமம்."),
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    tiny_parler.write_tiny_parler(parler_tts.model_folder(folder), seed=5)
    return folder


@pytest.fixture(scope="module")
def model(model_dir: Path) -> parler_model.ParlerModel:
    return parler_model.load(parler_tts.model_folder(model_dir), "cpu")


def test_the_tiny_checkpoint_has_the_registry_files_the_loader_needs(model_dir: Path) -> None:
    folder = parler_tts.model_folder(model_dir)
    assert parler_model.missing_files(folder) == []
    settings = read_settings(folder)
    assert settings.description_tokenizer == "google/flan-t5-large"
    assert settings.codec.sampling_rate == tiny_parler.SAMPLE_RATE_HZ
    assert settings.decoder.num_codebooks == settings.codec.num_codebooks
    # The registry's config files are there; the tokenizer.model / spiece.model pair of the
    # real repos is replaced by tokenizer.json in the tiny one.
    spec, description = INDIC_PARLER_SPECS
    assert {"config.json", "generation_config.json", "model.safetensors"}.isdisjoint(
        missing_files(spec, model_dir)
    )
    assert "tokenizer_config.json" not in missing_files(description, model_dir)


def test_a_sentence_is_spoken_at_the_codec_rate_with_progress(
    model: parler_model.ParlerModel,
) -> None:
    reports: list[tuple[str, float]] = []
    spoken = parler_tts.synthesize(
        model, TAMIL, "female", "ta", 160, lambda stage, f: reports.append((stage, f))
    )
    assert [clip.sentence for clip in spoken] == TAMIL
    for clip in spoken:
        assert clip.sample_rate == 44_100
        assert clip.audio.dtype == np.float32 and clip.audio.size > 0
        assert np.isfinite(clip.audio).all()
        assert float(np.max(np.abs(clip.audio))) == pytest.approx(10 ** (-1 / 20), rel=1e-3)
        assert clip.word_starts == ()
    fractions = [f for stage, f in reports]
    assert all(stage == "tts" for stage, _ in reports)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    # one report per decoder position, not only per sentence
    assert len(fractions) > 2 * len(TAMIL) + 1


def test_the_same_seed_gives_the_same_codes_and_another_differs(
    model: parler_model.ParlerModel,
) -> None:
    description = parler_tts.describe("ta", "female", 160)
    text = TAMIL[0].text
    first = parler_generate.generate_codes(model, description, text, 11, 30)
    again = parler_generate.generate_codes(model, description, text, 11, 30)
    other = parler_generate.generate_codes(model, description, text, 12, 30)
    assert first.shape[0] == tiny_parler.NUM_CODEBOOKS and first.shape[1] > 0
    assert bool((first < tiny_parler.CODEBOOK_SIZE).all())
    assert first.shape == again.shape and bool((first == again).all())
    assert first.shape != other.shape or not bool((first == other).all())
    audio = parler_generate.decode(model, first)
    hop = 64  # the tiny codec's decoder rates 8 x 8
    assert audio.shape == (first.shape[1] * hop,)


def test_a_raising_progress_callback_stops_between_positions(
    model: parler_model.ParlerModel,
) -> None:
    seen: list[float] = []

    def cancel(stage: str, fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.0:
            raise RenderCancelled("The render was cancelled.")

    with pytest.raises(RenderCancelled):
        parler_tts.synthesize(model, TAMIL, "male", "ta", 160, cancel)
    assert len(seen) == 2 and 0.0 < seen[-1] < 0.5


def test_voices_name_the_cards_speakers_and_pace_in_words() -> None:
    assert parler_tts.describe("te", "male", 160).startswith("Prakash speaks at a moderate pace")
    assert parler_tts.describe("ta", "female", 120).startswith("Jaya speaks at a slightly slow")
    assert parler_tts.describe("ta", "male", 200).startswith(
        "A male speaker speaks at a slightly fast"
    )
    assert parler_tts.describe("ml", "neutral", 160).startswith("Harish")
    assert not parler_tts.serves("en") and parler_tts.serves("ta-IN")


def test_dac_names_map_from_descripts_layout_to_transformers() -> None:
    codec = codec_settings({"model_type": "dac_on_the_hub"})
    assert parler_dac.module_name("encoder.block.0", codec) == "encoder.conv1"
    assert parler_dac.module_name("encoder.block.2.block.1.block.3", codec) == (
        "encoder.block.1.res_unit2.conv2"
    )
    assert parler_dac.module_name("encoder.block.4.block.4", codec) == "encoder.block.3.conv1"
    assert parler_dac.module_name("encoder.block.6", codec) == "encoder.conv2"
    assert parler_dac.module_name("decoder.model.1.block.1", codec) == "decoder.block.0.conv_t1"
    assert parler_dac.module_name("decoder.model.3.block.4.block.0", codec) == (
        "decoder.block.2.res_unit3.snake1"
    )
    assert parler_dac.module_name("decoder.model.6", codec) == "decoder.conv2"
    with pytest.raises(BackendUnavailableError):
        parler_dac.module_name("decoder.model.9", codec)


def test_old_and_new_weight_norm_names_fold_to_the_same_weight() -> None:
    import torch

    magnitude = torch.rand(3, 1, 1) + 0.5
    direction = torch.randn(3, 2, 5)
    folded = parler_dac.fold_weight_norm(magnitude, direction)
    norms = folded.pow(2).sum(dim=(1, 2)).sqrt()
    assert torch.allclose(norms, magnitude.reshape(-1), atol=1e-5)
    codec = codec_settings({"model_type": "dac_on_the_hub"})
    old = {
        "audio_encoder.model.decoder.model.0.weight_g": magnitude,
        "audio_encoder.model.decoder.model.0.weight_v": direction,
    }
    new = {
        "audio_encoder.model.decoder.model.0.parametrizations.weight.original0": magnitude,
        "audio_encoder.model.decoder.model.0.parametrizations.weight.original1": direction,
    }
    a = parler_dac.dac_state_dict(old, codec)["decoder.conv1.weight"]
    b = parler_dac.dac_state_dict(new, codec)["decoder.conv1.weight"]
    assert torch.equal(a, b)


def test_parler_narrates_tamil_and_leaves_english_to_auto(model_dir: Path) -> None:
    stages = StageBackends(BackendChoice(tts="parler", model_dir=model_dir, device="cpu"))
    spoken = stages.speak(TAMIL[:1], "female", "ta", 160)
    assert stages.used["tts"] == "parler:indic-parler-tts"
    assert spoken[0].sample_rate == 44_100 and spoken[0].audio.size > 0
    english = [Sentence(index=0, scene_index=0, text="The river was quiet.")]
    other = StageBackends(BackendChoice(tts="parler", model_dir=model_dir, device="cpu"))
    other.speak(english, "female", "en", 160)
    assert other.warnings == [] and other.used["tts"] != "parler:indic-parler-tts"


def test_parler_without_its_weights_warns_once_and_espeak_speaks(tmp_path: Path) -> None:
    stages = StageBackends(BackendChoice(tts="parler", model_dir=tmp_path))
    first = stages.speak(TAMIL[:1], "male", "ta", 160)
    stages.speak(TAMIL[1:], "male", "ta", 160)
    assert stages.used["tts"] == "espeak-ng"
    assert len(stages.warnings) == 1
    warning = stages.warnings[0]
    assert warning.startswith("Narration: Indic Parler-TTS weights are not in")
    assert "so espeak-ng spoke it" in warning and "indic-parler-tts*" in warning
    assert first[0].word_starts


def test_running_out_of_gpu_memory_twice_hands_the_narration_to_espeak(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    calls: list[str] = []

    def out_of_memory(*args: object, **kwargs: object) -> np.ndarray:
        calls.append("speak")
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(parler_tts, "speak", out_of_memory)
    stages = StageBackends(BackendChoice(tts="parler", model_dir=model_dir, device="cpu"))
    spoken = stages.speak(TAMIL, "female", "ta", 160)
    assert calls == ["speak", "speak"], "retried once, then handed over"
    assert stages.used["tts"] == "espeak-ng" and len(spoken) == len(TAMIL)
    assert all(clip.audio.size > 0 and clip.word_starts for clip in spoken)
    assert stages.warnings == [
        "Narration: Indic Parler-TTS ran out of GPU memory twice on one sentence. "
        "So espeak-ng spoke it."
    ]
    stages.speak(TAMIL[:1], "female", "ta", 160)
    assert calls == ["speak", "speak"] and len(stages.warnings) == 1, "not tried again"


def test_auto_narrates_indian_languages_with_parler_only_when_installed(
    model_dir: Path, tmp_path: Path
) -> None:
    stages = StageBackends(BackendChoice(tts="auto", model_dir=model_dir, device="cpu"))
    stages.speak(TAMIL[:1], "female", "ta", 160)
    assert stages.used["tts"] == "parler:indic-parler-tts" and stages.warnings == []
    english = [Sentence(index=0, scene_index=0, text="The river was quiet.")]
    other = StageBackends(BackendChoice(tts="auto", model_dir=model_dir, device="cpu"))
    other.speak(english, "female", "en", 160)
    assert other.used["tts"] != "parler:indic-parler-tts" and other.warnings == []
    bare = StageBackends(BackendChoice(tts="auto", model_dir=tmp_path, device="cpu"))
    bare.speak(TAMIL[:1], "female", "ta", 160)
    assert bare.used["tts"] == "espeak-ng" and bare.warnings == [], "quiet without weights"


def test_parler_without_model_dir_says_so(tmp_path: Path) -> None:
    stages = StageBackends(BackendChoice(tts="parler", model_dir=None))
    stages.speak(TAMIL[:1], "male", "ta", 160)
    assert stages.used["tts"] == "espeak-ng"
    assert "MODEL_DIR is not set" in stages.warnings[0]


def test_the_commercial_gate_refuses_a_non_commercial_part(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from pipeline.speech import select

    refused = (replace(INDIC_PARLER_SPECS[0], commercial_use="no"), INDIC_PARLER_SPECS[1])
    monkeypatch.setattr(select, "INDIC_PARLER_SPECS", refused)
    choice = BackendChoice(tts="parler", model_dir=model_dir, device="cpu", commercial_only=True)
    stages = StageBackends(choice)
    stages.speak(TAMIL[:1], "female", "ta", 160)
    assert stages.used["tts"] == "espeak-ng"
    assert "COMMERCIAL_USE_ONLY refuses it" in stages.warnings[0]
    allowed = StageBackends(
        BackendChoice(tts="parler", model_dir=model_dir, device="cpu", commercial_only=True)
    )
    monkeypatch.setattr(select, "INDIC_PARLER_SPECS", INDIC_PARLER_SPECS)
    allowed.speak(TAMIL[:1], "female", "ta", 160)
    assert allowed.used["tts"] == "parler:indic-parler-tts"


@pytest.mark.parametrize(
    ("cross", "text_width"), [(True, tiny_parler.WIDTH), (False, 2 * tiny_parler.WIDTH)]
)
def test_the_transcript_beside_the_description_and_a_projected_encoder(
    tmp_path: Path, cross: bool, text_width: int
) -> None:
    folder = tiny_parler.write_tiny_parler(
        tmp_path / "parler", seed=6, prompt_cross_attention=cross, text_width=text_width
    )
    model = parler_model.load(folder, "cpu")
    assert (model.prompt_positions is not None) == cross
    assert (model.enc_to_dec is not None) == (text_width != tiny_parler.WIDTH)
    description = parler_tts.describe("ta", "female", 160)
    first = parler_generate.generate_codes(model, description, TAMIL[0].text, 3, 30)
    again = parler_generate.generate_codes(model, description, TAMIL[0].text, 3, 30)
    other = parler_generate.generate_codes(model, description, TAMIL[1].text, 3, 30)
    assert first.shape[1] > 0 and bool((first == again).all())
    # the transcript reaches the decoder: another sentence, other codes
    assert first.shape != other.shape or not bool((first == other).all())
