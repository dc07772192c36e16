"""The cohort workspace's newer pages in a real browser (issue 14): the dashboard's last and
next sessions (and its filter on those absent from their last session), the cohort's edit page
and its closing confirmation, the personal calendar address page, and the cohort page a member
reaches from the organisation's navigation. Each at 1280 and 320 px with no axe-core violation
and no sideways scrolling, ≤ 100 KB and ≤ 15 requests, an EcoIndex of 85 or more.

Screenshots: test-artifacts/screenshots/cohort-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .conftest import LOCALE, ORGANISATION
from .test_dashboard import FACILITATOR, MOBILE, _check, _cohort_2025, _measure, _session

pytestmark = pytest.mark.browser


def test_the_facilitators_new_pages_are_accessible_light_and_narrow(
    browser: Browser, live_server, demo_accounts, log_in
):
    cohort = _cohort_2025()
    state = _session(browser, log_in, demo_accounts[FACILITATOR])
    slug = cohort.coalition.slug
    for name, path in [
        ("dashboard-missed", f"/coalitions/cohorts/{cohort.pk}/dashboard/?show=missed"),
        ("dashboard-by-session", f"/coalitions/cohorts/{cohort.pk}/dashboard/?sort=sessions"),
        ("edit", f"/coalitions/{slug}/cohorts/{cohort.pk}/edit/"),
        ("close", f"/coalitions/{slug}/cohorts/{cohort.pk}/close/"),
        ("calendar", "/coalitions/calendar/"),
    ]:
        _check(_measure(browser, live_server.url + path, state, name), name)


def test_a_member_reaches_the_cohort_from_the_navigation_and_subscribes_to_its_sessions(
    browser: Browser, live_server, demo_accounts, log_in
):
    state = _session(browser, log_in, demo_accounts[("reader", ORGANISATION)])
    context = browser.new_context(
        viewport=MOBILE, locale=LOCALE, storage_state=state, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/o/{ORGANISATION}/")
        page.locator("details.menu summary").click()
        page.get_by_role("link", name="Promotion", exact=True).click()
        assert "/cohorts/" in page.url
        cohort_url = page.url
        page.get_by_role("link", name="Vos séances dans votre agenda").click()
        page.get_by_role("button", name="Créer l'adresse du calendrier").click()
        address = page.locator("#feed-url").input_value()
        assert address.endswith(".ics")
        feed = context.request.get(address)
        assert feed.status == 200 and "BEGIN:VEVENT" in feed.text()
    finally:
        context.close()
    _check(_measure(browser, cohort_url, state, "member-cohort"), "member-cohort")
