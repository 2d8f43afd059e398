"""Models a worker keeps warm, and letting go of them between jobs of other kinds.

Every neural backend loads its model once per process (a cached loader) and keeps it warm for
the next job. On one GPU that would keep every stage's model resident at once (Wan2.2,
InfiniteTalk, ACE-Step, MuseTalk, Parler-TTS), so before a job starts the worker releases the
warm models of the stages that job does not use (release_models). Only modules already
imported are touched, so releasing never imports torch. A job still running keeps its own
reference, so a model in use is freed when that job ends, never under it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Collection

from pipeline.neural.model_spec import Stage

STAGE_LOADERS: dict[Stage, tuple[tuple[str, str], ...]] = {
    "tts": (
        ("pipeline.speech.parler_model", "_load_cached"),
        ("pipeline.speech.word_alignment", "_load_cached"),
    ),
    "music": (
        ("pipeline.music.musicgen", "_load_cached"),
        ("pipeline.music.acestep", "_load_cached"),
    ),
    "visuals": (
        ("pipeline.picture.image_to_video", "_load_cached"),
        ("pipeline.picture.wan_video", "_load_cached"),
        ("pipeline.talking.infinitetalk", "_load_cached"),
        ("pipeline.talking.speech_features", "_load"),
    ),
    "lipsync": (
        ("pipeline.lipsync.musetalk_model", "_load_cached"),
        ("pipeline.lipsync.select", "_load_wav2lip_cached"),
    ),
}
"""Per stage, the (module, cached loader) pairs holding its warm models. Kokoro, piper and
the face models are small CPU models and stay warm."""


def release_models(keep: Collection[Stage]) -> list[str]:
    """Drop the warm models of every stage not in keep and give the CUDA allocator's cache
    back; the names of the modules whose models were dropped."""
    released: list[str] = []
    for stage, loaders in STAGE_LOADERS.items():
        if stage in keep:
            continue
        for module_name, loader_name in loaders:
            module = sys.modules.get(module_name)
            loader = getattr(module, loader_name, None) if module is not None else None
            if loader is not None and loader.cache_info().currsize:
                loader.cache_clear()
                released.append(module_name)
    if released:
        gc.collect()
        if "torch" in sys.modules:
            from pipeline.neural.torch_device import free_cuda

            free_cuda()
    return released
