"""Who reaches a cohort's dashboard and records its milestones: the facilitators of the cohort's
coalition, and superusers.

Tenancy belongs in ``capnr.organisations.tenancy``; these functions build on what it answers
(``coalitions_facilitated_by``, ``access_for``) and are kept here, clearly named, until the
tenancy module takes them (it is being extended in parallel). Each raises Http404 when the
cohort is not the user's to see, so that other coalitions' cohorts do not leak."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from capnr.core.access import OrganisationAccess
from capnr.organisations import tenancy

from .models import Cohort, CohortMembership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from capnr.organisations.models import User


def facilitates_cohort(user: User | AnonymousUser, cohort: Cohort) -> bool:
    """Whether ``user`` facilitates the coalition ``cohort`` belongs to (a superuser does)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return tenancy.coalitions_facilitated_by(user).filter(pk=cohort.coalition_id).exists()  # type: ignore[arg-type]


def facilitated_cohort_get(user: User | AnonymousUser, cohort_id: int) -> Cohort:
    """The cohort ``cohort_id`` when ``user`` facilitates its coalition; Http404 otherwise."""
    cohort = Cohort.objects.select_related("coalition").filter(pk=cohort_id).first()
    if cohort is None or not facilitates_cohort(user, cohort):
        raise Http404("No such cohort.")
    return cohort


def cohort_accesses(
    user: User | AnonymousUser, cohort: Cohort
) -> list[tuple[CohortMembership, OrganisationAccess]]:
    """Every organisation of the cohort with the access tenancy gives ``user`` there (a
    facilitator READs them), by name; an organisation tenancy refuses is left out."""
    found = []
    memberships = (
        CohortMembership.objects.filter(cohort=cohort, pending=False)
        .select_related("organisation", "cohort")
        .order_by("organisation__name")
    )
    for membership in memberships:
        access = tenancy.access_for(user, membership.organisation)  # type: ignore[arg-type]
        if access is not None:
            found.append((membership, access))
    return found


def facilitated_membership_get(
    user: User | AnonymousUser, cohort: Cohort, slug: str
) -> tuple[CohortMembership, OrganisationAccess]:
    """One organisation of a cohort ``user`` facilitates, by slug; Http404 otherwise."""
    membership = (
        CohortMembership.objects.filter(cohort=cohort, organisation__slug=slug, pending=False)
        .select_related("organisation", "cohort")
        .first()
    )
    access = (
        tenancy.access_for(user, membership.organisation)  # type: ignore[arg-type]
        if membership is not None
        else None
    )
    if membership is None or access is None:
        raise Http404("No such organisation in this cohort.")
    return membership, access


def memberships_of(access: OrganisationAccess) -> list[CohortMembership]:
    """The cohorts the access's organisation belongs to, the latest first (its members see
    them on its home page); an invitation its référent has not accepted is not one yet."""
    return list(
        CohortMembership.objects.filter(organisation=access.organisation, pending=False)
        .select_related("cohort", "cohort__coalition")
        .order_by("-cohort__year", "-cohort__start_date", "cohort__name")
    )
