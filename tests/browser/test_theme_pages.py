"""A theme's questions a few a page, without JavaScript: the button that opens the theme's next
questions saves the page first, and the next page's button comes back (issue 12, item 11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from capnr.core.demo_clock import year

from .conftest import DESKTOP, LOCALE, ORGANISATION

pytestmark = pytest.mark.browser


def test_moving_between_a_themes_pages_saves_each_page_without_javascript(
    browser: Browser, live_server, demo_accounts: dict[tuple[str, str], str], log_in
) -> None:
    from capnr.diagnostics.models import Answer

    theme = f"{live_server.url}/o/{ORGANISATION}/diagnostic/{year(2025)}/theme/data/"
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(theme)
        first_page = page.locator("fieldset.question").evaluate_all(
            "els => els.map(e => e.dataset.question)"
        )
        assert "data.01" in first_page and len(first_page) < 9, first_page
        other = page.locator('input[name="data.01-value"]:not(:checked)').first
        chosen = other.get_attribute("value")
        other.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer et voir les questions").click()
        assert page.url == theme + "?page=2"
        answer = Answer.objects.get(
            diagnostic__organisation__slug=ORGANISATION,
            diagnostic__year=year(2025),
            question_id="data.01",
        )
        assert (answer.value, answer.to_confirm) == (chosen, False)
        second_page = page.locator("fieldset.question").evaluate_all(
            "els => els.map(e => e.dataset.question)"
        )
        assert second_page and not set(second_page) & set(first_page)
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer et revenir aux questions").click()
        assert page.url == theme
    finally:
        context.close()
