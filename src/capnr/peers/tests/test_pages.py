"""Peer exchange pages through the test client: the library and its filters, a report, writing,
withdrawing, the public pages, "who already did this" on the catalogue, and what never leaks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capnr.peers import services
from capnr.peers.models import ExperienceReport, ReportSuggestion, Visibility
from capnr.roadmap.models import JournalEntry, PlanItem

from .conftest import ended_item, share

pytestmark = pytest.mark.django_db


def url(name, *args, slug="alpha"):
    return reverse(f"peers:{name}", args=[slug, *args])


def test_the_library_shows_what_is_shared_with_the_viewer_and_filters_without_javascript(
    client, world, access_of
):
    mate = world["people"]["cohort_mate"]
    mate_access = access_of(mate, world["cohort_mate"])
    share(mate_access, mate, title="Printers pooled", visibility=Visibility.COHORT)
    share(
        mate_access,
        mate,
        title="Training for field agents",
        visibility=Visibility.COALITION,
        action_id="awareness.training_plan",
        tips="Start with the road teams.",
    )
    client.force_login(world["people"]["reader_a"])
    page = client.get(url("library")).content.decode()
    assert "Printers pooled" in page and "Training for field agents" in page
    filtered = client.get(url("library"), {"q": "road teams"}).content.decode()
    assert "Training for field agents" in filtered and "Printers pooled" not in filtered
    by_action = client.get(url("library"), {"action": "awareness.training_plan"}).content.decode()
    assert "Printers pooled" not in by_action
    by_kind = client.get(url("library"), {"kind": "state_service"}).content.decode()
    assert "Printers pooled" not in by_kind and "No report matches these filters." in by_kind
    by_size = client.get(url("library"), {"size": "250_999", "year": "2025", "outcome": "done"})
    assert "Printers pooled" in by_size.content.decode()


def test_the_library_says_when_nothing_is_shared_yet(client, world):
    client.force_login(world["people"]["referent_a"])
    response = client.get(url("library"))
    assert "No report is shared with your organisation yet." in response.content.decode()


def test_the_library_makes_a_fixed_number_of_queries(client, world, access_of):
    mate = world["people"]["cohort_mate"]
    client.force_login(world["people"]["reader_a"])
    share(access_of(mate, world["cohort_mate"]), mate, title="First")
    client.get(url("library"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("library"))
    for number in range(6):
        share(access_of(mate, world["cohort_mate"]), mate, title=f"Report {number}")
    with CaptureQueriesContext(connection) as seven:
        client.get(url("library"))
    assert len(seven) == len(one)


def test_a_report_page_is_found_only_by_those_it_is_shared_with(client, world):
    report = share(world["access_a"], world["people"]["referent_a"], title="Cohort only")
    client.force_login(world["people"]["cohort_mate"])
    assert client.get(url("report", report.pk, slug="cohort-mate")).status_code == 200
    client.force_login(world["people"]["other_cohort"])
    assert client.get(url("report", report.pk, slug="other-cohort")).status_code == 404
    # The report of another organisation, asked for through the viewer's own address.
    assert client.get(url("report", report.pk, slug="alpha")).status_code == 404


def test_the_referent_writes_a_report_from_a_finished_item(client, world):
    item = ended_item(world["access_a"], title="Server room at 26 °C", budget_eur=800)
    client.force_login(world["people"]["referent_a"])
    mine = client.get(url("mine")).content.decode()
    assert url("report_create", item.pk) in mine
    form = client.get(url("report_create", item.pk)).content.decode()
    assert "Server room at 26 °C" in form and 'value="800' in form
    response = client.post(
        url("report_create", item.pk),
        {
            "title": "Server room at 26 °C",
            "visibility": "coalition",
            "what_was_done": "Raised the setpoint.",
            "year": 2025,
            "contact_mode": "facilitator",
        },
    )
    report = ExperienceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("report", report.pk)
    assert (report.item, report.visibility, report.outcome) == (item, "coalition", "done")


def test_a_reader_sees_the_reports_but_not_the_write_links(client, world):
    ended_item(world["access_a"])
    client.force_login(world["people"]["reader_a"])
    page = client.get(url("mine")).content.decode()
    assert "Write a report" not in page
    assert client.post(url("report_create", PlanItem.objects.get().pk)).status_code == 403


def test_withdrawing_asks_first_then_the_report_disappears_from_every_page(
    client, world, access_of
):
    report = share(
        world["access_a"],
        world["people"]["referent_a"],
        title="Gone tomorrow",
        visibility=Visibility.PUBLIC,
    )
    mate = world["people"]["cohort_mate"]
    pages = [
        (mate, url("library", slug="cohort-mate")),
        (mate, url("report", report.pk, slug="cohort-mate")),
        (mate, reverse("actions:action", args=["cohort-mate", report.action_id])),
        (None, reverse("peers_public:library")),
        (None, reverse("peers_public:report", args=[report.pk])),
    ]
    for user, address in pages:
        client.logout()  # which forgets the language cookie too
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        assert "Gone tomorrow" in client.get(address).content.decode(), address

    client.force_login(world["people"]["referent_a"])
    confirm = client.get(url("report_withdraw", report.pk))
    assert "Withdraw “Gone tomorrow”?" in confirm.content.decode()
    assert ExperienceReport.objects.get().withdrawn_at is None  # asking changes nothing
    client.post(url("report_withdraw", report.pk))

    for user, address in pages:
        client.logout()  # which forgets the language cookie too
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        response = client.get(address)
        assert "Gone tomorrow" not in response.content.decode(), address
    # Its organisation still has it, marked withdrawn.
    client.force_login(world["people"]["referent_a"])
    assert "Gone tomorrow" in client.get(url("mine")).content.decode()


def test_the_public_pages_need_no_login_and_show_only_public_reports(client, world):
    public = share(
        world["access_a"],
        world["people"]["referent_a"],
        title="For everyone",
        visibility=Visibility.PUBLIC,
    )
    cohort = share(world["access_a"], world["people"]["referent_a"], title="Between us")
    listing = client.get(reverse("peers_public:library")).content.decode()
    assert "For everyone" in listing and "Between us" not in listing
    assert client.get(reverse("peers_public:report", args=[public.pk])).status_code == 200
    assert client.get(reverse("peers_public:report", args=[cohort.pk])).status_code == 404


SECRETS = {
    "author": "Secret Author Name",
    "author_email": "secret-author@example.org",
    "contact_name": "Secret Contact Name",
    "contact_email": "secret-contact@example.org",
    "item_title": "Secret item title",
    "item_description": "Secret item description",
    "journal": "Secret journal entry",
    "suggestion": "Secret suggestion",
    "cohort_report": "Secret cohort report",
    "withdrawn_report": "Secret withdrawn report",
    "organisation_address": "Secret street",
}


def test_nothing_private_reaches_the_public_pages(client, world, make_user):
    """A secret in every private field: the report's author, a contact who did not opt in, the
    roadmap item it came from and its journal, a suggestion, reports shared with the cohort only
    or withdrawn, the organisation's address. The public pages show none of them."""
    org = world["org_a"]
    org.address = SECRETS["organisation_address"]
    org.save()
    author = make_user(SECRETS["author_email"], full_name=SECRETS["author"])
    report = share(world["access_a"], author, title="Shared title", visibility=Visibility.PUBLIC)
    ExperienceReport.objects.filter(pk=report.pk).update(
        contact_mode="facilitator",
        contact_name=SECRETS["contact_name"],
        contact_email=SECRETS["contact_email"],
    )
    PlanItem.objects.filter(pk=report.item_id).update(
        title=SECRETS["item_title"], description=SECRETS["item_description"]
    )
    JournalEntry.objects.create(
        item=report.item, date=report.item.due_date, text=SECRETS["journal"]
    )
    ReportSuggestion.objects.create(organisation=org, message=SECRETS["suggestion"])
    share(world["access_a"], author, title=SECRETS["cohort_report"])
    withdrawn = share(
        world["access_a"], author, title=SECRETS["withdrawn_report"], visibility=Visibility.PUBLIC
    )
    services.report_withdraw(access=world["access_a"], report=withdrawn)

    for address in (
        reverse("peers_public:library"),
        reverse("peers_public:library") + "?q=Secret",
        reverse("peers_public:report", args=[report.pk]),
    ):
        body = client.get(address).content.decode()
        leaked = [name for name, secret in SECRETS.items() if secret in body]
        assert not leaked, f"{address} shows {leaked}"
    assert (
        "Shared title"
        in client.get(reverse("peers_public:report", args=[report.pk])).content.decode()
    )


