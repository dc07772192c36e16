"""The tenancy layer, exhaustively: every kind of person against every level of access."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.core.access import Access
from capnr.organisations.models import Role
from capnr.organisations.tenancy import (
    access_for,
    access_organisation,
    administered_by,
    editable_by,
    organisations_for,
    visible_to,
)

EXPECTED_LEVEL = {
    Role.REFERENT: Access.ADMINISTER,
    Role.CONTRIBUTOR: Access.CONTRIBUTE,
    Role.READER: Access.READ,
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("need", list(Access))
def test_member_reaches_their_organisation_exactly_up_to_their_role(
    role, need, org_a, org_b, member
):
    user = member(org_a, role)
    allowed = EXPECTED_LEVEL[role] >= need
    assert (org_a in organisations_for(user, need)) is allowed
    assert org_b not in organisations_for(user, need)
    if allowed:
        assert access_organisation(user, org_a.slug, need).organisation == org_a
    else:
        with pytest.raises(PermissionDenied):
            access_organisation(user, org_a.slug, need)
    with pytest.raises(Http404):
        access_organisation(user, org_b.slug, need)


def test_anonymous_and_inactive_users_reach_nothing(org_a, member):
    inactive = member(org_a, Role.REFERENT)
    inactive.is_active = False
    inactive.save()
    for user in (AnonymousUser(), inactive):
        assert not visible_to(user).exists()
        assert access_for(user, org_a) is None
        with pytest.raises(Http404):
            access_organisation(user, org_a.slug)


def test_unknown_slug_is_404_not_403(org_a, member):
    user = member(org_a)
    with pytest.raises(Http404):
        access_organisation(user, "does-not-exist")


def test_facilitator_reads_the_organisations_of_their_cohorts_only(org_a, org_b, make_user):
    facilitator = make_user()
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    coalition.facilitators.add(facilitator)
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)

    assert list(visible_to(facilitator)) == [org_a]
    assert not editable_by(facilitator).exists()
    assert not administered_by(facilitator).exists()
    access = access_organisation(facilitator, org_a.slug)
    assert access.role == "facilitator" and access.level == Access.READ
    with pytest.raises(PermissionDenied):
        access_organisation(facilitator, org_a.slug, Access.CONTRIBUTE)
    with pytest.raises(Http404):
        access_organisation(facilitator, org_b.slug)


def test_facilitator_who_is_also_member_gets_their_member_role(org_a, member):
    user = member(org_a, Role.CONTRIBUTOR)
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    coalition.facilitators.add(user)
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion", year=2025)
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    assert access_organisation(user, org_a.slug).level == Access.CONTRIBUTE
    assert list(visible_to(user)) == [org_a]  # no duplicates from the two paths


def test_superuser_administers_everything(org_a, org_b, make_user):
    admin = make_user(is_superuser=True, is_staff=True)
    assert set(administered_by(admin)) == {org_a, org_b}
    assert access_organisation(admin, org_b.slug, Access.ADMINISTER).role == "superuser"


def test_user_in_two_organisations_has_each_role_separately(org_a, org_b, member):
    user = member(org_a, Role.REFERENT)
    from capnr.organisations.models import Membership

    Membership.objects.create(user=user, organisation=org_b, role=Role.READER)
    assert set(visible_to(user)) == {org_a, org_b}
    assert list(administered_by(user)) == [org_a]


def test_who_is_a_facilitator_is_answered_by_tenancy(org_a, make_user, member):
    from capnr.organisations.tenancy import (
        coalitions_facilitated_by,
        facilitates_a_coalition,
        is_facilitator,
    )

    facilitator, referent = make_user(), member(org_a, Role.REFERENT)
    superuser = make_user(is_superuser=True, is_staff=True)
    coalition = Coalition.objects.create(name="Coalition", slug="coalition")
    other = Coalition.objects.create(name="Other", slug="other")
    coalition.facilitators.add(facilitator)

    assert facilitates_a_coalition(facilitator) and is_facilitator(facilitator)
    assert not facilitates_a_coalition(superuser) and is_facilitator(superuser)
    for nobody in (referent, AnonymousUser()):
        assert not facilitates_a_coalition(nobody) and not is_facilitator(nobody)
    assert list(coalitions_facilitated_by(facilitator)) == [coalition]
    assert set(coalitions_facilitated_by(superuser)) == {coalition, other}
    assert not coalitions_facilitated_by(referent).exists()
