"""Choosing InfiniteTalk for speaking characters: the licence gate, missing weights, the folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.neural.fallback import BackendLog
from pipeline.neural.talking_models import INFINITETALK_ADAPTER, WAV2VEC2_CHINESE_BASE
from pipeline.talking import select as talking_select
from pipeline.talking.select import infinitetalk_folder
from pipeline.testing.tiny_infinitetalk import write_tiny_infinitetalk


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("models")
    write_tiny_infinitetalk(root / "infinitetalk")
    return root


def test_the_lipsync_path_is_the_default_and_says_nothing(models: Path) -> None:
    log = BackendLog()
    assert infinitetalk_folder("lipsync", models, log, commercial_only=False) is None
    assert log.warnings == [] and log.used == {}


def test_complete_weights_are_used(models: Path) -> None:
    log = BackendLog()
    assert infinitetalk_folder("infinitetalk", models, log, False) == models / "infinitetalk"
    assert log.warnings == [] and log.used == {"talking": "infinitetalk-single"}


def test_the_commercial_gate_refuses_a_part_not_licensed_for_it(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert infinitetalk_folder("infinitetalk", models, BackendLog(), True) is not None
    unclear = replace(WAV2VEC2_CHINESE_BASE, commercial_use="unknown")
    monkeypatch.setattr(talking_select, "INFINITETALK_SPECS", (INFINITETALK_ADAPTER, unclear))
    log = BackendLog()
    assert infinitetalk_folder("infinitetalk", models, log, commercial_only=True) is None
    (warning,) = log.warnings
    assert "chinese-wav2vec2-base" in warning and "COMMERCIAL_USE_ONLY" in warning
    assert "lip-synced instead" in warning and log.used == {"talking": "lipsync"}


def test_missing_weights_and_model_dir_fall_back_with_a_warning(tmp_path: Path) -> None:
    log = BackendLog()
    assert infinitetalk_folder("infinitetalk", tmp_path, log, False) is None
    assert infinitetalk_folder("infinitetalk", None, log, False) is None
    missing, unset = log.warnings
    assert (
        "weights are not in" in missing and "Wan2.1-I2V-14B-480P-Diffusers/model_index" in missing
    )
    assert "MODEL_DIR is not set" in unset and log.used == {"talking": "lipsync"}
