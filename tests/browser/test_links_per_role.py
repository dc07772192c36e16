"""No page offers a link its viewer cannot follow: for each demo role, every link shown on every
page it can reach answers below 400.

Each role logs in through the real form in Chromium, then the crawl goes breadth-first from
where it landed, over every same-origin link in the header, nav, main and footer of each page
(not /admin/, /api/, /static/, /i18n/ nor logging out; actions behind a POST form are buttons,
not links, so they are not followed). Every distinct link is fetched once with the browser
context's request API, which carries the session cookie and follows redirects, and the links of
every HTML page are read from what it answered (the pages are rendered on the server and work
without JavaScript, so the HTML holds every link). Reading every page, not one per shape as
``test_pages`` does for its audits, costs nothing more than the fetch each link needs anyway,
and finds the links that differ from one page of a shape to the next (each action of the
catalogue links to its own theme of the diagnostic)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page

from capnr.core.demo_clock import year

from .conftest import DESKTOP, LOCALE, ORGANISATION
from .test_pages import EXCLUDED_PREFIXES, Target, _audit, _same_origin_path

pytestmark = pytest.mark.browser

# (role, organisation slug) as keyed by the demo_accounts fixture; '' for the facilitator.
ROLES = [
    ("referent", ORGANISATION),
    ("contributor", ORGANISATION),
    ("reader", ORGANISATION),
    ("facilitator", ""),
    # An organisation that has not started (no inventory, no diagnostic): its empty states
    # invite to begin, which a reader may not do.
    ("reader", "ateliers-du-lien"),
]
# The page regions whose links count, as in test_pages.LINK_SELECTOR.
REGIONS = {"header", "nav", "main", "footer"}
# Below this many links, the crawl itself is broken (a log-in that failed, a parser that finds
# nothing), not the site.
MIN_LINKS = 20


class _Links(HTMLParser):
    """The href of every <a> inside a header, nav, main or footer element."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in REGIONS:
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in REGIONS and self.depth:
            self.depth -= 1


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.hrefs


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


def crawl(request: APIRequestContext, base_url: str, start: str) -> Crawl:
    found = Crawl()
    queue = [start]
    seen = {start}
    read: set[str] = set()  # pages whose links were read, by where they landed
    while queue:
        path = queue.pop(0)
        response = request.get(base_url + path)
        found.statuses[path] = response.status
        landed = _same_origin_path(base_url, response.url) or path
        html = "text/html" in response.headers.get("content-type", "")
        if response.status >= 400 or not html or landed in read:
            continue
        read.add(landed)
        found.pages_read += 1
        for href in links_of(response.text()):
            link = _same_origin_path(base_url, urljoin(base_url + landed, href))
            if link is None or link in seen or not _followed(link):
                continue
            seen.add(link)
            found.shown_on[link] = landed
            queue.append(link)
    return found


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
        found = crawl(context.request, live_server.url, landing)
    finally:
        context.close()
    print(
        f"\n{role} {organisation or '(coalition)'}: {len(found.statuses)} links checked, "
        f"{found.pages_read} pages read, in {time.monotonic() - started:.0f} s"
    )
    assert len(found.statuses) >= MIN_LINKS, (
        f"the crawl from {landing} found only {len(found.statuses)} links: is it broken?"
    )
    broken = found.broken
    assert not broken, (
        f"{len(broken)} link(s) shown to the {role} cannot be followed:\n"
        + "\n".join(f"- {line}" for line in broken)
    )


def test_a_readers_theme_page_is_accessible_responsive_and_light(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    axe_source: str,
    artifacts_dir: Path,
) -> None:
    """The read-only theme page (answers as text, no field) is only shown to readers and
    contributors, whom test_pages's crawl as the référent never is: audited here the same way
    (axe-core at 1280 and 320 px, no horizontal scroll, weight and request budgets)."""
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("reader", ORGANISATION)])
        storage_state = context.storage_state()
    finally:
        context.close()
    target = Target(f"/o/{ORGANISATION}/diagnostic/{year(2025)}/theme/hosting/", logged_in=True)
    report = _audit(browser, live_server.url, target, storage_state)
    assert not report.problems, "\n".join(report.problems)
