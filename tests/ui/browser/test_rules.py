"""The project rules hold in the browser exactly as in the API: the same checks, the same words
(plan limit, credits, bad images, a script that cannot fill the film)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.media import ONE_MINUTE_SCRIPT, image_bytes
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser

STANDARD_LIMIT_MIN = 10
OVER_LIMIT_MIN = 12


def _film(title: str, minutes: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "script": ONE_MINUTE_SCRIPT,
        "images": [],
        "voice": "neutral",
        "duration": minutes,
        "music": "cinematic",
        "language": "en",
        "aspect": "16:9",
        "resolution": "360p",
        **extra,
    }


def _api_refusal(studio: Studio, path: str, status: int, **kwargs: Any) -> str:
    with studio.api() as api:
        response = api.post(path, **kwargs)
    assert response.status_code == status, response.text
    detail: str = response.json()["detail"]
    return detail


def test_the_length_slider_follows_the_plan_and_its_limit_reads_like_the_api(
    studio: Studio,
) -> None:
    page = studio.page
    studio.sign_up("Meera")
    slider = page.get_by_role("slider", name="range slider for Length (minutes)")
    expect(slider).to_have_attribute("max", "1")
    expect(slider).to_be_disabled()
    expect(page.get_by_text("1 minute (upgrade for longer films).")).to_be_visible()
    studio.shot(page, "free-plan-slider")

    studio.tab("Credits")
    expect(page.get_by_label("Plans")).to_contain_text("Enterprise")
    page.get_by_role("button", name="Top up").click()
    expect(page.locator("#topup-notice")).to_contain_text("Added 30 credits on the Standard plan")
    expect(page.locator("#credit-balance")).to_have_text("33 credits")
    expect(page.get_by_label("Credit history")).to_contain_text("Plan top-up")
    studio.shot(page, "topped-up")

    studio.fill_film("Too long for the plan", ONE_MINUTE_SCRIPT)
    expect(slider).to_have_attribute("max", str(STANDARD_LIMIT_MIN))
    expect(slider).to_be_enabled()
    number = page.get_by_role("spinbutton", name="number input for Length (minutes)")
    number.fill(str(OVER_LIMIT_MIN))
    number.press("Enter")
    limit = _api_refusal(
        studio, "/api/projects/create", 422, json=_film("Too long", OVER_LIMIT_MIN)
    )
    assert "Standard plan allows films of at most 10 minutes" in limit
    expect(studio.estimate()).to_contain_text(limit)
    studio.shot(page, "over-the-plan-limit")

    number.fill(str(STANDARD_LIMIT_MIN))
    number.press("Enter")
    expect(slider).to_have_value(str(STANDARD_LIMIT_MIN))
    studio.generate()
    too_short = _api_refusal(
        studio, "/api/projects/create", 422, json=_film("Too short", STANDARD_LIMIT_MIN)
    )
    expect(studio.create_notice()).to_have_text(too_short)
    expect(studio.estimate()).to_contain_text(too_short)
    studio.expect_credits(33)
    studio.shot(page, "script-too-short")


def test_no_credits_no_film_and_the_message_is_the_apis(studio: Studio) -> None:
    page = studio.page
    studio.sign_up("Kiran")
    studio.fill_film("First film", ONE_MINUTE_SCRIPT)
    studio.generate()
    expect(page.get_by_role("tab", name="My films", selected=True)).to_be_visible()
    studio.expect_credits(0)

    studio.fill_film("Second film", ONE_MINUTE_SCRIPT)
    expect(studio.estimate()).to_contain_text("Your balance0 credits", use_inner_text=False)
    expect(studio.estimate()).to_contain_text("Needs 3 credits, you have 0.")
    expect(page.get_by_role("button", name="Generate film")).to_be_disabled()
    refusal = _api_refusal(studio, "/api/projects/create", 402, json=_film("Second film", 1))
    assert refusal == "This costs 3 credits but your balance is 0; top up to continue."
    expect(page.get_by_role("tab", name="New film", selected=True)).to_be_visible()
    studio.shot(page, "no-credits")
    studio.tab("My films")
    assert studio.film_rows() == ["First film"]


def test_a_bad_image_is_refused_with_the_apis_words_and_nothing_is_stored(
    studio: Studio, tmp_path: Path
) -> None:
    page = studio.page
    studio.sign_up("Dev")
    good = tmp_path / "Asha.png"
    good.write_bytes(image_bytes())
    broken = tmp_path / "Broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a picture")

    studio.tab("New film")
    studio.attach_images([good, broken])
    files = [
        ("files", ("Asha.png", good.read_bytes(), "image/png")),
        ("files", ("Broken.png", broken.read_bytes(), "image/png")),
    ]
    refusal = _api_refusal(studio, "/api/uploads/images", 422, files=files)
    assert "Broken.png" in refusal
    expect(studio.image_notice()).to_have_text(refusal)
    expect(page.get_by_role("alert")).to_have_text(refusal)
    expect(page.get_by_label("Image previews")).to_have_count(0)
    studio.shot(page, "bad-image-refused")

    studio.attach_images([good])
    expect(studio.image_notice()).to_have_text("1 image ready: Asha.png.")
    expect(page.get_by_label("Image previews").get_by_role("img")).to_have_count(1)
    studio.shot(page, "good-image-accepted")
