"""Reads of the inventory, always from an already-checked OrganisationAccess."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access, latest_by_organisation
from capnr.engine.reference import reference_data

from .models import Asset, AssetStatus, FootprintRun, InventoryImport
from .presentation import category_label, yearly_gwp

AGE_CLASSES = ((0, 2), (2, 4), (4, 6), (6, 8), (8, 10), (10, 200))


def asset_list(
    *,
    access: OrganisationAccess,
    category: str = "",
    site: int | None = None,
    department: int | None = None,
    status: str = "",
    min_age: float | None = None,
    max_age: float | None = None,
    as_of: date | None = None,
) -> QuerySet[Asset]:
    assets = Asset.objects.for_access(access).select_related("site", "department")
    if category:
        assets = assets.filter(category=category)
    if site:
        assets = assets.filter(site_id=site)
    if department:
        assets = assets.filter(department_id=department)
    if status:
        assets = assets.filter(status=status)
    today = as_of or date.today()
    if min_age is not None:
        assets = assets.filter(purchase_date__lte=_years_before(today, min_age))
    if max_age is not None:
        assets = assets.filter(purchase_date__gt=_years_before(today, max_age))
    return assets.order_by("category", "name", "pk")


def _years_before(day: date, years: float) -> date:
    from datetime import timedelta

    return day - timedelta(days=round(years * 365.25))


def category_counts(*, access: OrganisationAccess) -> list[dict[str, Any]]:
    """Devices in service per category, with their labels, largest first."""
    return fleet_overview(access=access)[0]


@dataclass(frozen=True)
class AgeClass:
    label: str
    within: int
    beyond: int


def age_pyramid(
    *, access: OrganisationAccess, as_of: date | None = None
) -> tuple[list[AgeClass], int]:
    """Devices per age class, split by whether they are past their planned lifetime; and the
    number of devices without a purchase date."""
    _counts, classes, undated = fleet_overview(access=access, as_of=as_of)
    return classes, undated


def fleet_overview(
    *, access: OrganisationAccess, as_of: date | None = None
) -> tuple[list[dict[str, Any]], list[AgeClass], int]:
    """What the inventory page shows of the devices in service, from one grouped query: the
    devices per category with their labels (largest first), the age classes split by whether
    the devices are past their planned lifetime, and the number without a purchase date."""
    lifetime = default_lifetimes()
    today = as_of or date.today()
    within: Counter[int] = Counter()
    beyond: Counter[int] = Counter()
    per_category: Counter[str] = Counter()
    undated = 0
    # Grouped in the database, read from one index (asset_org_age): a few thousand distinct
    # dates even for a large fleet.
    rows = (
        Asset.objects.for_access(access)
        .exclude(status=AssetStatus.RETIRED)
        .values_list("category", "purchase_date", "lifetime_years")
        .annotate(devices=Sum("quantity"))
        .order_by()
    )
    for category, bought, own_lifetime, quantity in rows:
        per_category[category] += quantity
        if bought is None:
            undated += quantity
            continue
        age = (today - bought).days / 365.25
        index = next(i for i, (low, high) in enumerate(AGE_CLASSES) if low <= age < high)
        past = _is_past_lifetime(age, category, own_lifetime, lifetime)
        (beyond if past else within)[index] += quantity
    classes = []
    for index, (low, high) in enumerate(AGE_CLASSES):
        label = (
            _("%(low)s–%(high)s years") % {"low": low, "high": high}
            if high < 200
            else _("%(low)s years and more") % {"low": low}
        )
        classes.append(AgeClass(label, within[index], beyond[index]))
    counts = [
        {"category": category, "devices": devices, "label": category_label(category)}
        for category, devices in sorted(per_category.items(), key=lambda item: (-item[1], item[0]))
    ]
    return counts, classes, undated


def default_lifetimes() -> dict[str, float]:
    """Each category's planned lifetime in years, from the engine's versioned data."""
    data = reference_data()
    return {
        code: data.parameters[(code, "lifetime")].value
        for code in data.category_codes
        if (code, "lifetime") in data.parameters
    }


def _is_past_lifetime(
    age: float, category: str, own_lifetime: float | None, lifetime: dict[str, float]
) -> bool:
    """Older than its own planned lifetime, or else its category's (5 years if none)."""
    return age > (own_lifetime or lifetime.get(category, 5.0))


@dataclass(frozen=True)
class DatedFleet:
    """Devices in service with a purchase date, and how many are past their planned lifetime."""

    dated: int
    past_lifetime: int


def dated_fleets(
    *, accesses: Sequence[OrganisationAccess], as_of: date | None = None
) -> dict[int, DatedFleet]:
    """For each organisation with a dated device in service, its dated devices and those past
    their planned lifetime (the rule of the age pyramid, :func:`fleet_overview`), by
    organisation id, in one grouped query whatever the number of organisations."""
    lifetime = default_lifetimes()
    today = as_of or date.today()
    dated: Counter[int] = Counter()
    past: Counter[int] = Counter()
    rows = (
        Asset.objects.for_accesses(accesses)
        .exclude(status=AssetStatus.RETIRED)
        .filter(purchase_date__isnull=False)
        .values_list("organisation_id", "category", "purchase_date", "lifetime_years")
        .annotate(devices=Sum("quantity"))
        .order_by()
    )
    for organisation_id, category, bought, own_lifetime, quantity in rows:
        dated[organisation_id] += quantity
        if _is_past_lifetime((today - bought).days / 365.25, category, own_lifetime, lifetime):
            past[organisation_id] += quantity
    return {pk: DatedFleet(count, past[pk]) for pk, count in dated.items() if count}


