"""Small factories for the training app's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation

from capnr.organisations.models import Department, Organisation, Role, Site
from capnr.training import services
from capnr.training.models import OfferKind, TrainingOffer, TrainingSession


@pytest.fixture(autouse=True)
def in_english(client):
    """Pages and messages in English, so tests read as the code's message ids (French is the
    default: tests/test_translations.py checks the catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def hr(org_a, member):
    """HR or a manager: a contributor."""
    return member(org_a, Role.CONTRIBUTOR, full_name="Hélène RH")


@pytest.fixture
def agent(org_a, member):
    """An agent with an account: a reader."""
    return member(org_a, Role.READER, full_name="Alain Agent")


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)


@pytest.fixture
def hr_access(hr, org_a, access_of):
    return access_of(hr, org_a)


@pytest.fixture
def agent_access(agent, org_a, access_of):
    return access_of(agent, org_a)


@pytest.fixture
def site(org_a) -> Site:
    return Site.objects.get(organisation=org_a)


@pytest.fixture
def department(org_a) -> Department:
    return Department.objects.get(organisation=org_a)


@pytest.fixture
def offer(access) -> TrainingOffer:
    return services.offer_create(
        access=access,
        fields={
            "kind": OfferKind.FIELD_BASICS,
            "title": "Digital basics",
            "format": "on_site",
            "duration_hours": Decimal("3.5"),
        },
    )


@pytest.fixture
def make_session(access, offer, site) -> Callable[..., TrainingSession]:
    def make(
        *, days: float = 7, capacity: int = 3, organisation: Organisation | None = None
    ) -> TrainingSession:
        starts = timezone.now() + dt.timedelta(days=days)
        return services.session_create(
            access=access,
            offer=offer,
            fields={
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=3),
                "site": site,
                "room": "Room 2",
                "capacity": capacity,
                "trainer_name": "Tina Trainer",
                "trainer_email": "tina@example.org",
            },
        )

    return make


@pytest.fixture
def named(hr_access, department) -> Callable[[str], object]:
    """``named("Paul")``: an agent without an account, by name."""

    def make(name: str):
        return services.trainee_for_name(access=hr_access, name=name, department=department)

    return make
