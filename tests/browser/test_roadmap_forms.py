"""The roadmap item's forms on pages of their own (a measurement, an indicator, a journal
entry), linked from the item's page: each passes the same audit as every page (axe-core, no
horizontal scrolling at 320 px, light and short), and the item's page with its charts and tables
stays short (an EcoIndex of at least 85)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import Target, _audit

pytestmark = pytest.mark.browser


def test_the_item_forms_have_light_accessible_pages(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    axe_source: str,
) -> None:
    from capnr.roadmap.models import PlanItem

    item = (
        PlanItem.objects.filter(organisation__slug=ORGANISATION, kpis__isnull=False)
        .distinct()
        .first()
    )
    assert item is not None, "the demo roadmap has an item with indicators"
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        base = f"/o/{ORGANISATION}/roadmap/{item.pk}/"
        page.goto(f"{live_server.url}{base}")
        for link in ("measurements/", "kpis/", "journal/"):
            assert page.locator(f'main a[href="{base}{link}"]').count() == 1, link
        storage_state = context.storage_state()
    finally:
        context.close()
    targets = [
        Target(f"{base}{path}", logged_in=True)
        for path in ("", "measurements/", "kpis/", "journal/")
    ]
    reports = [_audit(browser, live_server.url, target, storage_state) for target in targets]
    problems = [problem for report in reports for problem in report.problems]
    assert not problems, "\n".join(problems)
