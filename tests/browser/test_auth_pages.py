"""The pages the hardening of issue 13 added, in a real browser (axe-core at 1280 and 320 px, no
horizontal scrolling): the login lock-out, an invitation opened by another account, and a
request for a new invitation sent twice. The crawl of test_pages.py cannot reach them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from .conftest import AXE_JS, DEMO_PASSWORD, ORGANISATION
from .test_pages import AXE_OPTIONS, AXE_RUN, MOBILE, OVERFLOWING

pytestmark = pytest.mark.browser


def audit(page: Page, label: str) -> list[str]:
    problems = []
    for size in ({"width": 1280, "height": 800}, MOBILE):
        page.set_viewport_size(size)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_JS))
        problems += [
            f"{label} @ {size['width']}px: axe {v['id']}: {v['help']}"
            for v in page.evaluate(AXE_RUN, AXE_OPTIONS)
        ]
        wide, window = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if wide > window + 1:
            problems.append(
                f"{label} @ {size['width']}px: scrolls horizontally: "
                + "; ".join(page.evaluate(OVERFLOWING))
            )
    return problems


def test_the_lockout_and_invitation_refusals_are_accessible(
    page: Page, live_server, demo_accounts, settings
) -> None:
    from capnr.core.tokens import hash_token
    from capnr.organisations.models import Invitation, Organisation, Role

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    email = demo_accounts[("referent", ORGANISATION)]
    problems: list[str] = []

    for password in ("wrong-1", "wrong-2", DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        with page.expect_navigation() as navigation:
            page.click("main form button[type=submit]")
    assert navigation.value.status == 429
    problems += audit(page, "locked out")

    settings.AXES_ENABLED = False
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    organisation = Organisation.objects.get(slug=ORGANISATION)
    Invitation.objects.create(
        organisation=organisation,
        email="someone-else@example.org",
        role=Role.READER,
        token_hash=hash_token("browser-link"),
    )
    response = page.goto(f"{live_server.url}/invitations/browser-link/")
    assert response is not None and response.status == 403
    problems += audit(page, "invitation for another address")

    Invitation.objects.filter(token_hash=hash_token("browser-link")).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    for _request in range(2):
        page.goto(f"{live_server.url}/invitations/browser-link/")
        with page.expect_navigation() as navigation:
            page.click("main form button[type=submit]")
    assert navigation.value.status == 429
    problems += audit(page, "new invitation already requested")
    assert not problems, "\n".join(problems)
