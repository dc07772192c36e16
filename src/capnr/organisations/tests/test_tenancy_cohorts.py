"""tenancy.cohorts: who reaches a cohort and its organisations, and the bulk form of
``access_for`` (the same answer for every role, in a fixed number of queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from capnr.coalition.models import Coalition, Cohort, CohortMembership
from capnr.core.access import Access
from capnr.organisations.models import Role
from capnr.organisations.tenancy import access_for
from capnr.organisations.tenancy.cohorts import (
    accesses_for,
    cohort_accesses,
    facilitated_cohort_get,
    facilitated_membership_get,
    facilitates_cohort,
    memberships_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(org_a, org_b, make_organisation, make_user, member):
    coalition = Coalition.objects.create(name="Trois", slug="trois")
    cohort = Cohort.objects.create(coalition=coalition, name="Promotion 2025", year=2025)
    pending = make_organisation("Pending commune", slug="pending")
    CohortMembership.objects.create(cohort=cohort, organisation=org_a)
    CohortMembership.objects.create(cohort=cohort, organisation=pending, pending=True)
    facilitator = make_user()
    coalition.facilitators.add(facilitator)
    # A facilitator who is also the référent of Alpha: their role there wins.
    both = member(org_a, Role.REFERENT)
    coalition.facilitators.add(both)
    other = make_user()
    Coalition.objects.create(name="Autre", slug="autre").facilitators.add(other)
    return {
        "cohort": cohort,
        "organisations": [org_a, org_b, pending],
        "users": {
            "facilitator": facilitator,
            "facilitator_referent": both,
            "reader": member(org_a, Role.READER),
            "contributor": member(org_b, Role.CONTRIBUTOR),
            "other_facilitator": other,
            "superuser": make_user(is_superuser=True),
            "outsider": make_user(),
            "inactive": make_user(is_active=False),
        },
    }


@pytest.mark.parametrize(
    "who",
    [
        "facilitator",
        "facilitator_referent",
        "reader",
        "contributor",
        "other_facilitator",
        "superuser",
        "outsider",
        "inactive",
    ],
)
def test_accesses_for_answers_what_access_for_answers_for_each_organisation(setting, who):
    user = setting["users"][who]
    organisations = setting["organisations"]
    expected = {o.pk: access for o in organisations if (access := access_for(user, o)) is not None}
    assert accesses_for(user, organisations) == expected


def test_accesses_for_makes_two_queries_at_most_whatever_the_number_of_organisations(
    setting, make_organisation
):
    facilitator = setting["users"]["facilitator"]
    many = [*setting["organisations"], *(make_organisation() for _ in range(6))]
    with CaptureQueriesContext(connection) as queries:
        accesses_for(facilitator, many)
    assert len(queries) == 2


def test_only_the_coalitions_facilitators_reach_the_cohort_and_its_organisations(setting):
    cohort, users = setting["cohort"], setting["users"]
    for who in ("facilitator", "facilitator_referent", "superuser"):
        assert facilitates_cohort(users[who], cohort)
        assert facilitated_cohort_get(users[who], cohort.pk) == cohort
        membership, access = facilitated_membership_get(users[who], cohort, "alpha")
        assert membership.organisation.slug == "alpha" and access.level >= Access.READ
    for who in ("reader", "contributor", "other_facilitator", "outsider", "inactive"):
        assert not facilitates_cohort(users[who], cohort)
        with pytest.raises(Http404):
            facilitated_cohort_get(users[who], cohort.pk)
    with pytest.raises(Http404):  # a pending invitation is not an organisation of the cohort
        facilitated_membership_get(users["facilitator"], cohort, "pending")
    with pytest.raises(Http404):
        facilitated_cohort_get(users["facilitator"], 999_999)


def test_cohort_accesses_lists_the_members_the_user_reads_and_never_a_pending_one(setting):
    cohort, users = setting["cohort"], setting["users"]
    rows = cohort_accesses(users["facilitator"], cohort)
    assert [(m.organisation.slug, a.role) for m, a in rows] == [("alpha", "facilitator")]
    rows = cohort_accesses(users["facilitator_referent"], cohort)
    assert [(m.organisation.slug, a.role) for m, a in rows] == [("alpha", Role.REFERENT)]
    assert cohort_accesses(users["other_facilitator"], cohort) == []
    alpha = setting["organisations"][0]
    assert [m.cohort for m in memberships_of(access_for(users["reader"], alpha))] == [cohort]
