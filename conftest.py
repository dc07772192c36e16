"""Fixtures shared by every test: small factories for users, organisations and memberships;
and the Hypothesis profiles (``ci``: derandomized, so that a run is reproducible)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

from capnr.organisations.models import (
    Department,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Site,
    User,
)
from capnr.organisations.tenancy import OrganisationAccess, access_for

# Hypothesis profiles, registered at import so that every test module sees them. ``ci`` is
# derandomized: the same examples on every run, no database to carry failures between runs,
# and a failure printed with the blob that replays it. ``dev`` keeps Hypothesis's defaults
# (random, with the local example database). CI (CI=true) loads ``ci``; HYPOTHESIS_PROFILE
# overrides. The tests' own @settings(max_examples=…, deadline=…) inherit every other option
# from the loaded profile, derandomize included.
settings.register_profile(
    "ci",
    parent=settings.get_profile("default"),
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],  # shared CI runners: as Hypothesis's own
)
settings.register_profile("dev", settings.get_profile("default"))
_IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _IN_CI else "dev"))

_sequence = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(email: str | None = None, **extra: object) -> User:
        number = next(_sequence)
        return User.objects.create_user(
            email or f"person{number}@example.org",
            PASSWORD,
            full_name=str(extra.pop("full_name", f"Person {number}")),
            **extra,
        )

    return make


@pytest.fixture
def make_organisation(db: None) -> Callable[..., Organisation]:
    def make(name: str | None = None, **extra: object) -> Organisation:
        number = next(_sequence)
        name = name or f"Organisation {number}"
        extra.setdefault("kind", OrganisationKind.STATE_SERVICE)
        extra.setdefault("slug", f"org-{number}")
        return Organisation.objects.create(name=name, **extra)

    return make


@pytest.fixture
def member(make_user: Callable[..., User]) -> Callable[..., User]:
    """``member(organisation, "reader")``: a new user with that role there."""

    def make(organisation: Organisation, role: str = Role.REFERENT, **extra: object) -> User:
        user = make_user(**extra)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def org_a(make_organisation: Callable[..., Organisation]) -> Organisation:
    organisation = make_organisation("Alpha secret agency", slug="alpha")
    Site.objects.create(organisation=organisation, name="Alpha hidden site", commune="Alphaville")
    Department.objects.create(organisation=organisation, name="Alpha hidden department")
    return organisation


@pytest.fixture
def org_b(make_organisation: Callable[..., Organisation]) -> Organisation:
    organisation = make_organisation("Bravo commune", slug="bravo", kind=OrganisationKind.COMMUNE)
    Site.objects.create(organisation=organisation, name="Bravo town hall")
    return organisation


@pytest.fixture
def access_of() -> Callable[[User, Organisation], OrganisationAccess]:
    def get(user: User, organisation: Organisation) -> OrganisationAccess:
        access = access_for(user, organisation)
        assert access is not None, f"{user} has no access to {organisation}"
        return access

    return get
