"""Who may read which experience report, and who may write, withdraw or suggest one.

These rules belong with the rest of tenancy (``capnr.organisations.tenancy``), which decides who
sees what; they live here until that module takes them, because tenancy is being changed by
other work at the same time. Each is one named function, so the move is a cut and paste:

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
  the module that uses it (``figures``), never a row.

A withdrawn report leaves every list and page at once because every reader goes through these
functions, and all of them exclude ``withdrawn_at``.
"""

from __future__ import annotations

from django.db.models import Q

from capnr.coalition import peer_selectors
from capnr.coalition.models import Coalition
from capnr.core.access import FACILITATOR, SUPERUSER, Access, OrganisationAccess
from capnr.organisations import tenancy
from capnr.organisations.models import Organisation
from capnr.roadmap.models import PlanItem

from .models import ExperienceReport, ExperienceReportQuerySet, Visibility

AGGREGATE = "aggregate"  # the role of aggregate_access: no person holds it


def visibility_condition(organisation: Organisation) -> Q:
    """The condition on a report that makes it readable by ``organisation``'s people."""
    cohort = peer_selectors.cohort_mates(organisation.pk)
    coalition = peer_selectors.coalition_mates(organisation.pk)
    return Q(withdrawn_at__isnull=True) & (
        Q(organisation=organisation)
        | Q(visibility=Visibility.PUBLIC)
        | Q(visibility=Visibility.COALITION, organisation_id__in=coalition)
        | Q(visibility=Visibility.COHORT, organisation_id__in=cohort)
    )


def reports_visible_to(organisation: Organisation) -> ExperienceReportQuerySet:
    return ExperienceReport.objects.filter(visibility_condition(organisation))


def public_reports() -> ExperienceReportQuerySet:
    return ExperienceReport.objects.filter(withdrawn_at__isnull=True, visibility=Visibility.PUBLIC)


def may_write_reports(access: OrganisationAccess) -> bool:
    return access.can_administer


def may_suggest_report(access: OrganisationAccess) -> bool:
    """The access of a facilitator to an organisation exists only when one of its cohorts is in
    their coalition (tenancy), so the role is the whole rule."""
    return access.role in (FACILITATOR, SUPERUSER)


def may_name_inspiration(access: OrganisationAccess, item: PlanItem, user: object) -> bool:
    return access.can_administer or (
        access.can_contribute
        and item.owner_id is not None
        and item.owner_id == getattr(user, "pk", None)
    )


def aggregate_access(organisation: Organisation) -> OrganisationAccess:
    """A read access to ``organisation`` held by no person, for computing anonymous
    aggregates over many organisations (``figures.figures_of``). Never given to a view."""
    return OrganisationAccess(organisation, Access.READ, AGGREGATE)


def may_publish_for(user: object, coalition: Coalition) -> bool:
    if not getattr(user, "is_authenticated", False) or not tenancy.is_facilitator(user):  # type: ignore[arg-type]
        return False
    return tenancy.coalitions_facilitated_by(user).filter(pk=coalition.pk).exists()  # type: ignore[arg-type]
