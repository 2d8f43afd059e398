"""The studio's look: a Gradio theme with system fonts (nothing fetched from font CDNs)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

STYLESHEET = Path(__file__).with_name("studio.css")
SCRIPT = Path(__file__).with_name("studio.js")
SANS_FONTS = ["Inter", "Segoe UI", "system-ui", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]


def studio_theme() -> gr.themes.Base:
    """A soft violet theme whose text meets WCAG AA contrast (4.5:1) on its backgrounds:
    subdued text and labels a shade or two darker than Soft's defaults."""
    return gr.themes.Soft(
        primary_hue="violet",
        secondary_hue="blue",
        neutral_hue="slate",
        radius_size="md",
        font=SANS_FONTS,
        font_mono=MONO_FONTS,
    ).set(
        body_text_color_subdued="*neutral_600",
        block_info_text_color="*neutral_600",
        block_title_text_color="*primary_800",
        block_label_text_color="*primary_800",
        input_placeholder_color="*neutral_500",
        checkbox_label_text_color="*neutral_800",
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        checkbox_label_background_fill_selected="*primary_600",
    )


UPLOAD_LIMIT_META = "filmstudio-upload-limit"
"""The page's meta element giving the upload limit in bytes (studio.js refuses larger files)."""


def studio_head(max_upload_bytes: int) -> str:
    """The studio's own script for the page head (session expiry, uploads, live title), with
    the upload limit it checks picked files against."""
    return (
        f'<meta name="{UPLOAD_LIMIT_META}" content="{int(max_upload_bytes)}">'
        f"<script>{SCRIPT.read_text(encoding='utf-8')}</script>"
    )
