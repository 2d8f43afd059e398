"""My films and the credit history as cards on a phone (tables on a wide screen): titles
escaped, a tapped card opens its film, times in the viewer's own time zone, axe still clean."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.media import ONE_MINUTE_SCRIPT
from tests.ui.browser.conftest import ACTION_TIMEOUT_MS, ARTIFACTS
from tests.ui.browser.experience import SIZES, axe_violations, describe, horizontal_overflow
from tests.ui.browser.studio_page import Shots, Studio

pytestmark = pytest.mark.browser

HOSTILE_TITLE = '<img src=x onerror="window.__hit=1"> Rain & "night"'
"""A title that would run script or break the markup if the cards did not escape it."""
GRID_TIMES = '[data-testid^="cell-"] time'
"""Times in the cells Gradio's table shows (it keeps a hidden copy of the rows to measure)."""
VIEWER_ZONE = "Asia/Kolkata"
"""A zone 5 h 30 min from UTC, so a time left in UTC cannot pass for local."""


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """Phone or desktop."""
    name: str = request.param
    return name


@pytest.fixture
def zoned_page(browser: Browser, size: str) -> Iterator[Page]:
    """A page at the size under test, in a browser set to VIEWER_ZONE and US English."""
    context = browser.new_context(
        viewport=SIZES[size],  # type: ignore[arg-type]
        has_touch=size == "phone",
        timezone_id=VIEWER_ZONE,
        locale="en-US",
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _local_clock(iso: str) -> str:
    """'8:05 PM': the instant as en-US short time in VIEWER_ZONE."""
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(VIEWER_ZONE))
    return moment.strftime("%I:%M %p").lstrip("0")


def _settled(page: Page) -> None:
    """Wait until no component is dimmed as an event's pending output (axe would measure the
    faded colours)."""
    expect(page.locator(".pending")).to_have_count(0)


def test_films_and_history_show_as_cards_on_a_phone(
    zoned_page: Page, size: str, studio_url: str, shots: Shots
) -> None:
    page = zoned_page
    studio = Studio(page, studio_url, shots)
    studio.sign_up("Noor")
    with studio.api() as api:
        created = api.post(
            "/api/projects/create",
            json={
                "title": HOSTILE_TITLE,
                "script": ONE_MINUTE_SCRIPT,
                "duration": 1,
                "resolution": "360p",
            },
        )
        assert created.status_code == 201, created.text
        created_at = created.json()["created_at"]
    page.reload()
    studio.wait_for_studio()
    studio.tab("My films")
    table, cards = page.locator("#films-table"), page.get_by_label("Film list")
    if size == "desktop":
        expect(table).to_be_visible()
        expect(cards).to_be_hidden()
        assert studio.film_rows() == [HOSTILE_TITLE]
        clock = table.locator(GRID_TIMES)
        expect(clock).to_have_attribute("data-shown", "local")
        expect(clock).to_contain_text(_local_clock(created_at))
        expect(table.locator("img")).to_have_count(0)
    else:
        expect(table).to_be_hidden()
        expect(cards).to_be_visible()
        card = cards.get_by_role("button")
        expect(card).to_have_count(1)
        expect(card.locator(".film-card-title")).to_have_text(HOSTILE_TITLE)
        expect(cards.locator("img")).to_have_count(0)
        clock = card.locator("time")
        expect(clock).to_have_attribute("data-shown", "local")
        expect(clock).to_contain_text(_local_clock(created_at))
        assert horizontal_overflow(page) <= 0
        studio.shot(page, "film-cards")
        card.click()
        heading = page.locator(".film-heading h2")
        expect(heading).to_be_visible()
        expect(heading).to_contain_text(HOSTILE_TITLE)
        studio.shot(page, "film-opened-from-card")
    assert page.evaluate("window.__hit") is None
    _settled(page)
    violations = axe_violations(page, ARTIFACTS / "axe" / f"film-cards-{size}.json")
    assert not violations, describe(violations)

    studio.tab("Credits")
    _settled(page)
    history, entries = page.locator("#history-table"), page.get_by_label("Changes to your credits")
    if size == "desktop":
        expect(history).to_be_visible()
        expect(entries).to_be_hidden()
        expect(history.locator(GRID_TIMES + "[data-shown=local]")).to_have_count(2)
    else:
        expect(history).to_be_hidden()
        expect(entries).to_be_visible()
        expect(entries.get_by_role("listitem")).to_have_count(2)
        expect(entries.get_by_role("listitem").first).to_contain_text("Film or AI job")
        expect(entries.get_by_role("listitem").last).to_contain_text("Welcome credits")
        expect(entries.locator("time[data-shown=local]")).to_have_count(2)
        assert horizontal_overflow(page) <= 0
        studio.shot(page, "history-cards")
    _settled(page)
    violations = axe_violations(page, ARTIFACTS / "axe" / f"history-cards-{size}.json")
    assert not violations, describe(violations)
