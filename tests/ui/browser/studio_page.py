"""Drive the studio like a person: by labels, roles and visible text."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Locator, Page, expect

from app.web_session import SESSION_COOKIE

PASSWORD = "SecurePass123"
RENDER_TIMEOUT_S = 240.0
PROGRESS_POLL_S = 0.2


@dataclass(frozen=True)
class Creator:
    """Someone who signed up through the studio."""

    name: str
    email: str
    password: str = PASSWORD


class Shots:
    """Numbered full-page screenshots in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path


class Studio:
    """The studio in one browser page."""

    def __init__(self, page: Page, base_url: str, shots: Shots) -> None:
        self.page = page
        self.base_url = base_url
        self.shot = shots

    # -- account -------------------------------------------------------------------------

    def sign_up(self, name: str = "Asha Rao") -> Creator:
        """Create an account through the sign-up form and land in the studio."""
        creator = Creator(name=name, email=f"ui-{uuid.uuid4().hex[:12]}@example.com")
        self.page.goto(f"{self.base_url}/studio/signup")
        self.submit_signup(creator.name, creator.email, creator.password)
        self.wait_for_studio()
        return creator

    def submit_signup(self, name: str, email: str, password: str) -> None:
        """Fill and send the sign-up form."""
        self.page.get_by_label("Name").fill(name)
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Create account").click()
        self.page.wait_for_load_state()

    def log_in(self, creator: Creator) -> None:
        """Sign in through the login form and land in the studio."""
        self.page.goto(f"{self.base_url}/studio/login")
        self.submit_login(creator.email, creator.password)
        self.wait_for_studio()

    def submit_login(self, email: str, password: str) -> None:
        """Fill and send the sign-in form."""
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def log_out(self) -> None:
        """Press Log out in the header."""
        self.page.get_by_role("button", name="Log out").click()
        self.page.wait_for_url("**/studio/login?signed_out=true")

    def wait_for_studio(self) -> None:
        """Wait until the studio page shows the signed-in account."""
        self.page.wait_for_url(re.compile(rf"{re.escape(self.base_url)}/studio/(\?.*)?$"))
        expect(self.page.get_by_label("Your account")).to_be_visible()

    def expect_credits(self, balance: int) -> None:
        """Wait until the header shows this balance."""
        expect(self.page.locator("[data-credits]")).to_have_attribute("data-credits", str(balance))

    def token(self) -> str:
        """The session cookie's access token (the API's own JWT)."""
        for cookie in self.page.context.cookies():
            if cookie["name"] == SESSION_COOKIE:
                return cookie["value"]
        raise AssertionError("no session cookie")

    def api(self) -> httpx.Client:
        """A REST client signed in as the same user, for comparing answers with the API."""
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.token()}"}
        )

    # -- new film ------------------------------------------------------------------------

    def tab(self, name: str) -> None:
        """Open a tab of the studio."""
        self.page.get_by_role("tab", name=name).click()

    def attach_images(self, paths: list[Path]) -> None:
        """Pick character images in the file input."""
        picker = self.page.locator("#character-images input[type=file]")
        picker.set_input_files([str(path) for path in paths])

    def attach_track(self, path: Path) -> None:
        """Pick a music track of the creator's own."""
        self.page.locator("#music-track input[type=file]").set_input_files(str(path))

    def fill_film(
        self,
        title: str,
        script: str,
        images: list[Path] | None = None,
        resolution: str = "360p draft",
    ) -> None:
        """Fill the New film form (images are uploaded as soon as they are picked)."""
        self.tab("New film")
        self.page.get_by_label("Title", exact=True).fill(title)
        self.page.get_by_label("Script").fill(script)
        if images:
            self.attach_images(images)
            expect(self.image_notice()).to_contain_text(f"{len(images)} image")
        self.open_advanced()
        self.page.get_by_label(resolution).check()

    def open_advanced(self) -> None:
        """Open the New film tab's Advanced settings (language, aspect, resolution, captions)."""
        if not self.page.get_by_label("Narration language").is_visible():
            self.page.locator("#advanced-settings").get_by_text("Advanced").click()
            expect(self.page.get_by_label("Narration language")).to_be_visible()

    def image_notice(self) -> Locator:
        """The message under the image picker."""
        return self.page.locator(".notice").filter(has_text="image")

    def estimate(self) -> Locator:
        """The live estimate panel."""
        return self.page.get_by_label("Estimate")

    def generate(self) -> None:
        """Press Generate film."""
        self.page.get_by_role("button", name="Generate film").click()

    def create_notice(self) -> Locator:
        """The message under Generate."""
        return self.page.locator("#create-notice .notice")

    # -- my films ------------------------------------------------------------------------

    def progress_bar(self) -> Locator:
        """The open film's render progress bar."""
        return self.page.get_by_role("progressbar", name="Render progress")

    def follow_progress(self, timeout_s: float = RENDER_TIMEOUT_S) -> list[float]:
        """Watch the progress bar until it reaches 100 %; every distinct value seen."""
        bar = self.progress_bar()
        expect(bar).to_be_visible()
        seen: list[float] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = float(bar.get_attribute("aria-valuenow") or "0")
            if not seen or value != seen[-1]:
                seen.append(value)
                if len(seen) == 2:
                    self.shot(self.page, "progress")
            if value >= 100.0:
                return seen
            time.sleep(PROGRESS_POLL_S)
        raise AssertionError(f"the render did not finish in {timeout_s} s; saw {seen}")

    def film_rows(self) -> list[str]:
        """The titles listed under My films."""
        return self.column("Your films", 0)

    def column(self, table: str, index: int) -> list[str]:
        """One column's cells of a table (a Gradio grid) found by its label."""
        cells = self.page.get_by_label(table).locator(f'[role="gridcell"][data-col="{index}"]')
        return [text.strip() for text in cells.all_inner_texts()]
