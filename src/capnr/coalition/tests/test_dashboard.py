"""The cohort dashboard through HTTP: who reaches it, what it shows, sorting and filtering from
the query string, the spreadsheet, and the queries it makes."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from capnr.coalition.dashboard import DashboardQuery
from capnr.coalition.models import Attendance, Coalition, Milestone, Session
from capnr.core.access import Access, OrganisationAccess
from capnr.diagnostics.models import Answer, Delegation, Diagnostic
from capnr.inventory import services as inventory_services
from capnr.organisations.models import Organisation, Role, Site
from capnr.roadmap.models import ItemStatus, PlanItem, RoadmapApproval

pytestmark = pytest.mark.django_db
D = dt.date


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def running(cohort, join, org_a, make_organisation):
    """The cohort running today: Alpha active yesterday, a newcomer with nothing done for 40
    days."""
    today = timezone.localdate()
    cohort.start_date, cohort.end_date = today - dt.timedelta(days=40), None
    cohort.save()
    join(cohort, org_a, on=cohort.start_date)
    Organisation.objects.filter(pk=org_a.pk).update(updated_at=moment(today - dt.timedelta(1)))
    quiet = make_organisation("Zeta quiet association", slug="zeta")
    join(cohort, quiet, on=cohort.start_date)
    Organisation.objects.filter(pk=quiet.pk).update(updated_at=moment(cohort.start_date))
    return cohort


def main(response) -> str:
    """The page's main content (the header's organisation switcher lists every name too)."""
    body = response.content.decode()
    return body[body.index("<main") :]


def dashboard_url(cohort, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("cohorts:dashboard", args=[cohort.pk]) + (f"?{query}" if query else "")


def test_the_facilitator_sees_every_organisation_and_who_stalls_in_words(
    client, running, facilitator
):
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    response = client.get(dashboard_url(running))
    body = main(response)
    assert response.status_code == 200
    assert "Alpha secret agency" in body and "Zeta quiet association" in body
    # Stalled first by default, with a word and an icon, not a colour alone.
    assert body.index("Zeta quiet association") < body.index("Alpha secret agency")
    assert "⚠ Stalled" in body and "40 days without activity" in body
    assert "overdue:" in body and "Profile complete" in body


def test_sort_and_filter_come_from_the_query_string(client, running, facilitator):
    client.force_login(facilitator)
    by_name = main(client.get(dashboard_url(running, sort="name", order="asc")))
    assert by_name.index("Alpha secret agency") < by_name.index("Zeta quiet association")
    stalled = main(client.get(dashboard_url(running, show="stalled")))
    assert "Zeta quiet association" in stalled
    # Alpha stalls too (its milestones are overdue after 40 days): filter on track shows none.
    on_track = main(client.get(dashboard_url(running, show="on_track")))
    assert "Zeta quiet association" not in on_track
    # A hand-edited address falls back to the defaults.
    assert client.get(dashboard_url(running, sort="drop", show="x")).status_code == 200


def test_the_query_reads_every_parameter_and_falls_back_to_the_defaults():
    assert DashboardQuery.from_params({}) == DashboardQuery("stalled", False, "all")
    assert DashboardQuery.from_params({"sort": "score"}) == DashboardQuery("score", True, "all")
    query = DashboardQuery.from_params({"sort": "score", "order": "asc", "show": "stalled"})
    assert query == DashboardQuery("score", False, "stalled")
    assert query.params_for("score") == "?sort=score&order=desc&show=stalled"
    assert query.params_for("name") == "?sort=name&order=asc&show=stalled"
    assert DashboardQuery.from_params({"sort": "x", "show": "y"}) == DashboardQuery()


def test_organisations_without_the_sorted_figure_come_last(client, running, facilitator):
    # Zeta's headcount gives a footprint per employee (estimated); Alpha has none.
    Organisation.objects.filter(slug="zeta").update(headcount=20)
    client.force_login(facilitator)
    for order in ("asc", "desc"):
        body = main(client.get(dashboard_url(running, sort="footprint", order=order)))
        assert body.index("Zeta quiet association") < body.index("Alpha secret agency")


@pytest.mark.parametrize("who", ["referent", "other_facilitator", "anonymous"])
def test_only_the_cohorts_facilitators_open_the_dashboard(
    client, running, org_a, member, make_user, who
):
    if who == "referent":
        client.force_login(member(org_a, Role.REFERENT))
    elif who == "other_facilitator":
        other = make_user()
        Coalition.objects.create(name="Autre coalition", slug="autre").facilitators.add(other)
        client.force_login(other)
    for url in (
        dashboard_url(running),
        reverse("cohorts:dashboard_xlsx", args=[running.pk]),
        reverse("cohorts:milestones", args=[running.pk, org_a.slug]),
    ):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == 404, url
            assert "Alpha secret agency" not in response.content.decode()


def test_the_spreadsheet_holds_the_same_rows_and_no_formula(
    client, running, facilitator, make_organisation, join
):
    hostile = make_organisation('=HYPERLINK("http://evil.example","x")', slug="hostile")
    join(running, hostile, on=running.start_date)
    client.force_login(facilitator)
    response = client.get(reverse("cohorts:dashboard_xlsx", args=[running.pk]) + "?sort=name")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == [
        '\'=HYPERLINK("http://evil.example","x")',
        "Alpha secret agency",
        "Zeta quiet association",
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_facilitator_records_the_six_month_review_on_the_milestones_page(
    client, running, facilitator, org_a
):
    client.force_login(facilitator)
    url = reverse("cohorts:milestones", args=[running.pk, org_a.slug])
    day = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        url, {"kind": "six_month_review", "reached_on": day.isoformat(), "note": "Bilan"}
    )
    assert response.status_code == 302
    assert Milestone.objects.get(membership__organisation=org_a).reached_on == day
    refused = client.post(url, {"kind": "closing", "reached_on": "2999-01-01"})
    assert refused.status_code == 400
    assert client.post(url, {"clear": "six_month_review"}).status_code == 302
    assert not Milestone.objects.exists()


def busy_organisation(cohort, join, make_organisation, member, number, session):
    """An organisation with something in every app the dashboard reads: a site, two years of
    diagnostics with answers and a delegation, a footprint, roadmap items and an approval, a
    by-hand milestone, a member's login, and its attendance at a past session."""
    organisation = make_organisation(f"Busy {number}", slug=f"busy-{number}", headcount=50)
    membership = join(cohort, organisation, on=cohort.start_date)
    Site.objects.create(organisation=organisation, name=f"Site {number}")
    referent = member(organisation, Role.REFERENT)
    type(referent).objects.filter(pk=referent.pk).update(last_login=timezone.now())
    for year in (2024, 2025):
        diagnostic = Diagnostic.objects.create(organisation=organisation, year=year)
        Answer.objects.create(diagnostic=diagnostic, question_id="strategy.01", value="yes")
        Answer.objects.create(diagnostic=diagnostic, question_id="strategy.02", value="no")
    Delegation.objects.create(diagnostic=diagnostic, question_id="strategy.03", email="a@b.example")
    access = OrganisationAccess(organisation, Access.ADMINISTER, Role.REFERENT)
    inventory_services.counts_save(access=access, counts={"laptop": 10 + number})
    for status in (ItemStatus.DONE, ItemStatus.PLANNED):
        PlanItem.objects.create(
            organisation=organisation, theme="strategy", title="x", status=status
        )
    RoadmapApproval.objects.create(
        organisation=organisation, approved_on=cohort.start_date, approved_by="Comité"
    )
    Milestone.objects.create(
        membership=membership, kind="six_month_review", reached_on=timezone.localdate()
    )
    session.expected.add(organisation)
    Attendance.objects.create(session=session, organisation=organisation, status="present")
    return organisation


