"""The Admin tab: shown to administrators only, with every user and the activity log."""

from __future__ import annotations

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from tests.ui.browser.conftest import VIEWPORT
from tests.ui.browser.studio_page import Studio

pytestmark = pytest.mark.browser


def _make_admin(database_url: str, email: str) -> None:
    with psycopg.connect(database_url) as connection:
        connection.execute("UPDATE users SET role = 'admin' WHERE email = %s", (email,))


def test_only_admins_see_users_and_logs(
    studio: Studio, browser: Browser, studio_url: str, studio_database: str
) -> None:
    page = studio.page
    creator = studio.sign_up("Creator Chandra")
    expect(page.get_by_role("tab")).to_have_text(["New film", "My films", "Credits"])
    studio.shot(page, "creator-has-no-admin-tab")

    admin_context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        admin = Studio(admin_context.new_page(), studio_url, studio.shot)
        boss = admin.sign_up("Admin Aditi")
        _make_admin(studio_database, boss.email)
        admin.page.reload()
        expect(admin.page.get_by_role("tab", name="Admin")).to_be_visible()
        admin.tab("Admin")
        expect(admin.page.get_by_label("Users")).to_contain_text(creator.email)
        expect(admin.page.get_by_label("Users")).to_contain_text("admin")
        expect(admin.page.get_by_label("Activity log")).to_contain_text("user.register")
        admin.page.get_by_label("Filter by action").fill("user.login")
        admin.page.get_by_role("button", name="Refresh").click()
        expect(admin.page.get_by_label("Activity log")).not_to_contain_text("user.register")
        assert set(admin.column("Activity log", 1)) == {"user.login"}
        admin.shot(admin.page, "admin-tab")

        admin.page.get_by_label("Filter by action").fill("")
        admin.page.get_by_label("User email").fill(creator.email)
        admin.page.get_by_label("Credits", exact=True).fill("12")
        admin.page.get_by_label("Reason").fill("Compensation for a failed render")
        admin.page.get_by_role("button", name="Apply").click()
        expect(admin.page.locator("#adjust-notice")).to_contain_text(
            f"Added 12 credits for {creator.email}: balance 15."
        )
        expect(admin.page.get_by_label("Activity log")).to_contain_text("credits.adjust")
        admin.page.get_by_label("Reason").fill("")
        admin.page.get_by_role("button", name="Apply").click()
        expect(admin.page.locator("#adjust-notice")).to_contain_text("Reason is too short")
        admin.shot(admin.page, "admin-credits")
    finally:
        admin_context.close()

    page.reload()
    studio.wait_for_studio()
    expect(page.get_by_role("tab", name="Admin")).to_have_count(0)
