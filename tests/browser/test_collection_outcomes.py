"""The public page telling depositors what became of their devices, in a real browser: the demo
agency's finished challenge publishes it; the page is accessible (axe-core), light (≤ 100 KB,
≤ 15 requests), short (EcoIndex ≥ 85) and fits 320 px, with the same audit as every other page
(test_pages._audit: 1280 and 320 px), and shows no first name of the demo's depositors."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from capnr.core.demo_clock import year

from .conftest import LOCALE
from .test_pages import MIN_ECOINDEX, Target, _audit

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def test_the_outcomes_page_is_light_accessible_and_names_nobody(
    browser: Browser, live_server, demo_accounts
) -> None:
    from capnr.collection.models import Campaign

    campaign = Campaign.objects.get(organisation__slug="routes-haut-vallon")
    assert campaign.outcomes_token, "the demo's finished challenge publishes its outcomes"
    path = f"/results/{campaign.outcomes_token}/"
    report = _audit(browser, live_server.url, Target(path, logged_in=False), None)
    assert not report.problems, "\n".join(report.problems)
    assert report.eco is not None and report.eco.score >= MIN_ECOINDEX

    context = browser.new_context(
        viewport=NARROW, locale=LOCALE, java_script_enabled=False, bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + f"/screen/{campaign.display_token}/")
        # The hall screen links to the page; the page is what a depositor opens.
        page.click(f"a[href$='{path}']")
        assert page.url.endswith(path)
        width, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= inner + 1, f"the outcomes page scrolls sideways at 320 px ({width}px)"
        text = page.locator("main").inner_text()
        assert "Association Le Relais numérique" in text
        secrets = ("Lucie", "Marc", "Inès", "Yann", "Sarah", f"SSI-{year(2025)}-041", "Vente aux")
        for secret in secrets:
            assert secret not in text
    finally:
        context.close()
