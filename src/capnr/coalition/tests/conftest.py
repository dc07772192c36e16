"""A coalition with a facilitator and a cohort holding org_a (the conftest's "Alpha" agency)."""

from __future__ import annotations

import datetime as dt

import pytest

from capnr.coalition.models import Coalition, Cohort, CohortMembership


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