def test_a_contact_who_opted_in_is_shown_on_the_public_page(client, world):
    report = share(
        world["access_a"],
        world["people"]["referent_a"],
        visibility=Visibility.PUBLIC,
        contact_mode="person",
        contact_name="Rémi Référent",
        contact_email="remi@example.org",
    )
    body = client.get(reverse("peers_public:report", args=[report.pk])).content.decode()
    assert "Rémi Référent" in body and "mailto:remi@example.org" in body


def test_the_action_page_shows_who_already_did_it(client, world, access_of):
    mate = world["people"]["cohort_mate"]
    share(access_of(mate, world["cohort_mate"]), mate, title="Our lead", visibility="cohort")
    client.force_login(world["people"]["reader_a"])
    page = client.get(reverse("actions:action", args=["alpha", "strategy.appoint_lead"]))
    body = page.content.decode()
    assert "Who already did this" in body and "Cohort mate" in body
    other = client.get(reverse("actions:action", args=["alpha", "strategy.roadmap"]))
    assert "Cohort mate" not in other.content.decode()


def test_the_facilitator_suggests_a_report_and_the_referent_sees_it(client, world):
    client.force_login(world["people"]["facilitator"])
    assert "Suggest a report" in client.get(url("library")).content.decode()
    response = client.post(url("suggest"), {"message": "Your results would help others."})
    assert response.status_code == 302
    client.force_login(world["people"]["referent_a"])
    assert "Your results would help others." in client.get(url("mine")).content.decode()
    assert client.get(url("suggest")).status_code == 403


