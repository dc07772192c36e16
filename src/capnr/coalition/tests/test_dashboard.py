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
from capnr.coalition.models import Coalition, Milestone
from capnr.organisations.models import Organisation, Role

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


def test_the_dashboards_queries_grow_by_a_fixed_number_per_organisation(
    client, running, facilitator, make_organisation, join
):
    client.force_login(facilitator)
    with CaptureQueriesContext(connection) as two:
        client.get(dashboard_url(running))
    for number in range(3):
        join(running, make_organisation(f"Extra {number}"), on=running.start_date)
    with CaptureQueriesContext(connection) as five:
        client.get(dashboard_url(running))
    per_organisation = (len(five) - len(two)) / 3
    assert per_organisation == int(per_organisation) and per_organisation <= 25
