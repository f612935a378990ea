"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told this is intended (the tests do set-up only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LEDGER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        accept_downloads=True,
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot(page):
    """``shot(name)`` saves a screenshot under test-results/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot
