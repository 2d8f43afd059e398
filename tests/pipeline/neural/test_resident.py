"""Releasing warm models between jobs of other kinds (a tiny seeded ACE-Step on the CPU)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from pipeline.neural.resident import STAGE_LOADERS, release_models

pytest.importorskip("diffusers")


def test_every_named_loader_exists_and_is_a_cache() -> None:
    for loaders in STAGE_LOADERS.values():
        for module_name, loader_name in loaders:
            loader = getattr(importlib.import_module(module_name), loader_name)
            assert callable(loader.cache_clear) and loader.cache_info() is not None


def test_a_job_of_another_kind_releases_the_model_and_the_same_kind_keeps_it(
    tmp_path: Path,
) -> None:
    from pipeline.music import acestep
    from pipeline.testing.tiny_acestep import write_tiny_acestep

    folder = write_tiny_acestep(tmp_path / "acestep", seed=0)
    first = acestep.load_acestep(folder, "cpu")
    assert release_models(keep={"music", "tts", "visuals", "lipsync"}) == []
    assert acestep.load_acestep(folder, "cpu") is first, "a music job keeps it warm"
    assert "pipeline.music.acestep" in release_models(keep={"tts"})
    assert acestep._load_cached.cache_info().currsize == 0
    again = acestep.load_acestep(folder, "cpu")
    assert again is not first, "loaded afresh for the next music job"
    assert "pipeline.music.acestep" not in release_models(keep={"music"})
    assert acestep.load_acestep(folder, "cpu") is again