def test_the_dashboards_queries_do_not_grow_with_the_number_of_organisations(
    client, running, facilitator, make_organisation, member, join
):
    """Three busy organisations or eight: the same queries (the page reads every app in bulk);
    the spreadsheet too."""
    session = past_session(running)
    for number in range(3):
        busy_organisation(running, join, make_organisation, member, number, session)
    client.force_login(facilitator)
    xlsx = reverse("cohorts:dashboard_xlsx", args=[running.pk])
    with CaptureQueriesContext(connection) as three:
        assert client.get(dashboard_url(running)).status_code == 200
    with CaptureQueriesContext(connection) as three_xlsx:
        assert client.get(xlsx).status_code == 200
    for number in range(3, 8):
        busy_organisation(running, join, make_organisation, member, number, session)
    with CaptureQueriesContext(connection) as eight:
        body = main(client.get(dashboard_url(running)))
    with CaptureQueriesContext(connection) as eight_xlsx:
        client.get(xlsx)
    assert "Busy 7" in body and "Busy 0" in body
    assert len(eight) == len(three), "\n".join(q["sql"][:160] for q in eight.captured_queries)
    assert len(eight_xlsx) == len(three_xlsx)
    assert len(eight) <= 30


def past_session(cohort, days_ago=3, **fields):
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    values = {
        "kind": "peer_meeting",
        "title": f"Meeting {days_ago} days ago",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        **fields,
    }
    return Session.objects.create(cohort=cohort, **values)


