"""Reads of the roadmap, always from an already-checked OrganisationAccess."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access, latest_by_organisation
from capnr.core.tokens import hash_token
from capnr.engine.catalogue import UNIT_LABELS

from .models import (
    CalendarFeed,
    DigestSubscription,
    GroupMember,
    ItemStatus,
    JournalEntry,
    KpiMeasurement,
    KpiTarget,
    PlanItem,
    RoadmapApproval,
    WorkingGroup,
)
from .services import BIN_DAYS


def item_list(*, access: OrganisationAccess) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.for_access(access)
        .filter(deleted_at__isnull=True)
        .select_related("owner", "working_group", "scenario")
        .prefetch_related("sites", "departments")
    )


def status_counts(*, accesses: Sequence[OrganisationAccess]) -> dict[int, dict[str, int]]:
    """Each organisation's items (not in the bin) per status, by organisation id, in one
    grouped query whatever the number of organisations."""
    found: dict[int, dict[str, int]] = {}
    for organisation_id, status, count in (
        PlanItem.objects.for_accesses(accesses)
        .filter(deleted_at__isnull=True)
        .values_list("organisation_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        found.setdefault(organisation_id, {})[status] = count
    return found


def item_get(*, access: OrganisationAccess, pk: int, deleted: bool = False) -> PlanItem:
    return get_for_access(
        PlanItem.objects.filter(deleted_at__isnull=not deleted).select_related(
            "owner", "working_group", "scenario"
        ),
        pk,
        access,
    )


def item_bin(*, access: OrganisationAccess) -> QuerySet[PlanItem]:
    limit = timezone.now() - dt.timedelta(days=BIN_DAYS)
    return (
        PlanItem.objects.for_access(access)
        .filter(deleted_at__isnull=False, deleted_at__gte=limit)
        .order_by("-deleted_at")
    )


def item_detail(item: PlanItem) -> dict[str, Any]:
    kpis = list(
        item.kpis.prefetch_related(
            Prefetch("measurements", queryset=KpiMeasurement.objects.order_by("date"))
        )
    )
    journal = list(item.journal.select_related("author"))
    return {"kpis": kpis, "journal": journal}


def kpi_get(*, access: OrganisationAccess, item: PlanItem, pk: int) -> KpiTarget:
    return get_for_access(KpiTarget.objects.filter(item=item), pk, access)


def journal_for(item: PlanItem) -> QuerySet[JournalEntry]:
    return item.journal.select_related("author")


def group_list(*, access: OrganisationAccess) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.for_access(access).prefetch_related(
        Prefetch("members", queryset=GroupMember.objects.select_related("user")),
        Prefetch(
            "items",
            queryset=PlanItem.objects.filter(deleted_at__isnull=True).select_related("owner"),
        ),
    )


def group_get(*, access: OrganisationAccess, pk: int) -> WorkingGroup:
    return get_for_access(group_list(access=access), pk, access)


def member_get(*, access: OrganisationAccess, group: WorkingGroup, pk: int) -> GroupMember:
    return get_for_access(GroupMember.objects.filter(group=group), pk, access)


@dataclass
class Effect:
    """Yearly savings summed over plan items with a scenario: expected, and done so far."""

    kwh: float = 0.0
    eur: float = 0.0
    kgco2e: float = 0.0
    items: int = 0
    low_kwh: float = 0.0
    high_kwh: float = 0.0
    low_eur: float = 0.0
    high_eur: float = 0.0
    low_kgco2e: float = 0.0
    high_kgco2e: float = 0.0

    def add(self, results: dict[str, Any]) -> None:
        self.items += 1
        for name, key in (("kwh", "kwh"), ("eur", "eur"), ("kgco2e", "kgco2e_total")):
            figure = results.get(key) or {}
            value = float(figure.get("value", 0.0))
            setattr(self, name, getattr(self, name) + value)
            setattr(
                self, f"low_{name}", getattr(self, f"low_{name}") + float(figure.get("low", value))
            )
            setattr(
                self,
                f"high_{name}",
                getattr(self, f"high_{name}") + float(figure.get("high", value)),
            )


@dataclass
class RoadmapEffect:
    expected: Effect = field(default_factory=Effect)
    done: Effect = field(default_factory=Effect)


def roadmap_effect(items: list[PlanItem]) -> RoadmapEffect:
    """Expected and achieved yearly effect; a scenario shared by several items counts once
    (achieved once one of its items is done)."""
    effect = RoadmapEffect()
    expected: set[int] = set()
    done: set[int] = set()
    for item in items:
        if item.scenario is None or item.status == ItemStatus.ABANDONED:
            continue
        if item.scenario_id not in expected:
            expected.add(item.scenario_id)
            effect.expected.add(item.scenario.results)
        if item.status == ItemStatus.DONE and item.scenario_id not in done:
            done.add(item.scenario_id)
            effect.done.add(item.scenario.results)
    return effect


@dataclass
class MeasuredSavings:
    """What the indicators of the items done measured: kWh and € a year saved."""

    kwh: float = 0.0
    eur: float = 0.0
    items: int = 0  # items done with at least one such indicator measured


def measured_savings(items: list[PlanItem]) -> MeasuredSavings:
    """For the items done among ``items``: each indicator in kWh a year or € a year (the
    catalogue's unit, in any of its spellings) that should go down, its starting value minus
    its latest measurement, summed. An indicator without a starting value or a measurement
    says nothing and is left out."""
    units = {
        name: {unit, *UNIT_LABELS[unit]} for name, unit in (("kwh", "kWh/yr"), ("eur", "€/yr"))
    }
    done = [item.pk for item in items if item.status == ItemStatus.DONE]
    kpis = KpiTarget.objects.filter(
        item_id__in=done, direction="down", baseline__isnull=False
    ).prefetch_related(
        Prefetch("measurements", queryset=KpiMeasurement.objects.order_by("date", "pk"))
    )
    found = MeasuredSavings()
    measured: set[int] = set()
    for kpi in kpis:
        latest = list(kpi.measurements.all())[-1:]
        name = next((name for name, spellings in units.items() if kpi.unit in spellings), None)
        if not latest or name is None or kpi.baseline is None:
            continue
        setattr(found, name, getattr(found, name) + kpi.baseline - latest[0].value)
        measured.add(kpi.item_id)
    found.items = len(measured)
    return found


def digest_items(*, user: Any, organisation: Any, today: dt.date) -> dict[str, list[PlanItem]]:
    """The user's own open items due within 14 days, and those without news for 60 days."""
    open_items = PlanItem.objects.filter(
        organisation=organisation,
        owner=user,
        deleted_at__isnull=True,
        status__in=[ItemStatus.PLANNED, ItemStatus.IN_PROGRESS],
    )
    due = list(
        open_items.filter(due_date__isnull=False, due_date__lte=today + dt.timedelta(days=14))
    )
    stale_limit = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=60), dt.time.min)
    )
    stale = [
        item for item in open_items.filter(last_activity_at__lt=stale_limit) if item not in due
    ]
    return {"due": due, "stale": stale}


