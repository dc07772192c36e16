"""A running campaign of organisation A: two departments, a box, its person in charge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from capnr.collection import services
from capnr.organisations.models import Department, Role, Site


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The deposit throttle counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def keeper(org_a, member):
    """A contributor in charge of the box."""
    return member(org_a, Role.CONTRIBUTOR, full_name="Gaëlle Gardienne")


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)


@pytest.fixture
def campaign(access):
    today = dt.date.today()
    return services.campaign_create(
        access=access,
        fields={
            "name": "Opération tiroirs vides",
            "start_date": today - dt.timedelta(days=2),
            "end_date": today + dt.timedelta(days=20),
            "item_types": ["phones", "laptops", "chargers_cables"],
            "rules": "Rien de cassé en verre.",
        },
    )


@pytest.fixture
def teams(access, campaign, org_a):
    finance = services.team_save(
        access=access,
        campaign=campaign,
        name="",
        headcount=40,
        department=Department.objects.get(organisation=org_a),
    )
    workshop = services.team_save(access=access, campaign=campaign, name="Atelier", headcount=5)
    return finance, workshop


@pytest.fixture
def point(access, campaign, org_a, keeper):
    return services.point_save(
        access=access,
        campaign=campaign,
        site=Site.objects.get(organisation=org_a),
        location="Hall, near the coffee machine",
        person_in_charge=keeper,
    )


def deposit_input(team, **counts):
    return services.DepositInput(team_id=team.pk, counts=counts)
