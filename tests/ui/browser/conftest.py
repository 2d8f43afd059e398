"""Browser-test fixtures: a studio server on its own database, Chromium, pages, screenshots."""

from __future__ import annotations

import re
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import TEST_SECRET
from tests.support.database import create_test_database, drop_test_database
from tests.ui.browser.server import studio_server
from tests.ui.browser.studio_page import Shots, Studio

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "ui"
VIEWPORT = {"width": 1400, "height": 1000}
ACTION_TIMEOUT_MS = 20_000


@pytest.fixture(scope="package")
def studio_database() -> Iterator[str]:
    """The browser tests' own database (the other tests truncate theirs between tests)."""
    database_url = create_test_database(f"filmstudio_ui_{uuid.uuid4().hex[:10]}")
    try:
        yield database_url
    finally:
        drop_test_database(database_url)


@pytest.fixture(scope="package")
def studio_url(studio_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running studio (API, UI and worker in one uvicorn process) on its own database."""
    workdir = tmp_path_factory.mktemp("studio")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    environment = {
        "ENVIRONMENT": "test",
        "DATABASE_URL": studio_database,
        "DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": TEST_SECRET,
        "BCRYPT_ROUNDS": "4",
        "RATE_LIMIT_REGISTER": "1000/minute",
        "RATE_LIMIT_LOGIN": "1000/minute",
        "EMBEDDED_WORKER": "true",
        "WORKER_HEARTBEAT_S": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    with studio_server(environment, workdir, ARTIFACTS / "server.log") as url:
        yield url


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium (.ci/run does).")
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _folder(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    for old in folder.glob("*.png"):
        old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    """Numbered screenshots of each step under test-artifacts/ui/<test name>/."""
    return Shots(_folder(request))


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, shots: Shots) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page; a screenshot is kept if the test fails."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)  # type: ignore[arg-type]
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shots(tab, "failure")
    context.close()


@pytest.fixture
def studio(page: Page, studio_url: str, shots: Shots) -> Studio:
    """The studio driven through the page."""
    return Studio(page, studio_url, shots)
