"""Peer exchange in a real browser, on the demo: the peer library, a report page, the public
report page and the public coalition page (logged out), the benchmarks, and a catalogue action
with "who already did this". Each is checked as
test_pages checks every page (axe-core at 1280 and 320 px, no horizontal scrolling at 320 px,
≤ 100 KB, ≤ 15 requests, EcoIndex ≥ 85), and for what it must and must not show."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import Target, _audit

pytestmark = pytest.mark.browser

ORG = f"/o/{ORGANISATION}/"


def test_peer_pages_are_accessible_light_and_show_only_what_is_shared(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
) -> None:
    from capnr.peers.models import ExperienceReport

    public = ExperienceReport.objects.get(action_id="awareness.field_staff_training")
    coalition_only = ExperienceReport.objects.get(action_id="use.auto_shutdown")
    withdrawn = ExperienceReport.objects.get(withdrawn_at__isnull=False)
    base_url = live_server.url

    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{base_url}{ORG}peers/")
        library = page.inner_text("main")
        assert public.title in library and coalition_only.title in library
        assert withdrawn.title not in library
        page.goto(f"{base_url}{ORG}actions/catalogue/awareness.field_staff_training/")
        assert "Ville de Vernay" in page.inner_text("#peers ~ ul")
        storage_state = context.storage_state()
    finally:
        context.close()

    targets = [
        Target(f"{ORG}peers/", logged_in=True),
        Target(f"{ORG}peers/?theme=awareness&outcome=done", logged_in=True),
        Target(f"{ORG}peers/reports/{coalition_only.pk}/", logged_in=True),
        Target(f"{ORG}peers/benchmarks/", logged_in=True),
        Target(f"{ORG}actions/catalogue/awareness.field_staff_training/", logged_in=True),
        Target(f"/peers/reports/{public.pk}/", logged_in=False),
        Target("/peers/", logged_in=False),
        Target("/peers/coalitions/trois-rivieres/", logged_in=False),
    ]
    problems = []
    for target in targets:
        report = _audit(browser, base_url, target, storage_state if target.logged_in else None)
        problems += report.problems
    assert not problems, "\n".join(problems)

    anonymous = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = anonymous.new_page()
        assert page.goto(f"{base_url}/peers/reports/{coalition_only.pk}/").status == 404
        page.goto(f"{base_url}/peers/")
        listing = page.inner_text("main")
        assert public.title in listing and coalition_only.title not in listing
        assert withdrawn.title not in listing
    finally:
        anonymous.close()
