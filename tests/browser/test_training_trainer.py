"""The session's trainer in a real browser, with the demo road agency's programme: the link
emailed to them opens their session and its attendance without an account, both pages pass the
audit every page passes (axe-core at 1280 and 320 px, ≤ 100 KB, ≤ 15 requests, EcoIndex ≥ 85),
attendance is taken without JavaScript, and the organisers' page that sends the link passes it
too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import Target, _audit

pytestmark = pytest.mark.browser


@pytest.fixture
def trainer(demo_accounts: dict[tuple[str, str], str]) -> dict[str, object]:
    """The demo's session whose attendance was typed in from the sheet, and a fresh trainer
    link to it (its raw token, as the email carries it)."""
    from capnr.organisations.models import Organisation, User
    from capnr.organisations.tenancy import access_for
    from capnr.training import services
    from capnr.training.demo import seed_demo_training
    from capnr.training.models import TrainingSession

    agency = Organisation.objects.get(slug=ORGANISATION)
    seed_demo_training(agency=agency)
    session = (
        TrainingSession.objects.filter(
            offer__organisation=agency, registrations__attendance_source="sheet"
        )
        .distinct()
        .get()
    )
    if not session.trainer_email:
        TrainingSession.objects.filter(pk=session.pk).update(trainer_email="trainer@example.org")
        session.refresh_from_db()
    referent = User.objects.get(email=demo_accounts[("referent", ORGANISATION)])
    access = access_for(referent, agency)
    tokens: list[str] = []
    services.trainer_link_send(
        access=access, session=session, by=referent, build_url=lambda raw: tokens.append(raw) or ""
    )
    return {"session": session, "token": tokens[0]}


def test_the_trainers_pages_are_accessible_light_and_short(
    browser: Browser, live_server, trainer: dict[str, object], axe_source: str
) -> None:
    token = trainer["token"]
    reports = [
        _audit(browser, live_server.url, Target(path, logged_in=False), None)
        for path in (f"/trainer/{token}/", f"/trainer/{token}/attendance/")
    ]
    problems = [problem for report in reports for problem in report.problems]
    assert not problems, "\n".join(problems)


def test_the_trainer_takes_attendance_without_javascript(
    browser: Browser, live_server, trainer: dict[str, object]
) -> None:
    from capnr.training.models import Registration

    session = trainer["session"]
    first = (
        Registration.objects.filter(session=session, status="registered")  # type: ignore[misc]
        .order_by("trainee__name")
        .first()
    )
    assert first is not None
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/trainer/{trainer['token']}/")
        assert page.locator("main table tbody tr").count() >= 1, "the people registered"
        page.click(f"a[href='/trainer/{trainer['token']}/attendance/']")
        page.check("input[name=source][value=room]")
        page.check(f"input[name=r{first.pk}][value=absent]")
        with page.expect_navigation():
            page.click("form.attendance button[type=submit]")
        assert page.url.endswith(f"/trainer/{trainer['token']}/")
    finally:
        context.close()
    first.refresh_from_db()
    assert (first.attended, first.attendance_source) == ("absent", "room")


def test_the_organisers_trainer_link_page_is_accessible_light_and_short(
    browser: Browser,
    live_server,
    trainer: dict[str, object],
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    axe_source: str,
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        storage_state = context.storage_state()
    finally:
        context.close()
    session = trainer["session"].pk  # type: ignore[attr-defined]
    path = f"/o/{ORGANISATION}/training/sessions/{session}/trainer-link/"
    report = _audit(browser, live_server.url, Target(path, logged_in=True), storage_state)
    assert not report.problems, "\n".join(report.problems)
