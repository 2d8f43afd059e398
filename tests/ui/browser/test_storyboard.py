"""The Storyboard view in Chromium: open a finished film's scenes, edit one, see the price of
rendering the change, and render it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.support.media import ONE_MINUTE_SCRIPT
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser

TITLE = "Kites over the river"
NEW_LINE = "A kite rose over the river, red against the morning, and the children ran after it."
RENDER_TIMEOUT_S = 240.0
POLL_S = 1.0
PREVIEW_TIMEOUT_MS = 90_000


def test_editing_a_scene_shows_the_price_of_rendering_the_change(studio: Studio) -> None:
    page = studio.page
    studio.sign_up("Ravi Menon")
    with studio.api() as api:
        created = api.post(
            "/api/projects/create",
            json={"title": TITLE, "script": ONE_MINUTE_SCRIPT, "duration": 1,
                  "resolution": "360p", "voice": "male"},
        )  # fmt: skip
        assert created.status_code == 201, created.text
        project_id = created.json()["id"]
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        while api.get(f"/api/projects/{project_id}").json()["status"] != "complete":
            assert time.monotonic() < deadline, "the film did not render in time"
            time.sleep(POLL_S)

    studio.tab("My films")
    page.get_by_role("button", name="Refresh list").click()
    page.get_by_label("Your films").locator('[role="gridcell"][data-col="0"]').first.click()
    page.get_by_role("button", name="Storyboard").click()
    expect(page.get_by_role("tab", name="Storyboard", selected=True)).to_be_visible()
    strip = page.locator("#storyboard-strip .scene-card")
    expect(strip).to_have_count(4)
    render = page.locator("#render-changes")
    expect(render).to_have_text("Render changes (1 credit)")
    studio.shot(page, "storyboard")

    text = page.get_by_label("Scene text")
    expect(text).to_have_value(ONE_MINUTE_SCRIPT.split("\n\n")[0])
    text.fill(NEW_LINE)
    page.get_by_role("button", name="Save scene").click()
    expect(page.locator("#storyboard-notice")).to_contain_text("Scene 1 saved.")
    expect(render).to_have_text("Render changes (3 credits)")
    expect(page.locator("#render-estimate")).to_contain_text("1 scene changed")
    expect(strip.first).to_contain_text("changed")
    expect(strip.first).to_contain_text(NEW_LINE)
    studio.shot(page, "storyboard-edited")

    with studio.api() as api:
        script = api.get(f"/api/projects/{project_id}").json()["script"]
    assert script.split("\n\n")[0] == NEW_LINE

    page.get_by_label("Scene", exact=True).click()
    page.get_by_role("option", name="2. Asha carried").click()
    expect(text).to_have_value(ONE_MINUTE_SCRIPT.split("\n\n")[1])
    page.get_by_role("button", name="Preview scene").click()
    expect(page.locator("video.scene-preview")).to_be_visible(timeout=PREVIEW_TIMEOUT_MS)
    studio.shot(page, "storyboard-preview")
