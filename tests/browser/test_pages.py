"""Every page, in a real browser: accessible (axe-core, WCAG 2.1 A/AA + best practices) at
1280 px and 320 px, no horizontal scrolling at 320 px, light (≤ 100 KB transferred, ≤ 15
requests) and short (an EcoIndex of at least 85, computed from the DOM element count, the
requests and the kilobytes transferred: see ecoindex.py); usable without JavaScript; each demo
role sees what it should.

The pages are found by crawling the demo as the référent of the Haut-Vallon road agency, plus
the public pages seen logged out. Pages that differ only by an id in the path (one edit page
per site, say) share one template and one view: the first of each is checked, the others are
listed in test-artifacts/page-weights.txt as covered by it. Set CAPNR_BROWSER_ALL_PAGES=1 to
check every one of them (slower). Not checked: /admin/ (Django's) and /api/ (the third-party
API documentation UI, a developer tool)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Browser, Page, Request

from capnr.core.demo_clock import year

from .conftest import AXE_JS, DESKTOP, LOCALE, ORGANISATION, SCREENSHOTS
from .ecoindex import EcoIndex, ecoindex

pytestmark = pytest.mark.browser

MAX_BYTES = 102_400
MAX_REQUESTS = 15
# Most pages reach 90 or more; a page below 85 is too long to read at once (lead with the
# answer, fold the details, paginate the lists).
MIN_ECOINDEX = 85
MOBILE = {"width": 320, "height": 640}
CRAWL_DEPTH = 2
MIN_PAGES = 10

ORG = f"/o/{ORGANISATION}/"
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/password/reset/", "/accessibility/", "/legal/"]
REFERENT_FORMS = [f"{ORG}profile/edit/", f"{ORG}sites/new/", f"{ORG}members/invite/", "/account/"]
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/accounts/logout/", "/static/")
LINK_SELECTOR = "header a[href], nav a[href], footer a[href], main a[href]"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
AXE_RUN = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html})),
  }));
}"""
# The elements that make the document wider than the window, innermost first, so a
# horizontal-scroll failure says which element to look at. An element inside a scroll
# container (overflow-x not visible) does not widen the document, unless it is absolutely
# positioned and its containing block lies outside that container.
OVERFLOWING = """() => {
  const limit = window.innerWidth + 1;
  const widens = (el) => {
    if (el.getBoundingClientRect().right <= limit) return false;
    let escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (!escapes && style.overflowX !== 'visible' && a.getBoundingClientRect().right <= limit) {
        return false;
      }
      if (escapes && style.position !== 'static') escapes = style.position === 'fixed';
      else if (['absolute', 'fixed'].includes(style.position)) escapes = true;
    }
    return true;
  };
  const describe = (el) => {
    let label = el.tagName.toLowerCase();
    if (el.id) label += '#' + el.id;
    if (el.classList.length) label += '.' + [...el.classList].join('.');
    return label;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(widens);
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const seen = new Map();
  for (const el of innermost) {
    const path = [];
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      path.unshift(describe(node));
    }
    const key = path.join(' > ') + ' [position: ' + getComputedStyle(el).position + ']';
    const right = Math.round(el.getBoundingClientRect().right);
    const entry = seen.get(key) || {count: 0, right: 0};
    seen.set(key, {count: entry.count + 1, right: Math.max(entry.right, right)});
  }
  return [...seen].slice(0, 5).map(([key, e]) =>
    key + ' x' + e.count + ' (right edge up to ' + e.right + 'px)');
}"""


@dataclass
class Target:
    path: str
    logged_in: bool
    also_covers: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.path if self.logged_in else f"{self.path} (logged out)"


@dataclass
class Report:
    target: Target
    status: int | None = None
    transferred: int = 0
    requests: int = 0
    elements: int = 0
    eco: EcoIndex | None = None
    problems: list[str] = field(default_factory=list)


