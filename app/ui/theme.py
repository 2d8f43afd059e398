"""The studio's look: a Gradio theme with system fonts (nothing fetched from font CDNs)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

STYLESHEET = Path(__file__).with_name("studio.css")
SANS_FONTS = ["Inter", "Segoe UI", "system-ui", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]


def studio_theme() -> gr.themes.Base:
    """A soft violet theme."""
    return gr.themes.Soft(
        primary_hue="violet",
        secondary_hue="blue",
        neutral_hue="slate",
        radius_size="md",
        font=SANS_FONTS,
        font_mono=MONO_FONTS,
    )
