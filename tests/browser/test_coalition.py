"""The coalition workspace in a real browser, as the demo's facilitator: the cohort page, a
session page, the attendance and session forms and the notes, each accessible (axe-core) at
1280 and 320 px, without horizontal scrolling, within 100 KB and 15 requests and an EcoIndex of
85 (the same audit as test_pages.py); reached from the facilitator's navigation; the session
form works without JavaScript. Screenshots: test-artifacts/screenshots/in-coalitions-*.png."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from capnr.core.demo_clock import year

from .conftest import DESKTOP, LOCALE
from .test_pages import Target, _audit, _same_origin_path

pytestmark = pytest.mark.browser


def _facilitator_pages(page: Page, base_url: str) -> dict[str, str]:
    """Followed from the navigation, as a facilitator would: My cohorts → the cohort → a
    session, and the forms linked from them."""
    page.click("nav.user-menu a[href='/coalitions/']")
    page.wait_for_load_state("load")
    page.click("main h3 a")  # the first cohort
    cohort = page.url
    upcoming = page.locator("main ul.plain").first.locator("a").first
    upcoming.click()
    session = page.url
    paths = {
        "cohort": cohort,
        "session": session,
        "attendance": page.get_attribute("main a[href$='/attendance/']", "href") or "",
        "edit": page.get_attribute("main a[href$='/edit/']", "href") or "",
    }
    page.goto(cohort)
    paths["new session"] = page.get_attribute("main a[href$='/sessions/new/']", "href") or ""
    paths["notes"] = page.get_attribute("main a[href$='/notes/']", "href") or ""
    return {name: _same_origin_path(base_url, url) or url for name, url in paths.items()}


def test_the_facilitators_pages_are_accessible_narrow_and_light(
    browser: Browser, live_server, demo_accounts, log_in: Callable[[Page, str], None]
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("facilitator", "")])
        paths = _facilitator_pages(page, live_server.url)
        storage_state = context.storage_state()
    finally:
        context.close()
    assert all(path.startswith("/coalitions/") for path in paths.values()), paths
    problems = []
    for path in paths.values():
        report = _audit(browser, live_server.url, Target(path, logged_in=True), storage_state)
        problems += report.problems
    assert not problems, "\n".join(problems)


def test_a_member_reads_the_cohort_and_a_session_at_320_px(
    browser: Browser, live_server, demo_accounts, log_in: Callable[[Page, str], None]
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", "belrive-sur-lanne")])
        page.goto(live_server.url + "/coalitions/")
        page.click("main a[href*='/cohorts/']")
        cohort = _same_origin_path(live_server.url, page.url) or ""
        assert f"Promotion {year(2025)}" in page.inner_text("h1")
        assert page.locator("a[href$='/sessions/new/']").count() == 0  # no facilitator's offer
        page.locator("main ul.plain a").first.click()
        session = _same_origin_path(live_server.url, page.url) or ""
        storage_state = context.storage_state()
    finally:
        context.close()
    problems = []
    for path in (cohort, session):
        report = _audit(browser, live_server.url, Target(path, logged_in=True), storage_state)
        problems += report.problems
    assert not problems, "\n".join(problems)


def test_a_session_is_added_without_javascript(
    browser: Browser, live_server, demo_accounts, log_in: Callable[[Page, str], None]
) -> None:
    from capnr.coalition.models import Session

    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("facilitator", "")])
        page.goto(live_server.url + "/coalitions/")
        page.click("main h3 a")
        page.click("a[href$='/sessions/new/']")
        page.select_option("#id_kind", "webinar")
        page.fill("#id_title", "Webinaire achats responsables")
        page.fill("#id_starts_at", "2031-03-04T14:00")
        page.fill("#id_ends_at", "2031-03-04T15:30")
        page.fill("#id_video_url", "https://visio.example/achats")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "Webinaire achats responsables" in page.inner_text("h1")
    finally:
        context.close()
    session = Session.objects.get(title="Webinaire achats responsables")
    assert session.video_url == "https://visio.example/achats"
    cohort_size = session.cohort.memberships.filter(pending=False).count()
    assert session.expected.count() == cohort_size >= 3  # the whole cohort