# --- Exports, calendar feed and reminders ---------------------------------------------------


def items_with_follow_up(*, access: OrganisationAccess) -> list[PlanItem]:
    """The roadmap's items with their indicators (measurements oldest first) and journal (newest
    first) loaded, for the exports: a fixed number of queries whatever the number of items."""
    return list(
        item_list(access=access).prefetch_related(
            Prefetch(
                "kpis",
                queryset=KpiTarget.objects.prefetch_related(
                    Prefetch("measurements", queryset=KpiMeasurement.objects.order_by("date", "pk"))
                ),
            ),
            Prefetch(
                "journal",
                queryset=JournalEntry.objects.select_related("author").order_by(
                    "-date", "-created_at"
                ),
            ),
        )
    )


def kpi_list(*, access: OrganisationAccess) -> QuerySet[KpiTarget]:
    """Every indicator of the roadmap's items (not those in the bin), with its measurements."""
    return (
        KpiTarget.objects.for_access(access)
        .filter(item__deleted_at__isnull=True)
        .select_related("item")
        .prefetch_related(
            Prefetch("measurements", queryset=KpiMeasurement.objects.order_by("date", "pk"))
        )
        .order_by("item__title", "label", "pk")
    )


def measurements_for(kpi: KpiTarget) -> QuerySet[KpiMeasurement]:
    return kpi.measurements.order_by("date", "pk")


def calendar_feed_of(*, access: OrganisationAccess) -> CalendarFeed | None:
    return CalendarFeed.objects.for_access(access).first()


def calendar_feed_for_token(raw_token: str) -> CalendarFeed | None:
    """The feed a secret address opens, or None. The address is the only key: it is stored
    hashed, like invitation links."""
    if not raw_token:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=hash_token(raw_token))
        .select_related("organisation")
        .first()
    )


def calendar_items(feed: CalendarFeed) -> QuerySet[PlanItem]:
    """Open items (planned or in progress, not in the bin) that have a due date."""
    return (
        PlanItem.objects.filter(
            organisation=feed.organisation,
            deleted_at__isnull=True,
            due_date__isnull=False,
            status__in=[ItemStatus.PLANNED, ItemStatus.IN_PROGRESS],
        )
        .select_related("owner", "working_group")
        .order_by("due_date", "pk")
    )