def test_french_by_default(client, world):
    client.cookies.clear()
    client.force_login(world["people"]["referent_a"])
    body = client.get(url("library")).content.decode()
    assert "Échanges entre pairs" in body and "Peer exchange" not in body


def test_a_roadmap_item_names_its_inspiration_and_the_authors_see_only_a_count(
    client, world, access_of
):
    mate = world["people"]["cohort_mate"]
    theirs = share(
        access_of(mate, world["cohort_mate"]), mate, title="Their training", visibility="coalition"
    )
    ours = ended_item(world["access_a"], title="Our own lead", status="in_progress")
    item_page = reverse("roadmap:item", args=["alpha", ours.pk])
    named = f'Inspired by <a href="{url("report", theirs.pk)}">Their training</a>'
    client.force_login(world["people"]["referent_a"])
    before = client.get(item_page).content.decode()
    assert named not in before and "Cohort mate" in before  # who already did this
    assert 'name="report"' not in before  # the naming form opens on request
    assert 'name="report"' in client.get(item_page + "?inspiration=1").content.decode()
    client.post(url("inspiration", ours.pk), {"report": theirs.pk})
    assert named in client.get(item_page).content.decode()

    client.force_login(mate)
    own = client.get(url("report", theirs.pk, slug="cohort-mate")).content.decode()
    assert "It inspired 1 roadmap item of another organisation." in own
    assert "Our own lead" not in own and "Alpha secret agency" not in own

    # Once withdrawn, it no longer shows on the item it inspired.
    services.report_withdraw(access=access_of(mate, world["cohort_mate"]), report=theirs)
    client.force_login(world["people"]["referent_a"])
    assert "Their training" not in client.get(item_page).content.decode()  # nor in the choices


