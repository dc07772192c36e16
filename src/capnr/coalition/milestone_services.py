"""Writes of the milestones a facilitator records by hand (the six-month review, the closing).

Only the facilitators of the cohort's coalition (and superusers) record them; an organisation's
own members never do, whatever their role (``tenancy.cohorts.facilitates_cohort``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from capnr.organisations.tenancy.cohorts import facilitates_cohort

from . import milestones as rules
from .models import CohortMembership, Milestone

if TYPE_CHECKING:
    from capnr.organisations.models import User


def _require_facilitator(user: User, membership: CohortMembership) -> None:
    if not facilitates_cohort(user, membership.cohort):
        raise PermissionDenied("Only the cohort's facilitators record its milestones.")


@transaction.atomic
def milestone_record(
    *,
    user: User,
    membership: CohortMembership,
    kind: str,
    reached_on: dt.date,
    today: dt.date,
    note: str = "",
) -> Milestone:
    """Record (or move) the day a by-hand milestone was reached. The day may not be in the
    future nor before the organisation joined."""
    _require_facilitator(user, membership)
    if kind not in rules.BY_HAND_KINDS:
        raise ValidationError(_("This milestone is computed from what the organisation did."))
    if reached_on > today:
        raise ValidationError(_("A milestone cannot be reached in the future."))
    if reached_on < membership.joined_at:
        raise ValidationError(_("A milestone cannot be reached before the organisation joined."))
    milestone, _created = Milestone.objects.update_or_create(
        membership=membership,
        kind=kind,
        defaults={"reached_on": reached_on, "note": note.strip(), "recorded_by": user},
    )
    return milestone


@transaction.atomic
def milestone_clear(*, user: User, membership: CohortMembership, kind: str) -> bool:
    """Remove a by-hand milestone recorded by mistake; whether there was one."""
    _require_facilitator(user, membership)
    deleted, _details = Milestone.objects.filter(membership=membership, kind=kind).delete()
    return bool(deleted)