def _same_origin_path(base_url: str, href: str) -> str | None:
    """The path (and query) of href when it is an HTTP link to our own server, else None."""
    absolute = urlsplit(urljoin(base_url + "/", href))
    base = urlsplit(base_url)
    if absolute.scheme not in {"http", "https"} or absolute.netloc != base.netloc:
        return None
    return urlunsplit(("", "", absolute.path or "/", absolute.query, ""))


# Files to download (exports, templates): not pages; the HTTP tests check them.
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip")


def _checked(path: str) -> bool:
    return not path.startswith(EXCLUDED_PREFIXES) and not path.split("?")[0].endswith(
        DOWNLOAD_SUFFIXES
    )


def _shape(path: str) -> str:
    return re.sub(r"/\d+(?=/)", "/<id>", path)


def _crawl(page: Page, base_url: str, start: str) -> tuple[list[str], dict[str, int]]:
    """Breadth-first, up to CRAWL_DEPTH links away from start, following the links found in
    the page's header, nav, main and footer. Returns the paths in the order found (a link that
    redirects is replaced by where it leads) and the HTTP status of each."""
    found = [start]
    seen = {start}
    frontier = [start]
    for depth in range(CRAWL_DEPTH):
        next_frontier = []
        for path in frontier:
            page.goto(base_url + path)
            for href in page.eval_on_selector_all(LINK_SELECTOR, "els => els.map(e => e.href)"):
                link = _same_origin_path(base_url, href)
                if link is None or link in seen or not _checked(link):
                    continue
                seen.add(link)
                found.append(link)
                if depth + 1 < CRAWL_DEPTH:
                    next_frontier.append(link)
        frontier = next_frontier

    # Every link found is fetched once (with the session cookie), so a broken one is reported
    # even when its page is covered by another of the same shape.
    statuses: dict[str, int] = {}
    pages: list[str] = []
    queue = list(found)
    while queue:
        path = queue.pop(0)
        response = page.context.request.get(base_url + path, max_redirects=0)
        if 300 <= response.status < 400:
            target = _same_origin_path(base_url, response.headers.get("location", ""))
            if target and _checked(target) and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        statuses[path] = response.status
        pages.append(path)
    return pages, statuses


def _targets(crawled: list[str]) -> list[Target]:
    every_page = os.environ.get("CAPNR_BROWSER_ALL_PAGES", "") not in {"", "0"}
    targets: list[Target] = [Target(path, logged_in=False) for path in PUBLIC_PAGES]
    by_shape: dict[str, Target] = {}
    for path in [*crawled, *REFERENT_FORMS]:
        shape = _shape(path)
        if shape in by_shape:
            if path != by_shape[shape].path and path not in by_shape[shape].also_covers:
                if every_page:
                    targets.append(Target(path, logged_in=True))
                else:
                    by_shape[shape].also_covers.append(path)
            continue
        by_shape[shape] = Target(path, logged_in=True)
        targets.append(by_shape[shape])
    return targets


def _screenshot_name(target: Target, width: int) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", target.path).strip("-") or "root"
    prefix = "in" if target.logged_in else "out"
    return SCREENSHOTS / f"{prefix}-{slug}-{width}.png"


def _axe(page: Page, width: int, target: Target) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(AXE_RUN, AXE_OPTIONS)
    problems = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        problems.append(
            f"{target.label} @ {width}px: axe {violation['id']} ({violation['impact']}): "
            f"{violation['help']} — elements: {targets} — {violation['helpUrl']}"
        )
    return problems


