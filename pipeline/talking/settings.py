"""How InfiniteTalk talking clips are generated (importing this loads no model runtime)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.picture.image_to_video import VideoSettings


@dataclass(frozen=True)
class TalkSettings:
    """How talking clips are generated. Defaults are InfiniteTalk's for its 480p bucket."""

    num_frames: int = 81
    steps: int = 40
    flow_shift: float = 7.0
    text_guidance: float = 5.0
    audio_guidance: float = 4.0
    prompt: str = "a person talking to the camera, natural head and hand movement"
    negative_prompt: str = "static picture, blurred details, subtitles, low quality, deformed face"
    max_text_tokens: int = 512
    model_fps: int = 25
    """InfiniteTalk's speech features are aligned to 25 video frames per second."""
    pixel_area: int = 832 * 480
    size_multiple: int = 16
    """VAE spatial factor 8 x transformer patch 2."""
    max_clips: int = 12
    """About 38 s of speech at 81 frames a clip; a longer shot loops (lips then drift)."""

    def video(self, frames: int) -> VideoSettings:
        """The shot-planning settings these imply (shared with the Wan and SVD backends)."""
        return VideoSettings(
            num_frames=frames,
            steps=self.steps,
            model_fps=self.model_fps,
            pixel_area=self.pixel_area,
            size_multiple=self.size_multiple,
            max_clips=self.max_clips,
        )


DEFAULT_SETTINGS = TalkSettings()
