"""No page offers a link its viewer cannot follow: for each demo role, every link shown on every
page it can reach answers below 400.

Each role logs in through the real form, then the crawl goes breadth-first from where it
landed, over every same-origin link of the pages' header, nav, main and footer (not /admin/,
/api/, /static/, /i18n/ nor logging out; actions behind a POST form are buttons, not links, so
they are not followed). Every distinct link is fetched once with the browser context's request
API, which carries the session cookie and follows redirects. The links of a page are read in
the browser only for the first page of each shape (pages that differ only by an id in the path
share a template and a view, see ``test_pages._shape``), which keeps the crawl to a couple of
minutes while still fetching every link found."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import EXCLUDED_PREFIXES, LINK_SELECTOR, _same_origin_path, _shape

pytestmark = pytest.mark.browser

# (role, organisation slug) as keyed by the demo_accounts fixture; '' for the facilitator.
ROLES = [
    ("referent", ORGANISATION),
    ("contributor", ORGANISATION),
    ("reader", ORGANISATION),
    ("facilitator", ""),
    ("reader", "belrive-sur-lanne"),
]
# Below this many links, the crawl itself is broken (a log-in that failed, a selector that
# matches nothing), not the site.
MIN_LINKS = 20


@dataclass
class Crawl:
    """What one role's crawl found: each link's status and the page that showed it first."""

    statuses: dict[str, int] = field(default_factory=dict)
    shown_on: dict[str, str] = field(default_factory=dict)
    pages_read: int = 0

    @property
    def broken(self) -> list[str]:
        return [
            f"{path} → HTTP {status} (linked from {self.shown_on.get(path, 'the landing')})"
            for path, status in self.statuses.items()
            if status >= 400
        ]


def _followed(path: str) -> bool:
    return not path.startswith(EXCLUDED_PREFIXES)


def _crawl(page: Page, base_url: str, start: str) -> Crawl:
    crawl = Crawl()
    queue = [start]
    seen = {start}
    read_shapes: set[str] = set()
    while queue:
        path = queue.pop(0)
        response = page.context.request.get(base_url + path)
        crawl.statuses[path] = response.status
        landed = _same_origin_path(base_url, response.url) or path
        html = "text/html" in response.headers.get("content-type", "")
        if response.status >= 400 or not html or _shape(landed) in read_shapes:
            continue
        read_shapes.add(_shape(landed))
        page.goto(base_url + landed)
        crawl.pages_read += 1
        for href in page.eval_on_selector_all(LINK_SELECTOR, "els => els.map(e => e.href)"):
            link = _same_origin_path(base_url, href)
            if link is None or link in seen or not _followed(link):
                continue
            seen.add(link)
            crawl.shown_on[link] = landed
            queue.append(link)
    return crawl


@pytest.mark.parametrize(("role", "organisation"), ROLES)
def test_every_link_shown_to_a_role_can_be_followed(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    role: str,
    organisation: str,
) -> None:
    started = time.monotonic()
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[(role, organisation)])
        landing = _same_origin_path(live_server.url, page.url) or "/"
        crawl = _crawl(page, live_server.url, landing)
    finally:
        context.close()
    print(
        f"\n{role} {organisation or '(coalition)'}: {len(crawl.statuses)} links checked, "
        f"{crawl.pages_read} pages read, in {time.monotonic() - started:.0f} s"
    )
    assert len(crawl.statuses) >= MIN_LINKS, (
        f"the crawl from {landing} found only {len(crawl.statuses)} links: is it broken?"
    )
    broken = crawl.broken
    assert not broken, (
        f"{len(broken)} link(s) shown to the {role} cannot be followed:\n"
        + "\n".join(f"- {line}" for line in broken)
    )
