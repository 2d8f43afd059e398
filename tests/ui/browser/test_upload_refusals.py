"""Files the page refuses before sending them (a type the picker does not take, a file over
the upload limit): a plain message under the picker that stays, and nothing uploaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.config import Settings
from tests.support.media import image_bytes
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser

MIB = 1024 * 1024
LIMIT_MB = Settings.model_fields["max_upload_bytes"].default // MIB
OVER_LIMIT_BYTES = (LIMIT_MB + 2) * MIB
"""Larger than the studio's limit and than Gradio's own cap (the limit plus 1 MiB headroom)."""
GRADIO_NOTICE_MS = 6_000
"""Longer than Gradio's own upload notices stay on screen."""

DROP_JS = """(name) => {
  const files = new DataTransfer();
  files.items.add(new File(["not a picture"], name, {type: "video/quicktime"}));
  const area = document.querySelector("#character-images .upload-container")
    || document.querySelector("#character-images");
  area.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
}"""
"""Drops a file on the character images' upload area, as dragging one there does."""


def test_a_refused_file_leaves_a_message_that_stays(studio: Studio) -> None:
    page = studio.page
    studio.sign_up("Imran")
    picker = page.locator("#character-images input[type=file]")
    errors = page.locator(".upload-error")

    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if "/gradio_api/upload?" in r.url else None)
    picker.set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not an image"}
    )
    expect(errors).to_have_text(
        "notes.pdf is not a file this picker takes; choose a PNG, JPG, JPEG or WEBP file."
    )
    expect(errors).to_have_attribute("role", "alert")
    page.wait_for_timeout(GRADIO_NOTICE_MS)
    expect(errors).to_be_visible()
    expect(page.locator("#character-images")).not_to_contain_text("notes.pdf")
    studio.shot(page, "wrong-type")

    picker.set_input_files(
        {"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * OVER_LIMIT_BYTES}
    )
    expect(errors).to_have_text(
        f"huge.png is {LIMIT_MB + 2} MB, larger than the {LIMIT_MB} MB upload limit."
    )
    page.wait_for_timeout(GRADIO_NOTICE_MS)
    expect(errors).to_be_visible()
    expect(errors).to_have_count(1)
    studio.shot(page, "too-large")

    page.evaluate(DROP_JS, "clip.mov")
    expect(errors).to_have_text(
        "clip.mov is not a file this picker takes; choose a PNG, JPG, JPEG or WEBP file."
    )
    expect(page.locator("#character-images")).not_to_contain_text("clip.mov")
    assert uploads == [], uploads

    picker.set_input_files(
        {"name": "maya.png", "mimeType": "image/png", "buffer": image_bytes(seed=3)}
    )
    expect(studio.image_notice()).to_contain_text("1 image")
    expect(errors).to_have_count(0)
    assert len(uploads) == 1, uploads
