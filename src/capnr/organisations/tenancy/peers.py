"""Peer exchange: who may read which experience report, and who may write, withdraw or suggest
one. The reports are the peers app's (``capnr.peers``), a layer above this one: they are reached
with ``apps.get_model``, never imported, and the cohorts through the relations the coalition app
declares on ``Organisation`` (``cohort_memberships``). A pending invitation into a cohort makes
nobody a cohort mate, as everywhere in tenancy.

- :func:`reports_visible_to` — the reports an organisation's people may read: its own that are
  not withdrawn, then every other organisation's that are not withdrawn and are public, shared
  with the whole coalition of a cohort both belong to, or shared with a cohort both belong to;
- :func:`public_reports` — what an anonymous visitor may read: public and not withdrawn;
- :func:`may_write_reports` — who writes, changes and withdraws: the organisation's référent
  (ADMINISTER), never its facilitator;
- :func:`may_suggest_report` — who suggests a report to an organisation: the facilitator of a
  cohort it belongs to (or a superuser); a suggestion never publishes anything;
- :func:`may_name_inspiration` — who names the report that inspired a roadmap item: whoever
  may change the item (the référent, or a contributor who owns it);
- :func:`may_publish_for` — who decides what a coalition publishes (its public page, its open
  data): the coalition's facilitators (or a superuser);
- :func:`aggregate_access` — the read access the anonymous benchmarks use to gather every
  participating organisation's figures; only quartiles over at least five organisations leave
  the module that uses it (``peers.figures``), never a row.

A withdrawn report leaves every list and page at once because every reader goes through these
functions, and all of them exclude ``withdrawn_at``.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from capnr.core.access import FACILITATOR, SUPERUSER, Access, OrganisationAccess

from ..models import Organisation
from . import coalitions_facilitated_by, is_facilitator

AGGREGATE = "aggregate"  # the role of aggregate_access: no person holds it
# The report's ``visibility`` values (peers.models.Visibility).
COHORT, COALITION, PUBLIC = "cohort", "coalition", "public"


def _report_model() -> type[Model]:
    return apps.get_model("peers", "ExperienceReport")


def cohort_mates(organisation_id: int) -> set[int]:
    """Organisations in at least one cohort with ``organisation_id`` (itself included when it is
    in a cohort); pending invitations count on neither side."""
    return set(
        Organisation.objects.filter(
            cohort_memberships__pending=False,
            cohort_memberships__cohort__memberships__organisation_id=organisation_id,
            cohort_memberships__cohort__memberships__pending=False,
        ).values_list("pk", flat=True)
    )


def coalition_mates(organisation_id: int) -> set[int]:
    """Organisations in a cohort of a coalition one of ``organisation_id``'s cohorts belongs
    to; pending invitations count on neither side."""
    return set(
        Organisation.objects.filter(
            cohort_memberships__pending=False,
            cohort_memberships__cohort__coalition__cohorts__memberships__organisation_id=(
                organisation_id
            ),
            cohort_memberships__cohort__coalition__cohorts__memberships__pending=False,
        ).values_list("pk", flat=True)
    )


def visibility_condition(organisation: Organisation) -> Q:
    """The condition on a report that makes it readable by ``organisation``'s people."""
    cohort = cohort_mates(organisation.pk)
    coalition = coalition_mates(organisation.pk)
    return Q(withdrawn_at__isnull=True) & (
        Q(organisation=organisation)
        | Q(visibility=PUBLIC)
        | Q(visibility=COALITION, organisation_id__in=coalition)
        | Q(visibility=COHORT, organisation_id__in=cohort)
    )


def reports_visible_to(organisation: Organisation) -> QuerySet[Any]:
    return _report_model()._default_manager.filter(visibility_condition(organisation))


def public_reports() -> QuerySet[Any]:
    return _report_model()._default_manager.filter(withdrawn_at__isnull=True, visibility=PUBLIC)


def may_write_reports(access: OrganisationAccess) -> bool:
    return access.can_administer


def may_suggest_report(access: OrganisationAccess) -> bool:
    """The access of a facilitator to an organisation exists only when one of its cohorts is in
    their coalition (tenancy), so the role is the whole rule."""
    return access.role in (FACILITATOR, SUPERUSER)


def may_name_inspiration(access: OrganisationAccess, item: Any, user: object) -> bool:
    """``item`` is a roadmap item (``roadmap.PlanItem``)."""
    return access.can_administer or (
        access.can_contribute
        and item.owner_id is not None
        and item.owner_id == getattr(user, "pk", None)
    )


def aggregate_access(organisation: Organisation) -> OrganisationAccess:
    """A read access to ``organisation`` held by no person, for computing anonymous
    aggregates over many organisations (``peers.figures``). Never given to a view."""
    return OrganisationAccess(organisation, Access.READ, AGGREGATE)


def may_publish_for(user: Any, coalition: Any) -> bool:
    """``coalition`` is a ``coalition.Coalition``."""
    if not getattr(user, "is_authenticated", False) or not is_facilitator(user):
        return False
    return coalitions_facilitated_by(user).filter(pk=coalition.pk).exists()
