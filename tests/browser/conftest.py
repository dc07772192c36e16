"""Fixtures for the browser suite: Debian's Chromium driven by Playwright's sync API against
pytest-django's live server, with the demo data seeded.

Nothing here downloads a browser: Chromium comes from Debian (/usr/bin/chromium) and axe-core
from npm (node_modules/axe-core). `make test` installs both; when either is missing, the tests
that need it fail with a message saying so (they are never skipped)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
LOCALE = "fr-FR"  # the interface's default language (and its longer words)
DEMO_PASSWORD = "browser-demo-password-2025"
ORGANISATION = "routes-haut-vallon"


def _require(path: Path, what: str) -> None:
    if not path.exists():
        pytest.fail(
            f"{what} is missing ({path}). Run `make test`: it installs Debian's Chromium and "
            "axe-core (npm ci) before running the browser tests.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE_JS, "axe-core")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright() -> Iterator[None]:
    """The sync Playwright API runs an asyncio event loop in the test thread; Django's ORM (used
    by the fixtures that seed data) refuses to run in such a thread otherwise. Set for the
    browser modules only and undone after them, so the rest of the suite keeps Django's
    protection. (Session fixtures such as the test database are set up before this one.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require(CHROMIUM, "Debian's Chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def demo_accounts(transactional_db: None) -> dict[tuple[str, str], str]:
    """Seeds the demo; returns {(role, organisation slug): email} ('' slug for facilitators)."""
    from capnr.web.demo import seed_demo

    accounts = seed_demo(password=DEMO_PASSWORD)
    return {(account.role, account.organisation_slug): account.email for account in accounts}


@pytest.fixture
def artifacts_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def log_in(live_server) -> Callable[[Page, str], None]:
    """Returns log_in(page, email): logs in through the real login form, then waits until the
    browser has left it (the landing page redirects to the right place for the role)."""

    def _log_in(page: Page, email: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_load_state("load")
        assert "/accounts/login/" not in page.url, f"login as {email} failed: still on {page.url}"

    return _log_in
