import json
from io import StringIO

import pytest
from django.core.management import call_command

from capnr.coalition.models import Cohort
from capnr.core.demo_clock import year
from capnr.organisations.models import Membership, Organisation, SiteKind, User


def run(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_every_account_as_json():
    first = json.loads(run("--password", "demo-password-1", "--json"))
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    second = json.loads(run("--password", "demo-password-2", "--json"))
    assert first == second
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert {row["role"] for row in first} == {"referent", "contributor", "reader", "facilitator"}
    assert set(first[0]) == {"email", "role", "organisation", "organisation_slug"}
    assert len(first) == 10
    assert User.objects.get(email=first[1]["email"]).check_password("demo-password-2")


@pytest.mark.django_db
def test_demo_organisations_match_the_story():
    run("--password", "demo-password-1")
    agency = Organisation.objects.get(slug="routes-haut-vallon")
    assert agency.headcount == 600 and agency.workstation_count == 500
    assert agency.sites.count() == 22
    assert agency.sites.filter(kind=SiteKind.SERVER_ROOM).count() == 4
    assert agency.departments.count() == 8
    commune = Organisation.objects.get(slug="belrive-sur-lanne")
    assert 55000 <= commune.population <= 65000
    association = Organisation.objects.get(slug="ateliers-du-lien")
    assert association.headcount == 20 and association.sites.count() == 3
    cohort = Cohort.objects.get(year=year(2025))
    assert cohort.organisations.count() == 8
    assert cohort.coalition.facilitators.count() == 1
    alumni = Cohort.objects.get(year=year(2024))
    # Two alumni of the milestones' story and two whose experience reports the peers' demo shares.
    assert alumni.end_date < cohort.start_date and alumni.organisations.count() == 4


@pytest.mark.django_db
def test_table_output_prints_the_password_and_accounts():
    out = run("--password", "visible-password")
    assert "visible-password" in out and "referent@routes-haut-vallon.example" in out


@pytest.mark.django_db
def test_the_cohort_dashboards_tell_who_leads_and_who_stalls():
    from capnr.coalition.dashboard import DashboardQuery, cohort_dashboard

    run("--password", "demo-password-1")
    facilitator = User.objects.get(email="facilitation@trois-rivieres.example")
    running = cohort_dashboard(
        user=facilitator, cohort=Cohort.objects.get(year=year(2025)), query=DashboardQuery()
    )
    stalled = {row.organisation.slug for row in running.rows if row.stall.stalled}
    leading = {row.organisation.slug for row in running.rows if not row.stall.stalled}
    assert running.total == 8
    assert {"ateliers-du-lien", "mission-locale-trois-rivieres", "lycee-jean-rostand"} <= stalled
    assert {"cc-val-d-orbe", "eaux-sarre-haute"} <= leading
    assert any(row.roadmap.late for row in running.rows)
    assert any(row.roadmap.done and row.roadmap.effect.done.kgco2e for row in running.rows)
    alumni = cohort_dashboard(
        user=facilitator, cohort=Cohort.objects.get(year=year(2024)), query=DashboardQuery()
    )
    assert alumni.closed and alumni.total == 4  # with the two alumni of the peers' demo


@pytest.mark.django_db
def test_a_later_run_keeps_the_first_run_s_calendar(monkeypatch):
    """`make run` seeds at every start: weeks or a year later, the demo's rows keep their days
    (they age as real ones do) and no second running cohort appears."""
    import datetime as dt

    from django.utils import timezone

    from capnr.coalition.models import Session

    run("--password", "demo-password-1")
    before = list(Cohort.objects.order_by("pk").values_list("name", "start_date", "end_date"))
    sessions = list(Session.objects.order_by("pk").values_list("starts_at", flat=True))
    later = timezone.localdate() + dt.timedelta(days=400)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    run("--password", "demo-password-2")
    after = list(Cohort.objects.order_by("pk").values_list("name", "start_date", "end_date"))
    assert after == before
    assert list(Session.objects.order_by("pk").values_list("starts_at", flat=True)) == sessions
