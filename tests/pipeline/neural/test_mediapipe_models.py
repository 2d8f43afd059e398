"""The models taken from the mediapipe wheel: one pattern installs them all, each with its
member path, SHA-256 and licence recorded."""

from __future__ import annotations

from pipeline.neural import registry
from pipeline.neural.model_spec import WHEEL_MEMBER_PREFIX


def test_make_install_s_pattern_takes_every_mediapipe_model() -> None:
    chosen = registry.select_models(["mediapipe-*"])
    assert [spec.name for spec in chosen] == [
        "mediapipe-face-detection-short",
        "mediapipe-face-landmarks",
        "mediapipe-selfie-segmentation",
    ]
    for spec in chosen:
        assert spec.wheel == registry.MEDIAPIPE_WHEEL
        assert spec.commercial_use == "yes" and spec.licence.startswith("Apache-2.0")
        for item in spec.files:
            assert item.sha256 is not None and len(item.sha256) == 64
            assert item.urls[0].startswith(f"{WHEEL_MEMBER_PREFIX}mediapipe/modules/")
            assert item.urls[0].endswith(item.path)
