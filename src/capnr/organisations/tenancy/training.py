"""Who sees and changes the training programme's rows beyond the organisation's levels.

Trainees' names, departments and attendance are personal data: the issue keeps them to the
organisation's référents, HR and the session's trainer. HR and managers have no role of their
own in Cap NR: they are contributors (or référents).

The session's trainer is often outside the organisation (an association running a Fresque, a
freelance), so they are reached by a **trainer link** per session (ADR 0015): a secret emailed
to the session's trainer address, of which only the hash is kept. Whoever holds it reaches that
one session (its page, its trainee list, attendance and the sign-in sheet) and nothing else of
the organisation; it stops when an organiser withdraws it, when the session gets another
trainer's address, when the session is cancelled, and :data:`TRAINER_LINK_DAYS_AFTER` days after
the session ends. An account, even one with the trainer's address, gives nothing by itself.

The training app is above this one: its models are reached by name through the app registry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import FACILITATOR, SUPERUSER, OrganisationAccess
from capnr.core.tokens import hash_token

if TYPE_CHECKING:
    from capnr.organisations.models import Organisation, User
    from capnr.training.models import Registration, TrainerLink, TrainingSession

# Long enough to type in a signed sheet after the session, short enough not to linger.
TRAINER_LINK_DAYS_AFTER = 30


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


# --- The session's trainer, by link ----------------------------------------------------------


class TrainerLinkUnusable(Exception):
    """A trainer link that exists but no longer opens its session; the message says why."""


@dataclass(frozen=True)
class TrainerAccess:
    """What the holder of a trainer link reaches: one session of one organisation."""

    session: TrainingSession
    link: TrainerLink

    @property
    def organisation(self) -> Organisation:
        return self.session.offer.organisation


def _trainer_link_model() -> Any:
    return apps.get_model("training", "TrainerLink")


def trainer_link_valid_until(session: TrainingSession) -> dt.datetime:
    return session.ends_at + dt.timedelta(days=TRAINER_LINK_DAYS_AFTER)


def trainer_link_unusable_reason(
    link: TrainerLink, session: TrainingSession, now: dt.datetime
) -> str | None:
    """Why ``link`` no longer opens ``session``, or None while it does."""
    if link.revoked_at is not None:
        return _("This link was withdrawn by the organisers. Ask them for a new one.")
    if session.cancelled:
        return _("This session was cancelled.")
    if link.email.casefold() != session.trainer_email.casefold():
        return _("This session has another trainer now: the link was theirs.")
    if now > trainer_link_valid_until(session):
        return _("This link has expired. Ask the organisers for a new one if you need it.")
    return None


def trainer_access(raw_token: str, *, now: dt.datetime | None = None) -> TrainerAccess:
    """The session a trainer link opens: Http404 for a token that was never made (a guess
    learns nothing), TrainerLinkUnusable with the reason for one that no longer works."""
    link = (
        _trainer_link_model()
        .objects.filter(token_hash=hash_token(raw_token))
        .select_related("session__offer__organisation", "session__site")
        .first()
        if raw_token
        else None
    )
    if link is None:
        raise Http404("No such trainer link.")
    session = link.session
    reason = trainer_link_unusable_reason(link, session, now or timezone.now())
    if reason is not None:
        raise TrainerLinkUnusable(reason)
    return TrainerAccess(session=session, link=link)
