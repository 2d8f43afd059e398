"""Hearing the narration voice before generating, in the chosen language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser

AUDIO_READY_JS = """async (audio) => {
  if (audio.readyState < 1) {
    await new Promise(done => audio.addEventListener('loadedmetadata', done, {once: true}));
  }
  return audio.duration;
}"""


def test_the_chosen_voice_can_be_heard_before_generating(studio: Studio) -> None:
    page = studio.page
    studio.sign_up("Meera")
    studio.open_advanced()
    page.get_by_label("Narration language").click()
    page.get_by_role("option", name="Hindi").click()
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Hear this voice").click()
    player = page.locator("#voice-preview audio[src]").first
    expect(player).to_be_attached()
    seconds = player.evaluate(AUDIO_READY_JS)
    assert 1.0 < seconds < 12.0, seconds
    expect(page.locator("#voice-notice")).to_be_empty()
    studio.shot(page, "voice-preview")
