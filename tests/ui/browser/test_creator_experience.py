"""The studio as creators expect it, at desktop (1440x900) and phone (390x844) sizes: nothing
lost when a session expires or the page reloads, plain words next to fields, credits checked
before clicking, live progress with render warnings, and axe-core finding no serious problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.web_session import SESSION_COOKIE
from tests.support.media import image_bytes
from tests.ui.browser.conftest import ACTION_TIMEOUT_MS, ARTIFACTS
from tests.ui.browser.experience import (
    RECORD_NOTIFICATIONS_JS,
    SIZES,
    axe_violations,
    describe,
    horizontal_overflow,
)
from tests.ui.browser.studio_page import Shots, Studio

pytestmark = pytest.mark.browser

CHARACTER_SCRIPT = (
    "The river woke before the village did. Mist rolled over the water and the herons "
    "waited on the stones, patient as old men.\n\n"
    "MAYA: I promised to light the lamp at dawn, the way grandmother did for sixty years.\n\n"
    "RAVI: Then light it, and the whole bank will breathe with you.\n\n"
    "When the flame caught, boats drifted closer and somebody began to sing, softly at "
    "first, then with the whole village joining in. By the time the sun cleared the hills, "
    "the lamp had become a hundred lamps."
)
"""Two named characters and about 40 seconds of narration: fits a one-minute film."""

EXPIRED = "Your session expired. Sign in again; your draft is kept."
RENDER_TIMEOUT_MS = 240_000


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """The window size under test: desktop or phone."""
    name: str = request.param
    return name


@pytest.fixture
def sized_page(browser: Browser, size: str, shots: Shots) -> Iterator[Page]:
    """A fresh context at the size under test; notifications recorded; a shot on failure."""
    context = browser.new_context(
        viewport=SIZES[size],  # type: ignore[arg-type]
        has_touch=size == "phone",
        accept_downloads=True,
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.add_init_script(RECORD_NOTIFICATIONS_JS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def creator_studio(sized_page: Page, studio_url: str, shots: Shots) -> Studio:
    """The studio at the size under test."""
    return Studio(sized_page, studio_url, shots)


def _image(folder: Path, name: str, seed: int = 0) -> Path:
    path = folder / name
    path.write_bytes(image_bytes(seed=seed))
    return path


def _no_error_pills(page: Page) -> None:
    pills = page.locator(".error:visible").filter(has_text=re.compile(r"^\s*Error\s*$"))
    expect(pills).to_have_count(0)


def test_an_expired_session_keeps_the_draft_and_returns_to_it(
    creator_studio: Studio, size: str, tmp_path: Path
) -> None:
    studio, page = creator_studio, creator_studio.page
    creator = studio.sign_up("Maya Iyer")
    answer = httpx.get(
        f"{studio.base_url}/studio/",
        cookies={SESSION_COOKIE: studio.token()},
        follow_redirects=False,
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"

    expect(page.get_by_text("up to 20 MB and 40 megapixels each")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Lamps at dawn")
    page.get_by_label("Script").fill(CHARACTER_SCRIPT)
    studio.attach_images([_image(tmp_path, "Maya.png")])
    expect(studio.image_notice()).to_contain_text("1 image ready")
    characters = page.get_by_label("Characters and their images")
    expect(characters.get_by_role("listitem")).to_have_count(2)
    expect(characters).to_contain_text("✓ MAYA")
    expect(characters).to_contain_text("✗ RAVI")
    expect(studio.estimate()).to_contain_text("Upload Ravi.png")
    studio.shot(page, "characters-ticked")

    page.reload()
    studio.wait_for_studio()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Lamps at dawn")
    expect(page.get_by_label("Script")).to_have_value(CHARACTER_SCRIPT)
    expect(page.get_by_label("Image previews").get_by_role("img")).to_have_count(1)
    expect(page.get_by_text("Your draft was restored")).to_be_visible()
    studio.shot(page, "draft-after-reload")

    page.context.clear_cookies()
    page.get_by_label("Script").fill(CHARACTER_SCRIPT + "\n\nThe end.")
    banner = page.locator("#session-expired")
    expect(banner).to_contain_text(EXPIRED)
    page.get_by_role("button", name="Generate film").click()
    page.wait_for_timeout(500)
    _no_error_pills(page)
    studio.shot(page, "session-expired")

    banner.get_by_role("link", name="Sign in again").click()
    expect(page.get_by_role("status")).to_have_text(EXPIRED)
    studio.submit_login(creator.email, creator.password)
    page.wait_for_url(re.compile(r".*/studio/\?tab=new-film$"))
    expect(page.get_by_label("Your account")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Lamps at dawn")
    expect(page.get_by_label("Script")).to_have_value(CHARACTER_SCRIPT + "\n\nThe end.")
    expect(page.get_by_label("Image previews").get_by_role("img")).to_have_count(1)
    studio.shot(page, "draft-after-sign-in")


def test_plain_words_next_to_fields_and_a_generate_bar_in_reach(
    creator_studio: Studio, size: str, tmp_path: Path
) -> None:
    studio, page = creator_studio, creator_studio.page
    studio.sign_up("Ravi Kumar")
    bar = page.locator("#generate-bar")
    expect(bar).to_contain_text("1 min · 3 credits · balance 3")
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] <= SIZES[size]["height"] + 1, box
    expect(page.get_by_label("Narration language")).to_be_hidden()
    assert horizontal_overflow(page) <= 0
    studio.shot(page, "generate-bar")

    page.get_by_label("Script").fill(CHARACTER_SCRIPT)
    page.get_by_role("button", name="Generate film").click()
    title_error = page.locator("#title-error")
    expect(title_error).to_have_text("Give your film a title.")
    expect(page.locator("#create-notice")).not_to_contain_text("String should")
    studio.shot(page, "title-missing")
    page.get_by_label("Title", exact=True).fill("L")
    expect(title_error).to_have_text("")

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image at all" * 40)
    studio.attach_images([broken])
    notice = page.locator("#image-notice .notice-error")
    expect(notice).to_be_visible()
    page.wait_for_timeout(1500)
    expect(notice).to_be_visible()
    assert (notice.text_content() or "").strip()
    studio.shot(page, "upload-refused")

    studio.open_advanced()
    language = page.get_by_label("Narration language")
    language.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body"), "focus fell to the body"
    studio.shot(page, "advanced-open")


def test_out_of_credits_live_progress_warnings_and_regenerate(
    creator_studio: Studio, size: str, browser: Browser
) -> None:
    studio, page = creator_studio, creator_studio.page
    studio.sign_up("Asha Rao")
    page.get_by_label("Title", exact=True).fill("Two voices")
    page.get_by_label("Script").fill(CHARACTER_SCRIPT)
    studio.open_advanced()
    page.get_by_label("360p draft").check()
    expect(studio.estimate()).to_contain_text("The script fits this length.")
    studio.generate()
    expect(page.locator("#create-notice")).to_contain_text("is queued")
    fresh = page.context.new_page()  # a new visit, as after closing the tab
    fresh.goto(f"{studio.base_url}/studio/")
    try:
        expect(fresh.get_by_role("tab", name="My films", selected=True)).to_be_visible(
            timeout=ACTION_TIMEOUT_MS
        )
        expect(fresh.get_by_role("progressbar", name="Render progress")).to_be_visible()
    except AssertionError:  # only fine when the film finished before the visit loaded
        with studio.api() as api:
            status = api.get("/api/projects").json()["projects"][0]["status"]
        assert status == "complete", f"a {status} film was not reopened on a new visit"
    studio.shot(fresh, "new-visit-while-rendering")
    fresh.close()
    expect(page.get_by_role("tab", name="My films", selected=True)).to_be_visible()
    progress = studio.progress_bar()
    expect(progress).to_be_visible()
    expect(page.get_by_label("Your films")).to_contain_text(re.compile("Queued|Rendering"))
    studio.shot(page, "rendering")

    assert page.url.endswith("/studio/?tab=films"), page.url

    expect(page.get_by_label("Your films")).to_contain_text("Ready", timeout=RENDER_TIMEOUT_MS)
    expect(page.locator("#film-warnings")).to_contain_text("MAYA, RAVI")
    expect(page).to_have_title(re.compile(r"^✓ Two voices is ready"))
    notes = page.evaluate("window.__notifications")
    assert notes == [["Your film is ready", "Two voices"]], notes
    expect(
        page.get_by_text("Publishing to YouTube isn't available on this studio yet")
    ).to_be_visible()
    studio.expect_credits(0)
    regenerate = page.get_by_role("button", name="Regenerate")
    expect(regenerate).to_be_disabled()
    expect(page.locator("#regenerate-reason")).to_contain_text("Needs 3 credits, you have 0.")
    studio.shot(page, "warnings-and-no-credits")

    studio.tab("New film")
    expect(studio.estimate()).to_contain_text("Needs 3 credits, you have 0.")
    expect(page.get_by_role("button", name="Generate film")).to_be_disabled()
    expect(page.locator("#generate-bar")).to_contain_text("Needs 3 credits, you have 0.")
    studio.shot(page, "generate-disabled")

    other = page.context.new_page()
    other.goto(f"{studio.base_url}/studio/")
    expect(other.locator("[data-credits]")).to_have_attribute("data-credits", "0")

    studio.estimate().get_by_role("button", name="Top up credits").click()
    expect(page.get_by_role("tab", name="Credits", selected=True)).to_be_visible()
    cards = page.get_by_label("Plans")
    expect(cards.get_by_role("listitem").filter(has_text="per film minute")).not_to_have_count(0)
    expect(cards).to_contain_text("Your plan")
    page.get_by_role("button", name="Top up").click()
    expect(page.locator("#topup-notice")).to_contain_text("Added")
    expect(page.locator("[data-credits]")).not_to_have_attribute("data-credits", "0")
    balance = page.locator("[data-credits]").get_attribute("data-credits")
    assert balance is not None and int(balance) > 0
    expect(other.locator("[data-credits]")).to_have_attribute("data-credits", balance)
    other.close()
    studio.shot(page, "plans-and-top-up")

    studio.tab("My films")
    expect(regenerate).to_be_enabled()
    regenerate.click()
    confirm = page.locator("#regenerate-confirm")
    expect(confirm).to_contain_text(f"Render this film again for 3 credits? You have {balance}")
    studio.shot(page, "regenerate-confirm")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    studio.expect_credits(int(balance))
    if size == "phone":
        assert horizontal_overflow(page) <= 0


@pytest.mark.parametrize("view", ["sign-in", "new-film", "my-films", "credits"])
def test_axe_finds_no_serious_problem(creator_studio: Studio, size: str, view: str) -> None:
    studio, page = creator_studio, creator_studio.page
    if view == "sign-in":
        page.goto(f"{studio.base_url}/studio/login")
    else:
        studio.sign_up("Lata")
        tab = {"new-film": "New film", "my-films": "My films", "credits": "Credits"}[view]
        studio.tab(tab)
        page.wait_for_timeout(300)
    violations = axe_violations(page, ARTIFACTS / "axe" / f"{view}-{size}.json")
    studio.shot(page, f"axe-{view}")
    assert not violations, describe(violations)
