"""Writes and use-cases for accounts and organisations. Keyword-only, typed, atomic.

Every function that changes an organisation receives an :class:`OrganisationAccess` and checks the
level it needs itself, so no caller can skip the rule."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core import mail
from capnr.core.access import Access, OrganisationAccess
from capnr.core.owned import belongs_to, require_same_organisation
from capnr.core.tokens import hash_token, new_raw_token
from capnr.core.versioned import save_versioned

from .models import (
    Department,
    Invitation,
    Membership,
    Organisation,
    Role,
    Site,
    User,
)
from .validators import normalise_siret


class InvitationUnusable(Exception):
    """An invitation link that is unknown, expired, revoked or already used, or opened by an
    account that is not the invited address (``other_account``)."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


# Someone holding a dead invitation link may ask the référents for a new one at most once in
# this interval: each request emails every référent, and the page is public.
NEW_INVITATION_REQUEST_INTERVAL = timedelta(hours=1)


class NewInvitationAlreadyRequested(Exception):
    """A new invitation was asked for from this link less than the interval ago."""

    def __init__(self, invitation: Invitation, retry_at: datetime) -> None:
        super().__init__(f"already requested; next request possible at {retry_at}")
        self.invitation = invitation
        self.retry_at = retry_at


ORGANISATION_PROFILE_FIELDS = (
    "name",
    "kind",
    "headcount",
    "workstation_count",
    "population",
    "purchasing_bracket",
    "turnover_over_250m",
    "siret",
    "electricity_price_eur_per_kwh",
    "address",
    "postcode",
    "city",
)


@transaction.atomic
def organisation_update(
    *, access: OrganisationAccess, expected_version: int, **fields: Any
) -> Organisation:
    access.require(Access.ADMINISTER)
    unknown = set(fields) - set(ORGANISATION_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if fields.get("siret"):
        fields["siret"] = normalise_siret(fields["siret"])
    organisation = access.organisation
    save_versioned(organisation, expected_version=expected_version, fields=fields)
    return organisation


def _duplicate_site(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("This organisation already has a site named “%(name)s”.") % {"name": name}}
    )


def _duplicate_department(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("This organisation already has a department named “%(name)s”.") % {"name": name}}
    )


@transaction.atomic
def site_create(
    *, access: OrganisationAccess, name: str, commune: str = "", kind: str = "operations"
) -> Site:
    access.require(Access.ADMINISTER)
    site = Site(
        organisation=access.organisation, name=name.strip(), commune=commune.strip(), kind=kind
    )
    site.full_clean(exclude=["organisation"], validate_unique=False)
    if Site.objects.for_access(access).filter(name=site.name).exists():
        raise _duplicate_site(site.name)
    site.save()
    return site


@transaction.atomic
def site_update(
    *, access: OrganisationAccess, site: Site, expected_version: int, **fields: Any
) -> Site:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, site)
    name = fields.get("name", site.name).strip()
    if Site.objects.for_access(access).filter(name=name).exclude(pk=site.pk).exists():
        raise _duplicate_site(name)
    save_versioned(site, expected_version=expected_version, fields=fields)
    return site


@transaction.atomic
def site_delete(*, access: OrganisationAccess, site: Site) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, site)
    site.delete()


def _check_parent(
    access: OrganisationAccess, department: Department, parent: Department | None
) -> None:
    if parent is None:
        return
    if not belongs_to(access, parent):
        raise ValidationError({"parent": _("Choose a department of this organisation.")})
    ancestor: Department | None = parent
    while ancestor is not None:
        if department.pk is not None and ancestor.pk == department.pk:
            raise ValidationError(
                {"parent": _("A department cannot be part of itself or of one of its own parts.")}
            )
        ancestor = ancestor.parent


@transaction.atomic
def department_create(
    *, access: OrganisationAccess, name: str, parent: Department | None = None
) -> Department:
    access.require(Access.ADMINISTER)
    department = Department(organisation=access.organisation, name=name.strip(), parent=parent)
    _check_parent(access, department, parent)
    department.full_clean(exclude=["organisation"], validate_unique=False)
    if Department.objects.for_access(access).filter(name=department.name).exists():
        raise _duplicate_department(department.name)
    department.save()
    return department


@transaction.atomic
def department_update(
    *, access: OrganisationAccess, department: Department, expected_version: int, **fields: Any
) -> Department:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, department)
    if "parent" in fields:
        _check_parent(access, department, fields["parent"])
        fields["parent_id"] = fields.pop("parent").pk if fields["parent"] else None
    name = fields.get("name", department.name).strip()
    if Department.objects.for_access(access).filter(name=name).exclude(pk=department.pk).exists():
        raise _duplicate_department(name)
    save_versioned(department, expected_version=expected_version, fields=fields)
    return department


@transaction.atomic
def department_delete(*, access: OrganisationAccess, department: Department) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, department)
    if department.children.exists():
        raise ValidationError(
            _("“%(name)s” still has sub-departments: move or delete them first.")
            % {"name": department.name}
        )
    department.delete()