def digest_subscription(*, access: OrganisationAccess, user: Any) -> DigestSubscription | None:
    return DigestSubscription.objects.for_access(access).filter(user=user).first()


# --- Catalogue and recommendations ----------------------------------------------------------


def planned_actions(*, access: OrganisationAccess) -> dict[str, list[tuple[int, str, str]]]:
    """Catalogue action id → (pk, status, title) of its roadmap items (not those in the bin)."""
    planned: dict[str, list[tuple[int, str, str]]] = {}
    rows = PlanItem.objects.for_access(access).filter(deleted_at__isnull=True).exclude(action_id="")
    for pk, action_id, status, title in rows.order_by("pk").values_list(
        "pk", "action_id", "status", "title"
    ):
        planned.setdefault(action_id, []).append((pk, status, title))
    return planned


def latest_approval(*, access: OrganisationAccess) -> RoadmapApproval | None:
    return RoadmapApproval.objects.for_access(access).first()


def plan_fingerprint(*, access: OrganisationAccess) -> str:
    """A digest of what an approval covers: each item out of the bin, by what it plans (its
    action, words, owner, group, dates, commitment and budget), not how it is going (its status,
    journal and indicators). Names, not ids, so that an organisation's export keeps it."""
    rows = (
        PlanItem.objects.for_access(access)
        .filter(deleted_at__isnull=True)
        .values_list(
            "action_id",
            "theme",
            "title",
            "description",
            "owner__email",
            "working_group__name",
            "start_date",
            "due_date",
            "commitment",
            "budget_eur",
        )
    )
    plan = sorted(json.dumps(list(row), default=str) for row in rows)
    return hashlib.sha256("\n".join(plan).encode()).hexdigest()


def changed_since_approval(*, access: OrganisationAccess, approval: RoadmapApproval | None) -> bool:
    """Whether the roadmap is no longer the version ``approval`` covers (False without one).
    An approval recorded before fingerprints were kept compares by dates: an item added or put
    in the bin since."""
    if approval is None:
        return False
    if approval.plan_fingerprint:
        return approval.plan_fingerprint != plan_fingerprint(access=access)
    since = approval.created_at
    items = PlanItem.objects.for_access(access)
    return items.filter(Q(created_at__gt=since) | Q(deleted_at__gt=since)).exists()


def approval_list(*, access: OrganisationAccess) -> QuerySet[RoadmapApproval]:
    """Every approval of the roadmap, the latest first."""
    return RoadmapApproval.objects.for_access(access)


def last_roadmap_activity_at(
    *, access: OrganisationAccess, until: dt.datetime
) -> dt.datetime | None:
    """The latest change of an item (its journal and indicators included: they mark the item's
    activity), or approval recorded, at or before ``until``; items in the bin count too."""
    return last_roadmap_activities_at(accesses=[access], until=until).get(access.organisation.pk)


# The same reads for several organisations at once (a cohort's dashboard): a fixed number of
# queries whatever their number, keyed by organisation id.


def items_by_organisation(*, accesses: Sequence[OrganisationAccess]) -> dict[int, list[PlanItem]]:
    """Each organisation's plan items out of the bin, with their scenario (what the counts
    and ``roadmap_effect`` need; ``item_list`` reads more)."""
    found: dict[int, list[PlanItem]] = {}
    rows = PlanItem.objects.for_accesses(accesses).filter(deleted_at__isnull=True)
    for item in rows.select_related("scenario").order_by("organisation_id", "pk"):
        found.setdefault(item.organisation_id, []).append(item)
    return found


def approvals_by_organisation(
    *, accesses: Sequence[OrganisationAccess]
) -> dict[int, list[RoadmapApproval]]:
    """Each organisation's roadmap approvals, the latest first (``approval_list``)."""
    found: dict[int, list[RoadmapApproval]] = {}
    for approval in RoadmapApproval.objects.for_accesses(accesses):
        found.setdefault(approval.organisation_id, []).append(approval)
    return found


def last_roadmap_activities_at(
    *, accesses: Sequence[OrganisationAccess], until: dt.datetime
) -> dict[int, dt.datetime]:
    """Each organisation's latest item change or follow-up, or approval recorded, at or before
    ``until`` (``last_roadmap_activity_at``)."""
    items = PlanItem.objects.for_accesses(accesses).order_by().values_list("organisation_id")
    changed = items.filter(updated_at__lte=until).annotate(last=Max("updated_at"))
    followed = items.filter(last_activity_at__lte=until).annotate(last=Max("last_activity_at"))
    approved = (
        RoadmapApproval.objects.for_accesses(accesses)
        .filter(created_at__lte=until)
        .order_by()
        .values_list("organisation_id")
        .annotate(last=Max("created_at"))
    )
    return latest_by_organisation(changed, followed, approved)