def test_a_reader_cannot_name_an_inspiration_nor_one_not_shared(client, world, access_of):
    far = world["people"]["far_away"]
    unshared = share(access_of(far, world["far_away"]), far, title="Far", visibility="cohort")
    ours = ended_item(world["access_a"], title="Ours", status="in_progress")
    client.force_login(world["people"]["reader_a"])
    assert client.post(url("inspiration", ours.pk), {"report": unshared.pk}).status_code == 403
    client.force_login(world["people"]["referent_a"])
    assert client.post(url("inspiration", ours.pk), {"report": unshared.pk}).status_code == 404


def test_the_api_gives_shared_reports_without_anything_personal(client, world, make_user):
    author = make_user(SECRETS["author_email"], full_name=SECRETS["author"])
    report = share(world["access_a"], author, title="Shared title", visibility=Visibility.COHORT)
    ExperienceReport.objects.filter(pk=report.pk).update(
        contact_name=SECRETS["contact_name"], contact_email=SECRETS["contact_email"]
    )
    PlanItem.objects.filter(pk=report.item_id).update(
        title=SECRETS["item_title"], description=SECRETS["item_description"]
    )
    withdrawn = share(world["access_a"], author, title=SECRETS["withdrawn_report"])
    services.report_withdraw(access=world["access_a"], report=withdrawn)
    client.force_login(world["people"]["cohort_mate"])
    base = "/api/v1/organisations/cohort-mate/peers/reports"
    for address in (base, f"{base}?action_id={report.action_id}", f"{base}/{report.pk}"):
        response = client.get(address)
        assert response.status_code == 200, address
        body = response.content.decode()
        assert "Shared title" in body
        leaked = [name for name, secret in SECRETS.items() if secret in body]
        assert not leaked, f"{address} shows {leaked}"
    assert client.get(f"{base}/{withdrawn.pk}").status_code == 404
    client.force_login(world["people"]["other_cohort"])
    other = "/api/v1/organisations/other-cohort/peers/reports"
    assert client.get(f"{other}/{report.pk}").status_code == 404
    assert "Shared title" not in client.get(other).content.decode()


def test_the_recommendations_show_who_already_did_each_action_in_one_query(
    client, world, access_of, make_organisation, member, cohort_2025
):
    """A line of links under each recommended action that peers shared a report on, nearest
    first (the viewer, org_a, is a state service of 600 agents); the viewer's own reports are
    not in it; reports on more actions cost no more queries."""
    from capnr.coalition.models import CohortMembership
    from capnr.organisations.models import OrganisationKind, Role

    client.force_login(world["people"]["reader_a"])
    address = reverse("actions:recommendations", args=["alpha"])
    body = client.get(address).content.decode()
    assert 'class="rec-peers"' not in body
    recommended = list(
        dict.fromkeys(re.findall(r'<li class="rec" id="(?:quick|high|regulation)-([^"]+)"', body))
    )
    assert len(recommended) >= 4, "the test needs recommended actions"
    action = recommended[0]
    mate = world["people"]["cohort_mate"]
    share(access_of(mate, world["cohort_mate"]), mate, title="Commune lead", action_id=action)
    near = make_organisation("Near state", kind=OrganisationKind.STATE_SERVICE, headcount=550)
    CohortMembership.objects.create(cohort=cohort_2025, organisation=near)
    near_referent = member(near, Role.REFERENT)
    share(access_of(near_referent, near), near_referent, title="State lead", action_id=action)
    share(world["access_a"], world["people"]["referent_a"], title="Our lead", action_id=action)
    with CaptureQueriesContext(connection) as one_action:
        body = client.get(address).content.decode()
    line = body[body.index('class="rec-peers"') :].split("</p>")[0]
    assert line.index("State lead") < line.index("Commune lead")  # same kind first
    assert "(Near state, Done)" in line and "Our lead" not in line
    for other in recommended[1:4]:
        share(access_of(mate, world["cohort_mate"]), mate, title=f"On {other}", action_id=other)
    with CaptureQueriesContext(connection) as more_actions:
        client.get(address)
    assert len(more_actions) == len(one_action)
