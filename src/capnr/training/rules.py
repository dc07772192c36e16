"""Who may see and do what in the training programme, beyond the organisation's levels.

These rules belong in ``capnr.organisations.tenancy`` (the one place that decides who sees what);
they live here until the integrator moves them there, each a named function so the move is a
change of import. Trainees' names, departments and attendance are personal data: the issue
keeps them to the organisation's référents, HR and the session's trainer. HR and managers have
no role of their own in Cap NR: they are contributors (or référents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from capnr.core.access import FACILITATOR, SUPERUSER, OrganisationAccess

if TYPE_CHECKING:
    from capnr.organisations.models import User

    from .models import Registration


def may_organise_training(access: OrganisationAccess) -> bool:
    """Create and change offers, sessions and self-assessment campaigns; take attendance."""
    return access.can_contribute


def may_register_self(access: OrganisationAccess) -> bool:
    """Members register themselves; a cohort's facilitator or a superuser is no trainee here."""
    return access.role not in (FACILITATOR, SUPERUSER)


def may_see_trainees(access: OrganisationAccess) -> bool:
    """See who is registered, waiting or was present (names and departments)."""
    return access.can_contribute


def may_register_others(access: OrganisationAccess) -> bool:
    """Register someone else (a member, or an agent without an account by name), or cancel
    their registration: a manager or HR, for their team."""
    return access.can_contribute


def may_change_registration(
    access: OrganisationAccess, registration: Registration, user: User | None
) -> bool:
    """Cancel ``registration`` or download its certificate: those who register others, and the
    person registered, with their account."""
    if may_register_others(access):
        return True
    trainee_user = registration.trainee.user_id
    return user is not None and trainee_user is not None and trainee_user == user.pk