@pytest.fixture
def with_sessions(running, org_a):
    """Alpha came to the meeting 10 days ago and missed the one 3 days ago; Zeta was expected
    at neither; both are expected at the workshop in 5 days."""
    zeta = Organisation.objects.get(slug="zeta")
    came = past_session(running, 10, title="Kick-off meeting")
    missed = past_session(running, 3, title="Peer meeting on printers")
    ahead = past_session(running, -5, title="Roadmap workshop")
    came.expected.add(org_a)
    missed.expected.add(org_a)
    ahead.expected.add(org_a, zeta)
    Attendance.objects.create(session=came, organisation=org_a, status="present")
    Attendance.objects.create(session=missed, organisation=org_a, status="absent")
    past_session(running, 1, title="Webinar nobody was expected at")
    return running


def test_each_row_says_in_words_whether_its_last_session_was_attended_and_the_next_one(
    client, with_sessions, facilitator
):
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    body = main(client.get(dashboard_url(with_sessions, sort="name", order="asc")))
    alpha, zeta = body.index("Alpha secret agency"), body.index("Zeta quiet association")
    alpha_row, zeta_row = body[alpha:zeta], body[zeta:]
    assert "Peer meeting on printers" in alpha_row and "✗ Absent" in alpha_row
    assert "Kick-off meeting" not in alpha_row  # only the latest past one
    assert "Webinar nobody was expected at" not in body
    assert "Next:" in alpha_row and "Roadmap workshop" in alpha_row
    assert "no past session expected" in zeta_row and "Roadmap workshop" in zeta_row
    client.cookies["django_language"] = "fr"
    french = main(client.get(dashboard_url(with_sessions)))
    assert "Absente" in french or "Absent" in french
    assert "aucune séance passée attendue" in french


def test_the_last_session_sorts_and_filters_like_the_other_columns(
    client, with_sessions, facilitator, org_a
):
    client.force_login(facilitator)
    missed = main(client.get(dashboard_url(with_sessions, show="missed")))
    assert "Alpha secret agency" in missed and "Zeta quiet association" not in missed
    Attendance.objects.filter(organisation=org_a, status="absent").update(status="present")
    assert "Alpha secret agency" not in main(
        client.get(dashboard_url(with_sessions, show="missed"))
    )
    # Sorted by attendance: Alpha (present) first either way, Zeta (no past session) last.
    for order in ("asc", "desc"):
        body = main(client.get(dashboard_url(with_sessions, sort="sessions", order=order)))
        assert body.index("Alpha secret agency") < body.index("Zeta quiet association")


def test_the_spreadsheet_gives_the_last_and_next_sessions(client, with_sessions, facilitator):
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    url = reverse("cohorts:dashboard_xlsx", args=[with_sessions.pk]) + "?sort=name&order=asc"
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    alpha = dict(zip(header, rows[1], strict=True))
    zeta = dict(zip(header, rows[2], strict=True))
    assert alpha["Last session expected"] == "Peer meeting on printers"
    assert alpha["Attendance"] == "Absent"
    assert alpha["Next session expected"] == "Roadmap workshop"
    assert zeta["Last session expected"] is None and zeta["Attendance"] is None
    assert zeta["Next session expected"] == "Roadmap workshop"
