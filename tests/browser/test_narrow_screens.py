"""A phone's screen, 360 × 640 px (issue 12, item 12): the site's menu stays out of the way
until it is opened, works without JavaScript and passes axe-core open too; the roadmap shows
every item's due date and status without scrolling sideways.

Screenshots: test-artifacts/screenshots/narrow-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page

from .conftest import AXE_JS, LOCALE, ORGANISATION, SCREENSHOTS

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 640}
# The header (brand, account links, the organisation's menu) may take a fifth of the screen.
MAX_HEADER_PX = NARROW["height"] // 5
ROADMAP = f"/o/{ORGANISATION}/roadmap/"
HOME = f"/o/{ORGANISATION}/"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}


def _narrow_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    # bypass_csp lets the test inject axe-core (the site's CSP rightly forbids it).
    context = browser.new_context(
        viewport=NARROW, locale=LOCALE, bypass_csp=True, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    context = _narrow_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def narrow_without_javascript(browser: Browser) -> Iterator[Page]:
    context = _narrow_context(browser, javascript=False)
    yield context.new_page()
    context.close()


def _height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not displayed"
    return box["height"]


def _axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        "async (options) => (await axe.run(document, options)).violations.map("
        "(v) => v.id + ': ' + v.help + ' — ' + v.nodes.map((n) => n.target.join(' ')).join('; '))",
        AXE_OPTIONS,
    )
    return list(violations)


def _scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"))


def test_the_menu_takes_a_fifth_of_a_phone_screen_at_most_until_opened(
    narrow: Page, live_server, demo_accounts, log_in
):
    log_in(narrow, demo_accounts[("referent", ORGANISATION)])
    for path in (HOME, ROADMAP):
        narrow.goto(live_server.url + path)
        header = narrow.locator("header.site-header")
        slug = path.strip("/").replace("/", "-")
        narrow.screenshot(path=str(SCREENSHOTS / f"narrow-{slug}-menu-closed.png"))
        assert _height(header) <= MAX_HEADER_PX, (
            f"{path}: the header is {_height(header):.0f} px high on a {NARROW['height']} px "
            f"screen (at most {MAX_HEADER_PX})"
        )
        menu = narrow.get_by_role("navigation", name="Organisation")
        roadmap_link = menu.get_by_role("link", name="Feuille de route", exact=True)
        assert not roadmap_link.is_visible(), f"{path}: the menu's links show before it is opened"

    narrow.get_by_text("Menu", exact=True).click()
    assert roadmap_link.is_visible()
    narrow.screenshot(path=str(SCREENSHOTS / "narrow-roadmap-menu-open.png"), full_page=True)
    assert roadmap_link.get_attribute("aria-current") == "page"
    assert _axe_violations(narrow) == []
    assert not _scrolls_sideways(narrow)


def test_the_menu_opens_and_leads_to_a_page_without_javascript(
    narrow_without_javascript: Page, live_server, demo_accounts, log_in
):
    page = narrow_without_javascript
    log_in(page, demo_accounts[("referent", ORGANISATION)])
    page.goto(live_server.url + HOME)
    page.get_by_text("Menu", exact=True).click()
    menu = page.get_by_role("navigation", name="Organisation")
    with page.expect_navigation():
        menu.get_by_role("link", name="Feuille de route", exact=True).click()
    assert page.url == live_server.url + ROADMAP


def test_the_menu_is_open_on_a_wide_screen(page: Page, live_server, demo_accounts, log_in):
    log_in(page, demo_accounts[("referent", ORGANISATION)])
    page.goto(live_server.url + HOME)
    page.screenshot(path=str(SCREENSHOTS / "wide-home-menu.png"))
    menu = page.get_by_role("navigation", name="Organisation")
    assert menu.get_by_role("link", name="Feuille de route", exact=True).is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert menu.locator(".org-name").is_visible()  # the summary, which named it, is gone


def test_the_roadmap_shows_each_items_due_date_and_status_on_a_phone(
    narrow: Page, live_server, demo_accounts, log_in
):
    log_in(narrow, demo_accounts[("referent", ORGANISATION)])
    for view in ("", "?by=timeline"):
        narrow.goto(live_server.url + ROADMAP + view)
        name = "narrow-roadmap" + ("-timeline" if view else "")
        narrow.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        rows = narrow.locator("main table.items tbody tr:not(.group)")
        assert rows.count() >= 10, rows.count()
        for index in range(rows.count()):
            row = rows.nth(index)
            for cell in ("td.due", "td.status"):
                box = row.locator(cell).bounding_box()
                title = row.locator("th").inner_text()
                assert box is not None, f"{view or 'themes'}: {title!r} has no {cell} shown"
                assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], (
                    f"{view or 'themes'}: the {cell} of {title!r} is out of the screen: {box}"
                )
                assert box["height"] > 0
        assert "/" in rows.first.locator("td.due").inner_text()
        assert rows.first.locator("td.status .badge").first.is_visible()
        assert not _scrolls_sideways(narrow)
        assert _axe_violations(narrow) == []