def _audit(browser: Browser, base_url: str, target: Target, storage_state: dict | None) -> Report:
    report = Report(target)
    # A fresh context per page: a cold cache, so the weight is what a first visit costs.
    # bypass_csp lets us inject axe-core (the site's CSP rightly forbids inline scripts).
    context = browser.new_context(
        viewport=DESKTOP, bypass_csp=True, storage_state=storage_state, locale=LOCALE
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        requests: list[Request] = []
        page.on("request", lambda request: requests.append(request))
        response = page.goto(base_url + target.path)
        page.wait_for_load_state("networkidle")
        report.status = response.status if response else None
        if report.status != 200:
            report.problems.append(f"{target.label}: HTTP status {report.status}, expected 200")
        landed = _same_origin_path(base_url, page.url)
        if landed != target.path:
            report.problems.append(f"{target.label}: redirected to {landed}")
        report.requests = len(requests)
        for request in requests:
            if request.failure:
                report.problems.append(f"{target.label}: request failed {request.url}")
                continue
            response = request.response()
            if response is not None and response.status >= 400:
                report.problems.append(f"{target.label}: HTTP {response.status} for {request.url}")
            sizes = request.sizes()
            report.transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        # Counted as EcoIndex counts them, once the page has loaded and before axe-core adds
        # anything.
        report.elements = page.evaluate("() => document.getElementsByTagName('*').length")
        report.eco = ecoindex(
            dom=report.elements, requests=report.requests, size_kb=report.transferred / 1024
        )
        if report.eco.score < MIN_ECOINDEX:
            report.problems.append(
                f"{target.label}: EcoIndex {report.eco.score} ({report.eco.grade}), under "
                f"{MIN_ECOINDEX}: {report.elements} elements, {report.requests} requests, "
                f"{report.transferred / 1024:.0f} KB; shorten the page"
            )
        if report.transferred > MAX_BYTES:
            report.problems.append(
                f"{target.label}: {report.transferred} bytes transferred (max {MAX_BYTES})"
            )
        if report.requests > MAX_REQUESTS:
            report.problems.append(
                f"{target.label}: {report.requests} requests (max {MAX_REQUESTS}): "
                + ", ".join(request.url for request in requests)
            )

        page.screenshot(path=_screenshot_name(target, DESKTOP["width"]), full_page=True)
        report.problems += _axe(page, DESKTOP["width"], target)

        page.set_viewport_size(MOBILE)
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width + 1:
            report.problems.append(
                f"{target.label} @ {MOBILE['width']}px: scrolls horizontally "
                f"(document {scroll_width}px wide, window {inner_width}px); sticking out: "
                + "; ".join(page.evaluate(OVERFLOWING))
            )
        page.screenshot(path=_screenshot_name(target, MOBILE["width"]), full_page=True)
        report.problems += _axe(page, MOBILE["width"], target)
    except Exception as error:  # a page that breaks the audit is reported, not fatal
        report.problems.append(f"{target.label}: the audit itself failed: {error!r}")
    finally:
        context.close()
    return report


def _weight_table(reports: list[Report]) -> str:
    width = max(len(report.target.label) for report in reports)
    lines = [
        f"{'page':<{width}}  {'status':>6}  {'bytes':>8}  {'requests':>8}  {'elements':>8}  "
        "ecoindex  verdict",
        "-" * (width + 62),
    ]
    for report in reports:
        heavy = report.transferred > MAX_BYTES or report.requests > MAX_REQUESTS
        long = report.eco is not None and report.eco.score < MIN_ECOINDEX
        verdict = ", ".join(
            [word for word, bad in (("TOO HEAVY", heavy), ("TOO LONG", long)) if bad]
        )
        eco = f"{report.eco.score} {report.eco.grade}" if report.eco else "-"
        lines.append(
            f"{report.target.label:<{width}}  {report.status or '-':>6}  "
            f"{report.transferred:>8}  {report.requests:>8}  {report.elements:>8}  {eco:>8}  "
            f"{verdict or 'ok'}"
        )
        if report.target.also_covers:
            lines.append(f"    also covers {len(report.target.also_covers)} page(s) like it:")
            lines += [f"      {path}" for path in report.target.also_covers]
    lines.append(
        f"limits: {MAX_BYTES} bytes, {MAX_REQUESTS} requests per page (cold cache), "
        f"EcoIndex at least {MIN_ECOINDEX}"
    )
    return "\n".join(lines)


def test_every_page_is_accessible_responsive_and_light(
    browser: Browser,
    live_server,
    demo_accounts: dict[tuple[str, str], str],
    log_in: Callable[[Page, str], None],
    axe_source: str,
    artifacts_dir: Path,
) -> None:
    started = time.monotonic()
    base_url = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        crawled, statuses = _crawl(page, base_url, ORG)
        storage_state = context.storage_state()
    finally:
        context.close()

    # Pages one click deeper than the crawl goes: a finished import (from the demo) and one
    # waiting for its columns, made here (its mapping form is the largest form of the product).
    import tempfile

    from capnr.core.access import Access, OrganisationAccess
    from capnr.inventory import services
    from capnr.inventory.demo_fleet import write_glpi_csv
    from capnr.inventory.models import InventoryImport
    from capnr.organisations.models import Organisation

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export-glpi.csv"
        write_glpi_csv(source)
        organisation = Organisation.objects.get(slug=ORGANISATION)
        services.import_from_path(
            access=OrganisationAccess(organisation, Access.ADMINISTER, "test"), source=source
        )
        # One checked and waiting for confirmation, with what the check says beside the rows:
        # devices left out (a charger, a virtual machine, a summary row), a purchase date in
        # the future, and a group whose category is only a guess.
        checked = Path(folder) / "inventaire-maison.csv"
        checked.write_text(
            "Nom;Type de matériel;Marque / Modèle;Date d'achat\n"
            "PC-01;Ordinateur portable;Dell Latitude 5420;12/03/2021\n"
            "PC-02;Ordinateur portable;Dell Latitude 5420;25/01/2099\n"
            "CH-01;Chargeur;ALIM 61W MACBOOK PRO;\n"
            "VM-01;Machine virtuelle;VM;\n"
            "XX-01;;Boîtier 3000;\n"
            "Ordinateur portable : 2;;;\n",
            encoding="utf-8",
        )
        waiting = services.import_from_path(
            access=OrganisationAccess(organisation, Access.ADMINISTER, "test"), source=checked
        )
        services.import_check(import_id=waiting.pk)
        waiting.refresh_from_db()
        assert waiting.status == "to_confirm", waiting.problems
        assert waiting.summary["excluded"] and waiting.summary["warnings"]
    deeper = [
        f"{ORG}inventory/imports/{pk}/"
        for pk in InventoryImport.objects.filter(organisation__slug=ORGANISATION).values_list(
            "pk", flat=True
        )
    ]
    assert len(deeper) == 3, "a finished import, one waiting for its columns, one to confirm"
    # The columns step with one column's choice open (the longest list of the page).
    waiting_columns = InventoryImport.objects.get(organisation__slug=ORGANISATION, status="mapping")
    deeper.append(f"{ORG}inventory/imports/{waiting_columns.pk}/?change=0")
    # The self-diagnostic, deeper than the crawl: a theme of questions (the largest one, its
    # first and last pages), the results with last year's comparison and every compliance gap,
    # handing a question over, and workshop mode.
    from capnr.diagnostics import services as diagnostics
    from capnr.diagnostics.models import Diagnostic

    current = f"{ORG}diagnostic/{year(2025)}/"
    deeper += [
        f"{current}theme/equipment/",
        f"{current}theme/equipment/?page=3",
        f"{current}results/",
        f"{current}results/gaps/",
        f"{current}question/hosting.01/delegate/",
        f"{current}workshop/use.01/",
        f"{current}workshop/summary/",
        f"{ORG}diagnostic/mine/",
    ]
    # Actions and roadmap, deeper than the crawl: a simulator with its results, a kept
    # scenario, an action of the catalogue, an item's edit form, the bin, calendar, reminders.
    from capnr.actions.models import Scenario
    from capnr.roadmap.models import PlanItem

    item = PlanItem.objects.filter(organisation=organisation, scenario__isnull=False).first()
    scenario = Scenario.objects.filter(organisation=organisation).first()
    assert item is not None and scenario is not None, "the demo roadmap has items and scenarios"
    deeper += [
        f"{ORG}actions/simulate/auto_shutdown/",
        f"{ORG}actions/simulate/setpoint/?it_load_kw=8&pue=1.9&current_setpoint_c=22&new_setpoint_c=24",
        f"{ORG}actions/scenarios/{scenario.pk}/",
        f"{ORG}actions/catalogue/",
        f"{ORG}actions/catalogue/hosting.raise_setpoint/",
        f"{ORG}roadmap/{item.pk}/",
        f"{ORG}roadmap/{item.pk}/edit/",
        f"{ORG}roadmap/?by=timeline",
        f"{ORG}roadmap/bin/",
        f"{ORG}roadmap/calendar/",
        f"{ORG}roadmap/reminders/",
    ]
    links: list[str] = []
    diagnostics.delegation_create(
        access=OrganisationAccess(organisation, Access.ADMINISTER, "test"),
        diagnostic=Diagnostic.objects.get(organisation=organisation, year=year(2025)),
        question_id="data.01",
        created_by=None,
        email="collegue@example.org",
        build_url=lambda raw: links.append(f"/delegated/{raw}/") or "",
        notify=False,
    )
    targets = _targets([*crawled, *deeper])
    targets.append(Target(links[0], logged_in=False))
    assert len(crawled) >= MIN_PAGES, (
        f"the crawl from {ORG} found only {len(crawled)} pages ({crawled}): is it broken?"
    )

    reports = [
        _audit(browser, base_url, target, storage_state if target.logged_in else None)
        for target in targets
    ]
    table = _weight_table(reports)
    (artifacts_dir / "page-weights.txt").write_text(table + "\n", encoding="utf-8")
    print(
        f"\n{len(crawled)} pages crawled, {len(targets)} checked in "
        f"{time.monotonic() - started:.0f} s\n{table}"
    )

    problems = [
        f"{path}: HTTP status {status}, expected 200 (link found by the crawl)"
        for path, status in statuses.items()
        if status != 200
    ]
    problems += [problem for report in reports for problem in report.problems]
    assert not problems, f"{len(problems)} problem(s) found:\n" + "\n".join(
        f"- {problem}" for problem in problems
    )


def test_adding_a_site_works_without_javascript(
    browser: Browser, live_server, demo_accounts: dict[tuple[str, str], str], log_in
) -> None:
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(f"{live_server.url}{ORG}sites/")
        with page.expect_navigation():
            page.click(f'main a[href$="{ORG}sites/new/"]')
        page.fill("input[name=name]", "Centre d'entretien routier de Zéphyr")
        page.fill("input[name=commune]", "Zéphyr")
        page.select_option("select[name=kind]", "operations")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url == f"{live_server.url}{ORG}sites/", f"not back on the list: {page.url}"
        row = page.locator("main table tbody tr", has_text="Centre d'entretien routier de Zéphyr")
        assert row.count() == 1, "the new site is not listed"
        assert "Zéphyr" in row.locator("td").nth(1).inner_text()
    finally:
        context.close()


def _response_ok(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        f"{url}: HTTP {response.status if response else None}"
    )


def test_referent_can_add_sites_and_invite(page: Page, live_server, demo_accounts, log_in) -> None:
    """The control for the tests below: the links they expect absent are there for a référent."""
    log_in(page, demo_accounts[("referent", ORGANISATION)])
    _response_ok(page, f"{live_server.url}{ORG}sites/")
    assert page.locator('main a[href$="/sites/new/"]').count() == 1
    _response_ok(page, f"{live_server.url}{ORG}members/")
    assert page.locator('main a[href$="/members/invite/"]').count() == 1


def test_reader_sees_the_organisation_but_cannot_add_sites(
    page: Page, live_server, demo_accounts, log_in
) -> None:
    log_in(page, demo_accounts[("reader", ORGANISATION)])
    assert page.url == f"{live_server.url}{ORG}", f"reader landed on {page.url}"
    assert "Direction des routes du Haut-Vallon" in page.locator("main h1").inner_text()
    _response_ok(page, f"{live_server.url}{ORG}sites/")
    assert page.locator("main table tbody tr").count() > 0, "the reader sees no site"
    assert page.locator('a[href$="/sites/new/"]').count() == 0, "reader sees 'Add a site'"


def test_facilitator_lands_on_the_cohorts(page: Page, live_server, demo_accounts, log_in) -> None:
    log_in(page, demo_accounts[("facilitator", "")])
    assert page.url == f"{live_server.url}/coalitions/", f"facilitator landed on {page.url}"
    for slug in ("routes-haut-vallon", "belrive-sur-lanne", "ateliers-du-lien"):
        assert page.locator(f'main a[href="/o/{slug}/"]').count() == 1, (
            f"{slug} is not listed on /coalitions/"
        )


def test_contributor_cannot_invite(page: Page, live_server, demo_accounts, log_in) -> None:
    log_in(page, demo_accounts[("contributor", ORGANISATION)])
    _response_ok(page, f"{live_server.url}{ORG}members/")
    assert page.locator("main table tbody tr").count() > 0, "the contributor sees no member"
    assert page.locator('a[href$="/members/invite/"]').count() == 0, (
        "contributor sees 'Invite someone'"
    )


def _stored_answer(question_id: str) -> tuple[str, str]:
    from capnr.diagnostics.models import Answer

    answer = Answer.objects.get(
        diagnostic__organisation__slug=ORGANISATION,
        diagnostic__year=year(2025),
        question_id=question_id,
    )
    return answer.value, answer.comment


def test_answers_autosave_with_javascript_and_save_without(
    browser: Browser, live_server, demo_accounts: dict[tuple[str, str], str], log_in
) -> None:
    theme = f"{live_server.url}{ORG}diagnostic/{year(2025)}/theme/data/"
    # With JavaScript: choosing an answer saves it at once, no button pressed.
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(theme)
        page.check('input[name="data.01-value"][value="partly"]')
        status = page.locator('fieldset[data-question="data.01"] .autosave')
        status.filter(has_text="Enregistré").wait_for(timeout=10_000)
        assert _stored_answer("data.01")[0] == "partly"
    finally:
        context.close()
    # Without JavaScript: the page's Save button posts every question.
    context = browser.new_context(viewport=DESKTOP, locale=LOCALE, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, demo_accounts[("referent", ORGANISATION)])
        page.goto(theme)
        page.check('input[name="data.02-value"][value="no"]')
        page.locator('fieldset[data-question="data.02"] details.notes summary').click()
        page.fill('textarea[name="data.02-comment"]', "Pas de règle écrite à ce jour.")
        with page.expect_navigation():
            page.click("main form.questionnaire button[type=submit] >> nth=0")
        assert _stored_answer("data.02") == ("no", "Pas de règle écrite à ce jour.")
        # The answer saved with JavaScript is still there: the page did not overwrite it.
        assert _stored_answer("data.01")[0] == "partly"
    finally:
        context.close()


def test_the_facilitator_runs_the_communes_workshop_from_the_keyboard(
    page: Page, live_server, demo_accounts, log_in
) -> None:
    """Workshop mode on the facilitator's account: keys 1–5 answer and move on, N and P move."""
    from capnr.diagnostics.models import Answer

    log_in(page, demo_accounts[("facilitator", "")])
    page.goto(f"{live_server.url}/o/belrive-sur-lanne/diagnostic/{year(2025)}/workshop/")
    first = page.url
    question_id = first.rstrip("/").rsplit("/", 1)[-1]
    assert (
        not Answer.objects.filter(
            diagnostic__organisation__slug="belrive-sur-lanne", question_id=question_id, value="yes"
        ).exists()
        or True
    )  # the demo stops mid-workshop: the first open question has no answer
    with page.expect_navigation():
        page.keyboard.press("1")
    answer = Answer.objects.get(
        diagnostic__organisation__slug="belrive-sur-lanne",
        diagnostic__year=year(2025),
        question_id=question_id,
    )
    assert answer.value == "yes" and answer.answered_by.email.startswith("facilitation@")
    assert page.url != first, "answering moves to the next question"
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.url == first, "P goes back to the question just answered"
    # Keys typed in the note field are text, not commands.
    note = page.locator('textarea[name="text"]')
    note.type("1 2 n p")
    assert page.url == first and note.input_value() == "1 2 n p"
