"""A coalition with two facilitators and a 2025 cohort holding Alpha; another coalition with
its own facilitator and Bravo; Alpha's référent, contributor and reader (``world``). For the
milestones: a coalition with a facilitator and a dated cohort holding org_a (``cohort``,
``facilitator``, ``join``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from capnr.coalition.models import Coalition, Cohort, CohortMembership, Session
from capnr.organisations.models import Organisation, Role, User
from capnr.organisations.tenancy import CoalitionAccess


@dataclass
class CohortWorld:
    coalition: Coalition
    cohort: Cohort
    other_coalition: Coalition
    other_cohort: Cohort
    org_a: Organisation
    org_b: Organisation
    facilitator: User
    co_facilitator: User
    other_facilitator: User
    referent: User
    contributor: User
    reader: User
    outsider: User  # Bravo's référent, in the other coalition

    @property
    def access(self) -> CoalitionAccess:
        return CoalitionAccess(self.coalition, True, frozenset())

    def session(self, days: int = 7, **fields: Any) -> Session:
        from capnr.coalition import services

        starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
        values = {
            "kind": "peer_meeting",
            "title": f"Session in {days} days",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "place": "Town hall",
            **fields,
        }
        return services.session_create(
            access=self.access, cohort=self.cohort, user=self.facilitator, fields=values
        )


@pytest.fixture
def world(org_a, org_b, member, make_user) -> CohortWorld:
    coalition = Coalition.objects.create(name="Trois Rivières", slug="trois-rivieres")
    facilitator = make_user(full_name="Fanny Facilitatrice")
    co_facilitator = make_user(full_name="Colin Cofacilitateur")
    coalition.facilitators.add(facilitator, co_facilitator)
    cohort = Cohort.objects.create(
        coalition=coalition,
        name="Promotion 2025",
        year=2025,
        start_date=dt.date(2025, 1, 20),
        end_date=timezone.localdate() + dt.timedelta(days=100),
        description="A year of responsible IT, together.",
    )
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    other = Coalition.objects.create(name="Other coalition", slug="other")
    other_facilitator = make_user(full_name="Otto Other")
    other.facilitators.add(other_facilitator)
    other_cohort = Cohort.objects.create(coalition=other, name="Other 2025", year=2025)
    CohortMembership.objects.create(cohort=other_cohort, organisation=org_b)
    return CohortWorld(
        coalition=coalition,
        cohort=cohort,
        other_coalition=other,
        other_cohort=other_cohort,
        org_a=org_a,
        org_b=org_b,
        facilitator=facilitator,
        co_facilitator=co_facilitator,
        other_facilitator=other_facilitator,
        referent=member(org_a, Role.REFERENT, full_name="Rita Référente"),
        contributor=member(org_a, Role.CONTRIBUTOR),
        reader=member(org_a, Role.READER),
        outsider=member(org_b, Role.REFERENT),
    )


@pytest.fixture
def cohort(db):
    coalition = Coalition.objects.create(name="Coalition des Trois Rivières", slug="trois")
    return Cohort.objects.create(
        coalition=coalition,
        name="Promotion 2025",
        year=2025,
        start_date=dt.date(2025, 1, 20),
        end_date=dt.date(2025, 12, 12),
    )


@pytest.fixture
def facilitator(cohort, make_user):
    user = make_user(full_name="Claire Facilitatrice")
    cohort.coalition.facilitators.add(user)
    return user


@pytest.fixture
def join():
    """``join(cohort, organisation, on=date)``: a membership dated ``on``."""

    def make(cohort, organisation, on=dt.date(2025, 1, 20)):
        membership = CohortMembership.objects.create(cohort=cohort, organisation=organisation)
        CohortMembership.objects.filter(pk=membership.pk).update(joined_at=on)
        membership.refresh_from_db()
        return membership

    return make
