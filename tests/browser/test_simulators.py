"""Simulators in a real browser (issue 12, item 7): the night-shutdown simulator shows its five
fields first and the rest under "Advanced settings", which opens and keeps its values without
JavaScript; the server-room simulator of the demo agency (setpoint already raised, says its
diagnostic) says what that saves each year, accessible and without sideways scrolling at 1280
and 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from .conftest import AXE_JS, DESKTOP, LOCALE, ORGANISATION, SCREENSHOTS
from .test_pages import AXE_OPTIONS, AXE_RUN

pytestmark = pytest.mark.browser

SIMULATE = f"/o/{ORGANISATION}/actions/simulate/"
PHONE = {"width": 360, "height": 740}


def test_advanced_settings_open_and_keep_their_values_without_javascript(
    browser: Browser, live_server, demo_accounts, log_in
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{live_server.url}{SIMULATE}auto_shutdown/?action=use.auto_shutdown")
        form = page.locator("form[data-simulator]")
        shown = form.locator("input[type=text]:visible, select:visible")
        names = [shown.nth(i).get_attribute("name") for i in range(shown.count())]
        assert names == ["desktops", "laptops", "monitors", "share_left_on", "daily_hours"]
        advanced = page.locator("details.sim-advanced")
        assert advanced.get_attribute("open") is None
        assert not page.locator("#in-desktop_power_on_w").is_visible()
        advanced.locator("summary").click()
        page.fill("#in-desktop_power_on_w", "80")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("details.sim-advanced[open]").count() == 1
        assert page.input_value("#in-desktop_power_on_w") == "80"
        assert "desktop_power_on_w=80" in page.url
        assert page.locator("#sim-results .sim-figures").count() == 1
    finally:
        context.close()


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_the_raised_setpoint_says_what_it_saves_each_year(
    browser: Browser, live_server, demo_accounts, log_in, axe_source, viewport
) -> None:
    context = browser.new_context(viewport=viewport, locale=LOCALE, bypass_csp=True)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{live_server.url}{SIMULATE}setpoint/?action=hosting.raise_setpoint")
        done = page.locator("section.sim-done")
        assert "Déjà fait : voici ce que cela vous fait économiser chaque année" in (
            done.locator("h2").inner_text()
        )
        assert "22 °C avant le changement, 24 °C aujourd'hui" in done.inner_text()
        assert done.locator(".sim-figures").count() == 1
        # The simulation starts from today's 24 °C, towards 27 °C, not on 24 → 24.
        assert page.input_value("#in-current_setpoint_c") == "24"
        assert page.input_value("#in-new_setpoint_c") == "27"
        results = page.locator("#sim-results")
        assert results.locator(".sim-figures").count() == 1
        assert "imprim" not in results.inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"simulator-setpoint-done-{viewport['width']}.png"),
            full_page=True,
        )
        assert not _axe(page)
    finally:
        context.close()
