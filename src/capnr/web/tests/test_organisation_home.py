"""The organisation's home page: its coalition and cohort, its milestones, and the figures that
matter at a glance, not only counts of sites and members (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.diagnostics.models import Diagnostic
from capnr.organisations.models import Organisation, Role
from capnr.roadmap.models import ItemStatus, PlanItem

pytestmark = pytest.mark.django_db


def _running_cohort(today: dt.date) -> Cohort:
    """A cohort of the Trois Rivières coalition that began 45 days ago."""
    coalition = Coalition.objects.create(name="Coalition des Trois Rivières", slug="trois")
    return Cohort.objects.create(
        coalition=coalition,
        name="Promotion de l'année",
        year=today.year,
        start_date=today - dt.timedelta(days=45),
        end_date=today + dt.timedelta(days=200),
    )


def test_home_shows_the_cohort_its_milestones_and_the_figures(client, org_a, member):
    today = timezone.localdate()
    cohort = _running_cohort(today)
    membership = CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    CohortMembership.objects.filter(pk=membership.pk).update(joined_at=cohort.start_date)
    Organisation.objects.filter(pk=org_a.pk).update(headcount=200)
    Diagnostic.objects.create(organisation=org_a, year=today.year)
    PlanItem.objects.create(
        organisation=org_a, theme="use", title="Extinction", status=ItemStatus.DONE
    )
    PlanItem.objects.create(
        organisation=org_a,
        theme="use",
        title="Durée de vie",
        due_date=today - dt.timedelta(days=2),
    )
    client.force_login(member(org_a, Role.READER))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("web:organisation_home", args=[org_a.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Promotion de l&#x27;année · Coalition des Trois Rivières" in body
    assert "Your milestones" in body and "Profile complete" in body and "overdue since" in body
    assert "no score yet" in body and "0% answered" in body
    assert "t CO₂e a year" in body and "estimate from the headcount" in body
    assert "1 done · 0 in progress · 1 planned" in body and "1 late" in body


def test_home_without_a_cohort_still_gives_the_figures(client, org_a, member):
    client.force_login(member(org_a, Role.REFERENT))
    client.cookies["django_language"] = "en"
    body = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "Your milestones" not in body
    assert "At a glance" in body and "not started" in body and "no item yet" in body


def test_an_invitation_not_yet_accepted_is_not_the_organisations_cohort(client, org_a, member):
    """A facilitator's pending invitation gives the organisation no cohort until its référent
    accepts (and the cohort's dashboard does not list it)."""
    from capnr.organisations.tenancy.cohorts import cohort_accesses

    coalition = Coalition.objects.create(name="Coalition invitante", slug="invitante")
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion invitée", year=2026)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a, pending=True)
    facilitator = member(org_a, Role.READER)
    coalition.facilitators.add(facilitator)
    client.force_login(member(org_a, Role.REFERENT))
    page = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "Promotion invitée" not in page
    assert cohort_accesses(facilitator, cohort) == []


def test_home_gives_the_next_session_the_organisation_is_expected_at(client, org_a, org_b, member):
    from capnr.coalition.models import Session

    now = timezone.now()
    today = timezone.localdate()
    cohort = _running_cohort(today)
    for organisation in (org_a, org_b):
        CohortMembership.objects.create(cohort=cohort, organisation=organisation)

    def session(title: str, days: int, *expected: Organisation) -> Session:
        starts = now + dt.timedelta(days=days)
        made = Session.objects.create(
            cohort=cohort,
            kind="webinar",
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            video_url="https://visio.example/x",
        )
        made.expected.set(expected)
        return made

    session("Held already", -3, org_a)
    session("Only for Bravo", 2, org_b)
    upcoming = session("Suivre ses indicateurs", 9, org_a, org_b)
    session("Later", 30, org_a)
    client.force_login(member(org_a, Role.READER))
    body = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "Prochaine séance :" in body and "Suivre ses indicateurs" in body
    assert reverse("coalition:session", args=[cohort.coalition.slug, upcoming.pk]) in body
    assert "en visio" in body
    assert "Held already" not in body and "Only for Bravo" not in body and "Later" not in body
    # The page it links to opens for the organisation's member.
    link = reverse("coalition:session", args=[cohort.coalition.slug, upcoming.pk])
    assert client.get(link).status_code == 200

    Session.objects.filter(starts_at__gt=now).delete()
    body = client.get(reverse("web:organisation_home", args=[org_a.slug])).content.decode()
    assert "Prochaine séance" not in body