def latest_footprint_per_employee(*, accesses: Sequence[OrganisationAccess]) -> dict[int, float]:
    """Each organisation's latest footprint per employee (kgCO2e a year, the figure of its
    footprint page), by organisation id, for those with a footprint and a headcount; two
    queries whatever the number of organisations."""
    headcounts = {
        access.organisation.pk: access.organisation.headcount
        for access in accesses
        if access.organisation.headcount
    }
    latest: dict[int, int] = {}  # organisation id -> run id
    for run_id, organisation_id in (
        FootprintRun.objects.for_accesses(accesses)
        .filter(organisation_id__in=headcounts)
        .order_by("organisation_id", "-created_at")
        .values_list("pk", "organisation_id")
    ):
        latest.setdefault(organisation_id, run_id)
    found = {}
    for organisation_id, totals in FootprintRun.objects.filter(pk__in=latest.values()).values_list(
        "organisation_id", "results__totals"
    ):
        if totals:
            found[organisation_id] = yearly_gwp(totals).value / headcounts[organisation_id]
    return found


def import_list(*, access: OrganisationAccess) -> QuerySet[InventoryImport]:
    return (
        InventoryImport.objects.for_access(access)
        .select_related("uploaded_by")
        .order_by("-created_at")
    )


def import_get(*, access: OrganisationAccess, pk: int) -> InventoryImport:
    return get_for_access(InventoryImport.objects.select_related("uploaded_by"), pk, access)


def latest_footprint(*, access: OrganisationAccess) -> FootprintRun | None:
    return FootprintRun.objects.for_access(access).first()


def footprint_history(*, access: OrganisationAccess) -> QuerySet[FootprintRun]:
    return FootprintRun.objects.for_access(access).only(
        "pk", "created_at", "method", "engine_version", "data_version", "device_count", "results"
    )[:10]


def counts_by_category(*, access: OrganisationAccess) -> dict[str, int]:
    return dict(
        Asset.objects.for_access(access).filter(origin="counts").values_list("category", "quantity")
    )


def first_footprint_at(*, access: OrganisationAccess) -> datetime | None:
    """When the organisation's first footprint was stored (counts entered by hand or an
    inventory imported), or None."""
    return first_footprints_at(accesses=[access]).get(access.organisation.pk)


def last_inventory_activity_at(*, access: OrganisationAccess, until: datetime) -> datetime | None:
    """The latest import or stored footprint, at or before ``until``."""
    return last_inventory_activities_at(accesses=[access], until=until).get(access.organisation.pk)


# The same reads for several organisations at once (a cohort's dashboard): a fixed number of
# queries whatever their number, keyed by organisation id (those with nothing left out).


def latest_footprints(*, accesses: Sequence[OrganisationAccess]) -> dict[int, FootprintRun]:
    """Each organisation's latest stored footprint (``latest_footprint``)."""
    latest = (
        FootprintRun.objects.filter(organisation=OuterRef("organisation"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = FootprintRun.objects.for_accesses(accesses).filter(pk=Subquery(latest))
    return {run.organisation_id: run for run in rows}


def first_footprints_at(*, accesses: Sequence[OrganisationAccess]) -> dict[int, datetime]:
    """When each organisation's first footprint was stored."""
    return dict(
        FootprintRun.objects.for_accesses(accesses)
        .order_by()
        .values_list("organisation_id")
        .annotate(first=Min("created_at"))
    )


def last_inventory_activities_at(
    *, accesses: Sequence[OrganisationAccess], until: datetime
) -> dict[int, datetime]:
    """Each organisation's latest import or stored footprint, at or before ``until``."""
    imported = (
        InventoryImport.objects.for_accesses(accesses)
        .filter(created_at__lte=until)
        .order_by()
        .values_list("organisation_id")
        .annotate(last=Max("created_at"))
    )
    computed = (
        FootprintRun.objects.for_accesses(accesses)
        .filter(created_at__lte=until)
        .order_by()
        .values_list("organisation_id")
        .annotate(last=Max("created_at"))
    )
    return latest_by_organisation(imported, computed)


@dataclass(frozen=True)
class RetiredDevices:
    """Devices the inventory marks retired: those retired in a year, and those with no
    retirement date (their year is unknown). The inventory records no outcome (reused,
    recycled…): what became of them is unknown here."""

    in_year: int
    undated: int


def retired_devices(
    *,
    access: OrganisationAccess,
    year: int,
    except_serial_numbers: frozenset[str] = frozenset(),
    except_inventory_numbers: frozenset[str] = frozenset(),
) -> RetiredDevices:
    """How many devices (quantities summed) the inventory marks retired in ``year``, and retired
    without a date; devices whose serial or inventory number is in the ``except_`` sets (already
    counted elsewhere, e.g. sorted one by one) are left out. One query."""
    retired = Asset.objects.for_access(access).filter(status=AssetStatus.RETIRED)
    if except_serial_numbers:
        retired = retired.exclude(serial_number__in=except_serial_numbers)
    if except_inventory_numbers:
        retired = retired.exclude(inventory_number__in=except_inventory_numbers)
    sums = retired.aggregate(
        in_year=Sum("quantity", filter=Q(retirement_date__year=year)),
        undated=Sum("quantity", filter=Q(retirement_date__isnull=True)),
    )
    return RetiredDevices(in_year=sums["in_year"] or 0, undated=sums["undated"] or 0)
