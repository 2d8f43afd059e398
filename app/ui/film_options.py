"""The New film form's choices, names, limits and the length slider, as the studio words them."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.config import Settings
from app.music.catalogue import catalogue
from app.projects.schemas import FilmSettings
from app.ui.account import Account
from app.ui.formatting import minutes_label

FIELD_LABELS = {
    "title": "Title",
    "script": "Script",
    "images": "Character images",
    "voice": "Voice",
    "duration": "Length",
    "music": "Music",
    "language": "Narration language",
    "aspect": "Aspect ratio",
    "resolution": "Resolution",
    "captions": "Captions",
}
ASPECT_NAMES = {"16:9": "16:9 landscape", "9:16": "9:16 vertical", "1:1": "1:1 square"}
RESOLUTION_NAMES = {"360p": "360p draft", "720p": "720p HD", "1080p": "1080p Full HD"}
CAPTION_NAMES = {
    "none": "No captions",
    "subtitles": "Subtitles",
    "shorts": "Shorts captions (word by word)",
}
IMAGE_TYPES = [".png", ".jpg", ".jpeg", ".webp"]
MIN_MINUTES = 1
SCRIPT_PLACEHOLDER = (
    "Write the narration. Blank lines separate scenes.\n\n"
    "ASHA: Lines like this are spoken by Asha, and show Asha.png while she speaks."
)
MUSIC = {choice.id: choice for choice in catalogue()}
SETTING_FIELDS = (
    "voice",
    "duration",
    "music",
    "language",
    "aspect",
    "resolution",
    "ai_label",
    "captions",
)
"""The film settings a draft keeps, in the order of NewFilmTab.draft_inputs after the story."""
BYTES_PER_MB = 1024 * 1024
PIXELS_PER_MEGAPIXEL = 1_000_000


def image_hint(settings: Settings) -> str:
    """The image picker's explanation with the real upload limits."""
    megabytes = settings.max_upload_bytes / BYTES_PER_MB
    megapixels = settings.max_image_pixels / PIXELS_PER_MEGAPIXEL
    return (
        f"JPEG, PNG or WebP, up to {megabytes:g} MB and {megapixels:g} megapixels each. Name a "
        "file after a character (Asha.png) to show it while ASHA speaks; other images "
        "illustrate the scenes."
    )


def default_value(field: str) -> Any:
    return FilmSettings.model_fields[field].default


def music_info(style: str) -> str:
    choice = MUSIC.get(style)
    return choice.description if choice else ""


def slider_update(account: Account, current: float | None = None) -> Any:
    """The length slider capped at the plan's longest film.

    A plan capped at one minute gets a fixed, full slider (a slider needs two ends).
    """
    limit = account.balance.max_video_length
    value = min(limit, max(MIN_MINUTES, round(current or MIN_MINUTES)))
    adjustable = limit > MIN_MINUTES
    return gr.Slider(
        minimum=MIN_MINUTES if adjustable else 0,
        maximum=limit,
        value=value,
        interactive=adjustable,
        info=f"Your {account.balance.plan_type.value} plan allows films up to "
        f"{minutes_label(limit)}."
        if adjustable
        else f"{minutes_label(limit)} (upgrade for longer films).",
    )
