"""People of organisation A with each role, and the référent's access, for the actions pages."""

import pytest

from capnr.organisations.models import Role


@pytest.fixture
def referent(org_a, member):
    return member(org_a, Role.REFERENT, full_name="Rémi Référent")


@pytest.fixture
def contributor(org_a, member):
    return member(org_a, Role.CONTRIBUTOR, full_name="Chloé Contributrice")


@pytest.fixture
def reader(org_a, member):
    return member(org_a, Role.READER, full_name="Raoul Lecteur")


@pytest.fixture
def access(referent, org_a, access_of):
    return access_of(referent, org_a)
