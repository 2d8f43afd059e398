"""A full render whose image shots are animated by a tiny seeded Wan2.2 pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.backends import BackendChoice
from pipeline.film import FilmRequest, render_film
from pipeline.media.probe import probe
from pipeline.music.choice import MusicChoice
from pipeline.neural.registry import WAN22_TI2V_5B, model_path
from pipeline.picture.image_to_video import VideoSettings
from pipeline.testing.tiny_wan import write_tiny_wan_pipeline
from tests.pipeline.render_media import write_picture

pytest.importorskip("diffusers")

SMALL = (320, 180)
DURATION_S = 6.0
TINY_WAN = VideoSettings(steps=2, num_frames=5, pixel_area=64 * 64, size_multiple=32)


@pytest.mark.slow
def test_image_shots_animated_by_wan_keep_the_film_length(tmp_path: Path) -> None:
    models = tmp_path / "models"
    write_tiny_wan_pipeline(model_path(WAN22_TI2V_5B, models), seed=5)
    images = (write_picture(tmp_path / "sea.png", 480, 270, 3),)
    backends = BackendChoice(
        video="svd",
        video_model=WAN22_TI2V_5B.name,
        lipsync="none",
        model_dir=models,
        device="cpu",
        video_settings=TINY_WAN,
        commercial_only=True,
    )
    request = FilmRequest(
        script="The lighthouse stood alone on the cliff above the grey sea.",
        images=images,
        voice="female",
        duration_s=DURATION_S,
        music=MusicChoice.named("cinematic"),
        size=SMALL,
        seed=3,
        backends=backends,
    )
    result = render_film(request, tmp_path / "film")
    assert result.backends["used"]["video"] == WAN22_TI2V_5B.name
    animated = [s for s in result.backends["shots"] if s["kind"] == "image_to_video"]
    assert animated and all(s["frames_per_clip"] == 5 for s in animated)
    for shot in animated:
        assert shot["output_frames"] == round((shot["end_s"] - shot["start_s"]) * 30)
    video = probe(result.video).video
    assert video is not None and video.frames == round(DURATION_S * 30)
    assert (video.width, video.height) == SMALL
