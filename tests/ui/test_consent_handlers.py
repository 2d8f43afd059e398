"""The studio asks for likeness consent only when a picked image shows a face."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import httpx

from app.consent.statement import STATEMENT
from app.context import AppContext
from app.ui.runtime import StudioRuntime
from app.ui.tabs.new_film import NewFilmTab
from tests.app.consent.test_consent import face_png
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT, image_bytes


async def test_a_face_shows_the_consent_box_and_ticking_it_stores_the_image(
    client: httpx.AsyncClient, context: AppContext, tmp_path: Path
) -> None:
    creator = await register(client)
    with gr.Blocks():
        tab = NewFilmTab(StudioRuntime(lambda: context), context.settings)
    assert tab.consent.label == STATEMENT and tab.consent.visible is False
    request = gr.Request(username=creator.id)
    river = tmp_path / "river.png"
    river.write_bytes(image_bytes(seed=2))
    asha = tmp_path / "Asha.png"
    asha.write_bytes(face_png())

    plain = await tab.receive_images([str(river)], [], request)
    assert [image.filename for image in plain[tab.stored]] == ["river.png"]
    assert plain[tab.consent].visible is False

    asked = await tab.receive_images([str(river), str(asha)], plain[tab.stored], request)
    assert asked[tab.consent].visible is True
    assert "Asha.png shows a face" in asked[tab.image_notice]
    assert [image.filename for image in asked[tab.stored]] == ["river.png"]
    assert tab.images not in asked  # the picked files stay until the box is ticked

    ticked = await tab.receive_images(
        [str(river), str(asha)], asked[tab.stored], request, consent=True
    )
    assert [image.filename for image in ticked[tab.stored]] == ["river.png", "Asha.png"]
    assert ticked[tab.consent].visible is False

    answer = await tab.create_film(
        {}, "Labelled", ONE_MINUTE_SCRIPT, [], "neutral", 1, "cinematic", "en", "16:9", "360p",
        True, "none", request,
    )  # fmt: skip
    created = answer[tab.created]
    assert created is not None, answer[tab.notice]
    project = await client.get(f"/api/projects/{created}", headers=creator.headers)
    assert project.json()["ai_label"] is True
