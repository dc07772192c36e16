"""Who reaches a cohort's dashboard, its organisations and their milestones: the facilitators of
the cohort's coalition, and superusers; which cohorts an organisation belongs to; and which
cohorts a person takes part in (their personal calendar address gives those sessions).

The coalition app is above this one: its models are reached with ``apps.get_model`` (never an
import). Each ``*_get`` raises Http404 when the cohort is not the user's to see, so that other
coalitions' cohorts do not leak."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from capnr.core.access import FACILITATOR, SUPERUSER, Access, OrganisationAccess

from ..models import Membership, Organisation, Role
from . import ROLE_ACCESS, coalitions_facilitated_by, cohorts_visible_to, facilitated_by

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from capnr.coalition.models import Cohort, CohortMembership

    from ..models import User


def _cohort_model() -> type[Model]:
    return apps.get_model("coalition", "Cohort")


def _cohort_membership_model() -> type[Model]:
    return apps.get_model("coalition", "CohortMembership")


def facilitates_cohort(user: User | AnonymousUser, cohort: Cohort) -> bool:
    """Whether ``user`` facilitates the coalition ``cohort`` belongs to (a superuser does)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return coalitions_facilitated_by(user).filter(pk=cohort.coalition_id).exists()  # type: ignore[arg-type]


def facilitated_cohort_get(user: User | AnonymousUser, cohort_id: int) -> Cohort:
    """The cohort ``cohort_id`` when ``user`` facilitates its coalition; Http404 otherwise."""
    cohort = (
        _cohort_model()._default_manager.select_related("coalition").filter(pk=cohort_id).first()
    )
    if cohort is None or not facilitates_cohort(user, cohort):  # type: ignore[arg-type]
        raise Http404("No such cohort.")
    return cohort  # type: ignore[return-value]


def accesses_for(
    user: User | AnonymousUser, organisations: Iterable[Organisation]
) -> dict[int, OrganisationAccess]:
    """The best access ``user`` has to each of ``organisations``, by id (those they may not
    see are left out): what ``tenancy.access_for`` answers for each, in two queries at most
    whatever their number, so that a page listing a cohort's organisations does not grow with
    it."""
    organisations = list(organisations)
    if not organisations or not user.is_authenticated or not user.is_active:
        return {}
    if user.is_superuser:
        return {o.pk: OrganisationAccess(o, Access.ADMINISTER, SUPERUSER) for o in organisations}
    ids = [o.pk for o in organisations]
    roles = dict(
        Membership.objects.filter(user=user, organisation_id__in=ids).values_list(
            "organisation_id", "role"
        )
    )
    others = [pk for pk in ids if pk not in roles]  # a member's role wins over facilitation
    facilitated = (
        set(
            Organisation.objects.filter(facilitated_by(user), pk__in=others)  # type: ignore[arg-type]
            .values_list("pk", flat=True)
            .distinct()
        )
        if others
        else set()
    )
    found = {}
    for organisation in organisations:
        role = roles.get(organisation.pk)
        if role is not None:
            found[organisation.pk] = OrganisationAccess(organisation, ROLE_ACCESS[Role(role)], role)
        elif organisation.pk in facilitated:
            found[organisation.pk] = OrganisationAccess(organisation, Access.READ, FACILITATOR)
    return found


def cohort_accesses(
    user: User | AnonymousUser, cohort: Cohort
) -> list[tuple[CohortMembership, OrganisationAccess]]:
    """Every organisation of the cohort with the access tenancy gives ``user`` there (a
    facilitator READs them), by name; an organisation tenancy refuses is left out. Three
    queries, whatever the number of organisations."""
    memberships = list(
        _cohort_membership_model()
        ._default_manager.filter(cohort=cohort, pending=False)
        .select_related("organisation", "cohort")
        .order_by("organisation__name")
    )
    accesses = accesses_for(user, [m.organisation for m in memberships])  # type: ignore[attr-defined]
    return [
        (membership, accesses[membership.organisation_id])  # type: ignore[misc]
        for membership in memberships
        if membership.organisation_id in accesses  # type: ignore[attr-defined]
    ]


def facilitated_membership_get(
    user: User | AnonymousUser, cohort: Cohort, slug: str
) -> tuple[CohortMembership, OrganisationAccess]:
    """One organisation of a cohort ``user`` facilitates, by slug; Http404 otherwise."""
    membership: Any = (
        _cohort_membership_model()
        ._default_manager.filter(cohort=cohort, organisation__slug=slug, pending=False)
        .select_related("organisation", "cohort")
        .first()
    )
    access = (
        accesses_for(user, [membership.organisation]).get(membership.organisation_id)
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
        _cohort_membership_model()  # type: ignore[arg-type]
        ._default_manager.filter(organisation=access.organisation, pending=False)
        .select_related("cohort", "cohort__coalition")
        .order_by("-cohort__year", "-cohort__start_date", "cohort__name")
    )


def cohorts_of(user: User | AnonymousUser) -> QuerySet[Any]:
    """The cohorts ``user`` takes part in: those of the coalitions they facilitate and those
    holding one of their organisations (an invitation not accepted yet gives none). Unlike
    ``cohorts_visible_to``, a superuser gets only their own: this is what their personal
    calendar address gives, without a login."""
    rows = _cohort_model()._default_manager.all()
    if not user.is_authenticated or not user.is_active:
        return rows.none()
    ids = rows.filter(
        Q(coalition__facilitators=user)
        | Q(memberships__pending=False, memberships__organisation__memberships__user=user)
    ).values("pk")
    return rows.filter(pk__in=ids)


def latest_cohort_of(user: User | AnonymousUser, organisation: Organisation) -> Any:
    """The latest cohort holding ``organisation`` that ``user`` may open (as its member or the
    coalition's facilitator), or None: the organisation's navigation links to it."""
    return (
        cohorts_visible_to(user)
        .filter(memberships__organisation=organisation, memberships__pending=False)
        .select_related("coalition")
        .order_by("-year", "-start_date", "-pk")
        .first()
    )
