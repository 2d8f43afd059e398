"""Voice previews: a sentence in the chosen voice and language from the renderer's narrator,
kept per voice and language, free and rate limited per creator."""

from __future__ import annotations

import dataclasses

import gradio as gr
import httpx
import numpy as np

from app.context import AppContext
from app.ui.runtime import StudioRuntime
from app.ui.tabs.new_film import NewFilmTab
from app.ui.voice_preview import cached_previews, preview_text
from pipeline.speech.samples import CALIBRATION_PASSAGES
from tests.support.accounts import register

PREVIEW_RATE = "2/minute"
MIN_PREVIEW_S = 1.0
MAX_PREVIEW_S = 12.0


def _tab(context: AppContext) -> NewFilmTab:
    settings = context.settings.model_copy(update={"rate_limit_voice_previews": PREVIEW_RATE})
    limited = dataclasses.replace(context, settings=settings)
    with gr.Blocks():
        return NewFilmTab(StudioRuntime(lambda: limited), settings)


def test_the_preview_is_the_first_sentence_of_the_languages_sample() -> None:
    english = preview_text("en")
    assert english.startswith("Long ago") and english.endswith("sea.")
    assert preview_text("hi").endswith("था।")
    assert preview_text("xx") == english
    assert all(len(preview_text(code)) <= 160 for code in CALIBRATION_PASSAGES)


async def test_a_voice_is_heard_kept_and_rate_limited(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    creator = await register(client)
    tab = _tab(context)
    request = gr.Request(username=creator.id)

    shown, notice = await tab.preview_voice("female", "en", request)
    assert notice == "" and shown["visible"] is True
    female = shown["value"]
    rate, samples = female
    seconds = len(samples) / rate
    assert MIN_PREVIEW_S < seconds < MAX_PREVIEW_S, seconds
    assert samples.dtype == np.int16 and int(np.abs(samples).max()) > 1000
    kept = cached_previews()

    male, _ = await tab.preview_voice("male", "en", request)
    assert not np.array_equal(male["value"][1], samples)  # another voice, another sound
    assert cached_previews() == kept + 1

    refused, notice = await tab.preview_voice("female", "en", request)
    assert "value" not in refused  # the player is left as it was
    assert "Too many attempts; try again in" in notice

    other = await register(client, name="Other")
    again, notice = await tab.preview_voice("female", "en", gr.Request(username=other.id))
    assert notice == "" and again["value"][1] is samples  # the kept preview, not a new synthesis
