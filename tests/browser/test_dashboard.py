"""The cohort dashboard, an organisation's milestones and the organisation's home page in a real
browser (issue 14): at 1280 and 320 px with no axe-core violation and no sideways scrolling at
320 px, ≤ 100 KB and ≤ 15 requests, an EcoIndex of 85 or more; sorting and filtering work
without JavaScript, and stalled organisations say so in words.

Screenshots: test-artifacts/screenshots/cohort-*.png."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Request

from .conftest import AXE_JS, DESKTOP, LOCALE, ORGANISATION, SCREENSHOTS
from .ecoindex import ecoindex

pytestmark = pytest.mark.browser

MOBILE = {"width": 320, "height": 640}
MAX_BYTES = 102_400
MAX_REQUESTS = 15
MIN_ECOINDEX = 85
FACILITATOR = ("facilitator", "")
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
AXE_RUN = """async (options) => (await axe.run(document, options)).violations.map(
  (v) => v.id + ': ' + v.help + ' — ' + v.nodes.map((n) => n.target.join(' ')).join('; '))"""

# The innermost elements whose right edge passes the window's, when the page scrolls sideways.
WIDENING = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth + 1) return [];
  const wide = [...document.body.querySelectorAll('*')].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1);
  return wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)))
    .slice(0, 5).map((e) => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40));
}"""


@dataclass
class Measure:
    requests: int
    transferred: int
    elements: int
    score: int
    problems: list[str]


def _axe(page: Page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return list(page.evaluate(AXE_RUN, AXE_OPTIONS))


def _measure(browser: Browser, url: str, storage_state: dict, name: str) -> Measure:
    """A first visit in a fresh context: weight, requests, EcoIndex; then axe-core at 1280 and
    320 px, and whether the page scrolls sideways at 320 px."""
    context = browser.new_context(
        viewport=DESKTOP, bypass_csp=True, storage_state=storage_state, locale=LOCALE
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        requests: list[Request] = []
        page.on("request", lambda request: requests.append(request))
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        problems = [] if response and response.status == 200 else [f"HTTP {response}"]
        transferred = 0
        for request in requests:
            sizes = request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        elements = page.evaluate("() => document.getElementsByTagName('*').length")
        score = ecoindex(dom=elements, requests=len(requests), size_kb=transferred / 1024).score
        page.screenshot(path=SCREENSHOTS / f"cohort-{name}-1280.png", full_page=True)
        problems += [f"1280 px: {violation}" for violation in _axe(page)]
        page.set_viewport_size(MOBILE)
        wide = page.evaluate(WIDENING)
        if wide:
            problems.append(f"320 px: the page scrolls sideways, widened by {wide}")
        page.screenshot(path=SCREENSHOTS / f"cohort-{name}-320.png", full_page=True)
        problems += [f"320 px: {violation}" for violation in _axe(page)]
        return Measure(len(requests), transferred, elements, score, problems)
    finally:
        context.close()


def _session(browser: Browser, log_in, email: str) -> dict:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    page = context.new_page()
    log_in(page, email)
    state = context.storage_state()
    context.close()
    return state


def _cohort_2025():
    from capnr.coalition.models import Cohort
    from capnr.core.demo_clock import year

    return Cohort.objects.get(year=year(2025))


def _check(measure: Measure, label: str) -> None:
    assert not measure.problems, f"{label}: " + "\n".join(measure.problems)
    assert measure.transferred <= MAX_BYTES, f"{label}: {measure.transferred} bytes"
    assert measure.requests <= MAX_REQUESTS, f"{label}: {measure.requests} requests"
    assert measure.score >= MIN_ECOINDEX, (
        f"{label}: EcoIndex {measure.score} ({measure.elements} elements, "
        f"{measure.transferred / 1024:.0f} KB)"
    )


def test_the_dashboard_and_milestones_pages_are_accessible_light_and_narrow(
    browser: Browser, live_server, demo_accounts, log_in
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cohort = _cohort_2025()
    state = _session(browser, log_in, demo_accounts[FACILITATOR])
    base = f"{live_server.url}/coalitions/cohorts/{cohort.pk}"
    for name, path in [
        ("dashboard", "/dashboard/"),
        ("dashboard-by-score", "/dashboard/?sort=score&order=desc&show=all"),
        ("milestones", f"/o/{ORGANISATION}/milestones/"),
    ]:
        _check(_measure(browser, base + path, state, name), name)


def test_the_organisation_home_is_accessible_light_and_narrow(
    browser: Browser, live_server, demo_accounts, log_in
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    state = _session(browser, log_in, demo_accounts[("referent", ORGANISATION)])
    _check(_measure(browser, f"{live_server.url}/o/{ORGANISATION}/", state, "home"), "home")
    facilitator = _session(browser, log_in, demo_accounts[FACILITATOR])
    for slug in ("belrive-sur-lanne", "cc-val-d-orbe"):
        _check(_measure(browser, f"{live_server.url}/o/{slug}/", facilitator, slug), slug)


def test_the_dashboard_sorts_filters_and_names_stalls_without_javascript(
    browser: Browser, live_server, demo_accounts, log_in
):
    cohort = _cohort_2025()
    state = _session(browser, log_in, demo_accounts[FACILITATOR])
    context = browser.new_context(
        viewport=MOBILE, locale=LOCALE, storage_state=state, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/coalitions/cohorts/{cohort.pk}/dashboard/")
        rows = page.locator("table.dashboard tbody tr")
        assert rows.count() == 8
        stalled = page.locator("table.dashboard tbody tr.is-stalled")
        assert stalled.count() >= 2
        assert "À l'arrêt" in stalled.first.inner_text()
        page.get_by_role("link", name="Seulement celles en bonne voie", exact=True).click()
        assert "show=on_track" in page.url
        assert 1 <= rows.count() < 8
        assert page.locator("table.dashboard tbody tr.is-stalled").count() == 0
        page.get_by_role("link", name="Nom", exact=True).click()
        names = page.locator("table.dashboard tbody th[scope=row] > a").all_inner_texts()
        assert names == sorted(names, key=str.casefold)
    finally:
        context.close()
