"""Last year's answers with JavaScript on: the autosave confirms a carried-over answer only when
its box is ticked or it is changed, and the Save button afterwards confirms nothing else (the
road agency's current "data" theme is still all carried over from last year in the demo)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from capnr.core.demo_clock import year

from .conftest import DESKTOP, LOCALE, ORGANISATION

pytestmark = pytest.mark.browser


def _to_confirm() -> set[str]:
    from capnr.diagnostics.models import Answer

    return set(
        Answer.objects.filter(
            diagnostic__organisation__slug=ORGANISATION,
            diagnostic__year=year(2025),
            question_id__startswith="data.",
            to_confirm=True,
        ).values_list("question_id", flat=True)
    )


def test_the_autosave_confirms_only_what_the_user_acted_on(
    browser: Browser, live_server, demo_accounts: dict[tuple[str, str], str], log_in
) -> None:
    carried = _to_confirm()
    assert {"data.01", "data.02", "data.03"} <= carried and len(carried) > 3
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{live_server.url}/o/{ORGANISATION}/diagnostic/{year(2025)}/theme/data/")
        confirm = page.locator('fieldset[data-question="data.03"] .confirm-carried')
        confirm.get_by_text("Confirmer la réponse de l'an dernier").click()
        page.locator('fieldset[data-question="data.03"] .autosave').filter(
            has_text="Enregistré"
        ).wait_for(timeout=10_000)
        assert confirm.count() == 0, "the box goes once the answer is confirmed"
        assert page.locator('fieldset[data-question="data.03"] .carried').count() == 0
        value = page.locator('fieldset[data-question="data.01"] input[type=radio]:not(:checked)')
        value.first.check()
        page.locator('fieldset[data-question="data.01"] .autosave').filter(
            has_text="Enregistré"
        ).wait_for(timeout=10_000)
        assert _to_confirm() == carried - {"data.01", "data.03"}
        with page.expect_navigation():
            page.click("main form.questionnaire button[type=submit] >> nth=0")
        assert _to_confirm() == carried - {"data.01", "data.03"}, "Save confirmed nothing else"
        assert page.locator(".messages").filter(has_text="enregistr").count() == 0
    finally:
        context.close()
