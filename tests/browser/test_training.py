"""The training programme in a real browser, with the demo road agency's programme: the
anonymous self-assessment answered on a 360 px phone (large choices, no sideways scrolling,
axe-core clean, sent without an account), and the organisers' pages (a session with its waiting
list, attendance, the results withheld for small groups) under the audit every page passes:
axe-core at 1280 and 320 px, ≤ 100 KB, ≤ 15 requests, an EcoIndex of at least 85."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION, SCREENSHOTS
from .test_pages import Target, _audit, _axe

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
MIN_TAP_PX = 44  # WCAG 2.5.5's target size, for fingers not at ease with screens


@pytest.fixture
def programme(demo_accounts: dict[tuple[str, str], str]) -> dict[str, object]:
    from capnr.organisations.models import Organisation
    from capnr.training.demo import seed_demo_training
    from capnr.training.models import RegistrationStatus, SkillsCampaign, TrainingSession

    agency = Organisation.objects.get(slug=ORGANISATION)
    seed_demo_training(agency=agency)  # once: seed_demo may have made it already
    sessions = TrainingSession.objects.filter(offer__organisation=agency)
    return {
        "open_campaign": SkillsCampaign.objects.get(organisation=agency, closed_at__isnull=True),
        "closed_campaign": SkillsCampaign.objects.get(organisation=agency, closed_at__isnull=False),
        "waiting_session": sessions.filter(registrations__status=RegistrationStatus.WAITING)
        .distinct()
        .get(),
        "held_session": sessions.filter(registrations__attendance_source="sheet").distinct().get(),
    }


def test_the_self_assessment_is_answered_on_a_phone_without_an_account(
    browser: Browser, live_server, programme: dict[str, object], axe_source: str
) -> None:
    from capnr.training.models import SkillsResponse

    campaign = programme["open_campaign"]
    path = f"/skills/{campaign.link_token}/"  # type: ignore[attr-defined]
    context = browser.new_context(viewport=PHONE, locale=LOCALE, bypass_csp=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server.url + path)
        assert page.locator("h1").inner_text() == "Vos compétences numériques"
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width + 1, f"scrolls sideways: {scroll_width}px"
        problems = _axe(page, PHONE["width"], Target(path, logged_in=False))
        assert not problems, "\n".join(problems)
        questions = page.locator("fieldset.question")
        assert 1 <= questions.count() <= 10
        small = [
            box
            for box in (label.bounding_box() for label in page.locator("label.choice").all())
            if box is None or box["height"] < MIN_TAP_PX
        ]
        assert not small, f"{len(small)} choices smaller than {MIN_TAP_PX}px"
        for index in range(questions.count()):
            questions.nth(index).locator("label.choice").nth(index % 3).click()
        page.select_option("select[name=site]", index=1)
        page.screenshot(path=SCREENSHOTS / "phone-skills.png", full_page=True)
        before = SkillsResponse.objects.filter(campaign=campaign).count()
        with page.expect_navigation():
            page.click("form.skills button[type=submit]")
        assert page.url.endswith(f"{path}thanks/")
        assert page.locator("h1").inner_text() == "Merci"
        assert SkillsResponse.objects.filter(campaign=campaign).count() == before + 1
    finally:
        context.close()
    report = _audit(browser, live_server.url, Target(path, logged_in=False), None)
    assert not report.problems, "\n".join(report.problems)


def test_the_organisers_pages_are_accessible_light_and_short(
    browser: Browser,
    live_server,
    programme: dict[str, object],
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    axe_source: str,
) -> None:
    base = f"/o/{ORGANISATION}/training/"
    waiting = programme["waiting_session"].pk  # type: ignore[attr-defined]
    held = programme["held_session"].pk  # type: ignore[attr-defined]
    closed = programme["closed_campaign"].pk  # type: ignore[attr-defined]
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{live_server.url}{base}sessions/{waiting}/")
        assert page.locator("main ol li").count() == 2, "the waiting list shows two people"
        page.goto(f"{live_server.url}{base}self-assessment/{closed}/?by=site")
        assert "moins de 5" in page.locator("main").inner_text()
        storage_state = context.storage_state()
    finally:
        context.close()
    paths = [
        "",
        "sessions/",
        f"sessions/{waiting}/",
        f"sessions/{held}/",
        f"sessions/{held}/attendance/",
        f"sessions/{waiting}/register/",
        "self-assessment/",
        f"self-assessment/{closed}/",
    ]
    reports = [
        _audit(browser, live_server.url, Target(f"{base}{path}", logged_in=True), storage_state)
        for path in paths
    ]
    problems = [problem for report in reports for problem in report.problems]
    assert not problems, "\n".join(problems)
