"""Reads. Each takes an already-checked :class:`OrganisationAccess` or a user, never a bare id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import Http404

from capnr.core.access import OrganisationAccess

from .models import Department, Invitation, Membership, Organisation, Site
from .tenancy import access_for, visible_to

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class OrganisationChoice:
    organisation: Organisation
    role: str


def organisation_choices_for(user: User) -> list[OrganisationChoice]:
    """Every organisation the user can open, with their role there, for the switcher."""
    roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    choices = []
    for organisation in visible_to(user).order_by("name"):
        role = roles.get(organisation.pk)
        if role is None:
            found = access_for(user, organisation)
            role = found.role if found else ""
        choices.append(OrganisationChoice(organisation, role))
    return choices


def site_list(*, access: OrganisationAccess) -> QuerySet[Site]:
    return Site.objects.filter(organisation=access.organisation).order_by("name")


def site_get(*, access: OrganisationAccess, pk: int) -> Site:
    site = site_list(access=access).filter(pk=pk).first()
    if site is None:
        raise Http404("No such site in this organisation.")
    return site


def department_list(*, access: OrganisationAccess) -> QuerySet[Department]:
    return (
        Department.objects.filter(organisation=access.organisation)
        .select_related("parent")
        .order_by("name")
    )


def department_get(*, access: OrganisationAccess, pk: int) -> Department:
    department = department_list(access=access).filter(pk=pk).first()
    if department is None:
        raise Http404("No such department in this organisation.")
    return department


def member_list(*, access: OrganisationAccess) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=access.organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )


def member_get(*, access: OrganisationAccess, pk: int) -> Membership:
    membership = member_list(access=access).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such member in this organisation.")
    return membership


def pending_invitation_list(*, access: OrganisationAccess) -> list[Invitation]:
    invitations = Invitation.objects.filter(
        organisation=access.organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return [invitation for invitation in invitations if invitation.is_pending]


def invitation_get(*, access: OrganisationAccess, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(organisation=access.organisation, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation in this organisation.")
    return invitation


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
