"""An organisation's own position among its peers, in a real browser on the demo: the results
page of its latest submitted diagnostic and its footprint page show its quartile (or why it is
withheld) in each of its groups, and the recommendations show who already did each action. Each
page is checked as test_pages checks every page (axe-core at 1280 and 320 px, no horizontal
scrolling at 320 px, ≤ 100 KB, ≤ 15 requests, EcoIndex ≥ 85)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import Target, _audit

pytestmark = pytest.mark.browser

ORG = f"/o/{ORGANISATION}/"


def test_the_own_position_pages_are_accessible_and_light(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
) -> None:
    from capnr.diagnostics.models import Diagnostic, DiagnosticStatus

    year = (
        Diagnostic.objects.filter(
            organisation__slug=ORGANISATION, status=DiagnosticStatus.SUBMITTED
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    assert year is not None, "the demo organisation has a submitted diagnostic"
    base_url = live_server.url
    results = f"{ORG}diagnostic/{year}/results/"
    footprint = f"{ORG}footprint/"

    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        for path, figure in ((results, "Score de l'autodiagnostic"), (footprint, "par agent")):
            assert page.goto(f"{base_url}{path}").status == 200, path
            section = page.inner_text("main")
            assert "Parmi vos pairs" in section and figure in section, path
            assert "quartile" in section or "Retenu" in section, path
            assert "rang" not in section.split("Parmi vos pairs")[1].split("\n\n")[0]
        page.goto(f"{base_url}{ORG}actions/")
        assert "Qui l'a déjà fait" in page.inner_text("main")
        storage_state = context.storage_state()
    finally:
        context.close()

    targets = [
        Target(results, logged_in=True),
        Target(footprint, logged_in=True),
        Target(f"{ORG}actions/", logged_in=True),
    ]
    problems = []
    for target in targets:
        problems += _audit(browser, base_url, target, storage_state).problems
    assert not problems, "\n".join(problems)
