"""Reads. Each takes an already-checked :class:`OrganisationAccess` or a user, never a bare id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access

from .models import Department, Invitation, Membership, Organisation, Site
from .tenancy import visible_to
from .tenancy.cohorts import accesses_for

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class OrganisationChoice:
    organisation: Organisation
    role: str
    in_cohort: bool = False  # a member of a cohort (an invitation not accepted yet is not)


def organisation_choices_for(user: User) -> list[OrganisationChoice]:
    """Every organisation the user can open, with their role there and whether it is in a
    cohort, for the header (in a fixed number of queries: a facilitator sees every
    organisation of their cohorts). The cohorts are reached through the relation the
    coalition app declares, never an import."""
    in_cohort = Organisation.objects.filter(pk=OuterRef("pk"), cohort_memberships__pending=False)
    organisations = list(visible_to(user).annotate(in_cohort=Exists(in_cohort)).order_by("name"))
    accesses = accesses_for(user, organisations)
    return [
        OrganisationChoice(
            o, accesses[o.pk].role if o.pk in accesses else "", in_cohort=o.in_cohort
        )
        for o in organisations
    ]


def site_list(*, access: OrganisationAccess) -> QuerySet[Site]:
    return Site.objects.for_access(access).order_by("name")


def site_get(*, access: OrganisationAccess, pk: int) -> Site:
    return get_for_access(Site, pk, access)


def department_list(*, access: OrganisationAccess) -> QuerySet[Department]:
    return Department.objects.for_access(access).select_related("parent").order_by("name")


def department_get(*, access: OrganisationAccess, pk: int) -> Department:
    return get_for_access(Department.objects.select_related("parent"), pk, access)


def member_list(*, access: OrganisationAccess) -> QuerySet[Membership]:
    return (
        Membership.objects.for_access(access).select_related("user").order_by("role", "user__email")
    )


def member_get(*, access: OrganisationAccess, pk: int) -> Membership:
    return get_for_access(Membership.objects.select_related("user"), pk, access)


def pending_invitation_list(*, access: OrganisationAccess) -> list[Invitation]:
    invitations = (
        Invitation.objects.for_access(access)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
    )
    return [invitation for invitation in invitations if invitation.is_pending]


def invitation_get(*, access: OrganisationAccess, pk: int) -> Invitation:
    return get_for_access(Invitation, pk, access)


def organisation_counts(*, access: OrganisationAccess) -> dict[str, int]:
    counted = Organisation.objects.filter(pk=access.organisation.pk).aggregate(
        sites=Count("sites", distinct=True),
        departments=Count("departments", distinct=True),
        members=Count("memberships", distinct=True),
    )
    return {key: int(value or 0) for key, value in counted.items()}


def account_exists(*, email: str) -> bool:
    from .models import User

    return User.objects.filter(email__iexact=email).exists()


def last_member_login(*, access: OrganisationAccess, until: datetime) -> datetime | None:
    """When a member of the organisation last logged in, at or before ``until`` (Django keeps
    only each person's latest login: a login after ``until`` hides the ones before)."""
    return last_member_logins(accesses=[access], until=until).get(access.organisation.pk)


def last_member_logins(
    *, accesses: Sequence[OrganisationAccess], until: datetime
) -> dict[int, datetime]:
    """``last_member_login`` for several organisations in one query, by organisation id."""
    return dict(
        Membership.objects.for_accesses(accesses)
        .filter(user__last_login__lte=until)
        .order_by()
        .values_list("organisation_id")
        .annotate(last=Max("user__last_login"))
    )


def organisations_with_sites(*, accesses: Sequence[OrganisationAccess]) -> set[int]:
    """The ids of those organisations that have at least one site, in one query."""
    return set(
        Site.objects.for_accesses(accesses).order_by().values_list("organisation_id", flat=True)
    )