def _referent_count(organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.REFERENT).count()


@transaction.atomic
def membership_change_role(
    *, access: OrganisationAccess, membership: Membership, role: str
) -> Membership:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, membership)
    Role(role)
    if (
        membership.role == Role.REFERENT
        and role != Role.REFERENT
        and _referent_count(access.organisation) <= 1
    ):
        raise ValidationError(
            _("An organisation keeps at least one référent: name another one first.")
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, access: OrganisationAccess, membership: Membership) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, membership)
    if membership.role == Role.REFERENT and _referent_count(access.organisation) <= 1:
        raise ValidationError(
            _("An organisation keeps at least one référent: name another one first.")
        )
    membership.delete()


def _send_invitation_email(invitation: Invitation, accept_url: str) -> None:
    context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "days": settings.CAPNR_INVITATION_DAYS,
    }

    def compose() -> tuple[str, str]:
        subject = _("Invitation to join %(organisation)s on Cap NR") % {
            "organisation": invitation.organisation.name
        }
        return subject, render_to_string("organisations/email/invitation.txt", context)

    mail.send_each([invitation.email], compose)


@transaction.atomic
def invitation_create(
    *, access: OrganisationAccess, invited_by: User, email: str, role: str, build_accept_url: Any
) -> Invitation:
    """Invite ``email`` with ``role``; a previous pending invitation for the same address is
    revoked so only the newest link works. ``build_accept_url(raw_token)`` gives the link."""
    access.require(Access.ADMINISTER)
    Role(role)
    email = email.strip().lower()
    if Membership.objects.for_access(access).filter(user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    now = timezone.now()
    Invitation.objects.for_access(access).filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    raw = new_raw_token()
    invitation = Invitation.objects.create(
        organisation=access.organisation,
        email=email,
        role=role,
        token_hash=hash_token(raw),
        invited_by=invited_by,
    )
    accept_url = build_accept_url(raw)
    transaction.on_commit(lambda: _send_invitation_email(invitation, accept_url))
    return invitation


@transaction.atomic
def invitation_revoke(*, access: OrganisationAccess, invitation: Invitation) -> None:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, invitation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def invitation_find(*, raw_token: str) -> Invitation:
    """The invitation behind a link, or InvitationUnusable saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used", invitation)
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked", invitation)
    if invitation.is_expired:
        raise InvitationUnusable("expired", invitation)
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    raw_token: str,
    user: User | None,
    full_name: str = "",
    password: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> Membership:
    """Use an invitation once: join as ``user`` (logged in) or create the account, in
    ``language`` (the one the person reads the page in).

    Only the owner of the invited address joins: a link forwarded to, or opened by, another
    account raises ``other_account``. The row is locked so that two clicks on the same link
    cannot both succeed."""
    invitation = invitation_find(raw_token=raw_token)
    if user is not None and not invitation.is_addressed_to(user):
        raise InvitationUnusable("other_account", invitation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used", invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationUnusable("account_exists", invitation)
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name.strip(), language=language
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and _rank(invitation.role) > _rank(membership.role):
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _rank(role: str) -> int:
    return {Role.READER: 1, Role.CONTRIBUTOR: 2, Role.REFERENT: 3}[Role(role)]


def invitation_request_new(
    *, invitation: Invitation, message_url: str, now: datetime | None = None
) -> int:
    """Someone holding an expired or used link asks for a new one: tell the référents, at most
    once per NEW_INVITATION_REQUEST_INTERVAL for the link (else NewInvitationAlreadyRequested).

    Returns how many people were notified."""
    now = now or timezone.now()
    # One conditional update claims the slot, so two requests at once cannot both send.
    claimed = (
        Invitation.objects.filter(pk=invitation.pk)
        .filter(
            Q(new_invitation_requested_at__isnull=True)
            | Q(new_invitation_requested_at__lte=now - NEW_INVITATION_REQUEST_INTERVAL)
        )
        .update(new_invitation_requested_at=now)
    )
    if not claimed:
        last = Invitation.objects.values_list("new_invitation_requested_at", flat=True).get(
            pk=invitation.pk
        )
        raise NewInvitationAlreadyRequested(
            invitation, (last or now) + NEW_INVITATION_REQUEST_INTERVAL
        )
    referents = list(
        User.objects.filter(
            memberships__organisation=invitation.organisation,
            memberships__role=Role.REFERENT,
            is_active=True,
        ).values_list("email", flat=True)
    )

    def compose() -> tuple[str, str]:
        subject = _("%(email)s asks for a new invitation to %(organisation)s") % {
            "email": invitation.email,
            "organisation": invitation.organisation.name,
        }
        body = render_to_string(
            "organisations/email/invitation_request.txt",
            {"invitation": invitation, "members_url": message_url},
        )
        return subject, body

    return mail.send_together(referents, compose)


def user_language_set(*, user: User, language: str) -> bool:
    """Keep ``language`` as the one ``user`` last chose (their emails are written in it);
    a language Cap NR does not speak is ignored. Returns whether it changed."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
