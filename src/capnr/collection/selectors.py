"""Reads of the collection challenge. Member pages read from an already-checked
``OrganisationAccess``; the two pages reached without an account (a box's deposit page, the hall
screen) find their one campaign by its token and read nothing beyond it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from capnr.core.access import OrganisationAccess
from capnr.core.owned import get_for_access
from capnr.engine import collection as engine
from capnr.inventory import selectors as inventory_selectors

from .models import (
    Answer,
    Campaign,
    CollectionPoint,
    Deposit,
    DepositChange,
    Erasure,
    ErasureMethod,
    ItemType,
    Outcome,
    SortingBatch,
    Team,
)

TOKEN_MAX_LENGTH = 64


def campaign_list(*, access: OrganisationAccess) -> QuerySet[Campaign]:
    return (
        Campaign.objects.for_access(access)
        .annotate(
            point_count=Count("points", distinct=True), team_count=Count("teams", distinct=True)
        )
        .order_by("-start_date", "name")
    )


def campaign_get(*, access: OrganisationAccess, pk: int) -> Campaign:
    return get_for_access(Campaign.objects.select_related("plan_item"), pk, access)


def team_list(campaign: Campaign) -> QuerySet[Team]:
    return campaign.teams.select_related("department")


def team_get(*, access: OrganisationAccess, campaign: Campaign, pk: int) -> Team:
    return get_for_access(Team.objects.filter(campaign=campaign), pk, access)


def point_list(campaign: Campaign) -> QuerySet[CollectionPoint]:
    return (
        campaign.points.select_related("site", "person_in_charge")
        .annotate(deposit_count=Count("deposits", filter=Q(deposits__removed_at__isnull=True)))
        .order_by("site__name", "location", "pk")
    )


def point_get(*, access: OrganisationAccess, campaign: Campaign, pk: int) -> CollectionPoint:
    return get_for_access(
        CollectionPoint.objects.filter(campaign=campaign).select_related(
            "site", "person_in_charge", "campaign"
        ),
        pk,
        access,
    )


def deposit_list(campaign: Campaign) -> QuerySet[Deposit]:
    return Deposit.objects.filter(point__campaign=campaign).select_related(
        "team", "point", "point__site"
    )


def deposit_get(*, access: OrganisationAccess, campaign: Campaign, pk: int) -> Deposit:
    return get_for_access(
        Deposit.objects.filter(point__campaign=campaign).select_related(
            "team", "point", "point__site", "point__campaign"
        ),
        pk,
        access,
    )


def deposit_journal(deposit: Deposit) -> QuerySet[DepositChange]:
    return deposit.changes.select_related("author")


# --- Reached by a secret link, without an account -----------------------------------------------


def point_for_token(raw_token: str) -> CollectionPoint | None:
    """The collection point whose live link this is, or None (unknown, renewed or revoked)."""
    if not raw_token or len(raw_token) > TOKEN_MAX_LENGTH:
        return None
    return (
        CollectionPoint.objects.select_related("campaign", "site")
        .filter(token=raw_token, token_revoked_at__isnull=True)
        .first()
    )


def campaign_for_display_token(raw_token: str) -> Campaign | None:
    if not raw_token or len(raw_token) > TOKEN_MAX_LENGTH:
        return None
    return Campaign.objects.filter(display_token=raw_token).first()


# --- The leaderboard -----------------------------------------------------------------------------


def _live(deposits: QuerySet[Deposit], until: dt.datetime | None = None) -> QuerySet[Deposit]:
    """The deposits that count (not removed), or those that counted at ``until``."""
    if until is None:
        return deposits.filter(removed_at__isnull=True)
    return deposits.filter(
        Q(removed_at__isnull=True) | Q(removed_at__gt=until), created_at__lt=until
    )


def _sums(
    deposits: QuerySet[Deposit], group: str, until: dt.datetime | None = None
) -> list[dict[str, Any]]:
    return list(
        _live(deposits, until)
        .values(group)
        .annotate(**{f"n_{kind}": Sum(kind) for kind in engine.ITEM_TYPES})
    )


def _counts(row: dict[str, Any] | None) -> dict[str, int]:
    return {kind: int((row or {}).get(f"n_{kind}") or 0) for kind in engine.ITEM_TYPES}


@dataclass(frozen=True)
class Leaderboard:
    teams: list[engine.Score]
    sites: list[engine.Score]
    items: int
    kg: float
    deposits: int
    counts: dict[str, int]


def leaderboard(campaign: Campaign, until: dt.datetime | None = None) -> Leaderboard:
    """Departments ranked by items per agent, sites by items, and the campaign's totals; the
    removed deposits do not count. ``until``: the leaderboard as it stood at that moment (for
    the digest's news). Five queries."""
    deposits = Deposit.objects.filter(point__campaign=campaign)
    by_team = {row["team"]: row for row in _sums(deposits, "team", until)}
    teams = [
        engine.Totals(team.pk, team.name, _counts(by_team.get(team.pk)), team.headcount)
        for team in campaign.teams.all()
    ]
    by_site = {row["point__site"]: row for row in _sums(deposits, "point__site", until)}
    site_names = dict(campaign.points.filter(site__isnull=False).values_list("site", "site__name"))
    sites = [
        engine.Totals(site_id, name, _counts(by_site.get(site_id)))
        for site_id, name in site_names.items()
    ]
    counts = {kind: sum(team.counts[kind] for team in teams) for kind in engine.ITEM_TYPES}
    live = _live(deposits, until)
    return Leaderboard(
        teams=engine.rank_by_items_per_agent(teams),
        sites=engine.rank_by_items(sites),
        items=sum(counts.values()),
        kg=engine.estimated_kg(counts),
        deposits=live.count(),
        counts=counts,
    )


def thank_you_names(campaign: Campaign, limit: int = 30) -> list[str]:
    """The first names people chose to give, newest first (for members' pages only: the hall
    screen shows no personal data)."""
    names = (
        Deposit.objects.filter(point__campaign=campaign, removed_at__isnull=True)
        .exclude(first_name="")
        .values_list("first_name", flat=True)[:limit]
    )
    return list(dict.fromkeys(names))


def is_running(campaign: Campaign) -> bool:
    return campaign.start_date <= timezone.localdate() <= campaign.end_date


@dataclass(frozen=True)
class JournalLine:
    kind: str
    at: Any
    author: str
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before, after), in words


def _field_labels() -> dict[str, str]:
    return {
        **{kind: str(label) for kind, label in ItemType.choices},
        "team": str(_("Department")),
        "works": str(_("Does it still work?")),
        "held_data": str(_("Did it hold data?")),
        "first_name": str(_("First name")),
        "items": str(_("Items")),
    }


def _value(field: str, value: Any) -> str:
    if field in ("works", "held_data"):
        return str(dict(Answer.choices).get(value, value))
    return "—" if value in ("", None) else str(value)


def deposit_journal_lines(deposit: Deposit) -> list[JournalLine]:
    """The deposit's journal in words: who, when, what changed from what to what."""
    labels = _field_labels()
    return [
        JournalLine(
            kind=change.get_kind_display(),
            at=change.at,
            author=str(change.author) if change.author else "—",
            reason=change.reason,
            changes=[
                (labels.get(field, field), _value(field, before), _value(field, after))
                for field, (before, after) in change.changes.items()
            ],
        )
        for change in deposit_journal(deposit)
    ]


# --- What became of the devices ------------------------------------------------------------------

LOCAL_AUTHORITIES = {"commune", "epci", "departement", "region"}


def sorting_list(campaign: Campaign) -> QuerySet[SortingBatch]:
    return campaign.sorting.select_related("recorded_by").prefetch_related("erasures")


def batch_get(*, access: OrganisationAccess, campaign: Campaign, pk: int) -> SortingBatch:
    return get_for_access(SortingBatch.objects.filter(campaign=campaign), pk, access)


def erasure_get(*, access: OrganisationAccess, batch: SortingBatch, pk: int) -> Erasure:
    return get_for_access(Erasure.objects.filter(batch=batch), pk, access)


def _target_applies(target: engine.ReuseTarget, kind: str) -> bool:
    if target.applies_to == "state_services":
        return kind == "state_service"
    if target.applies_to == "state_and_local_authorities":
        return kind == "state_service" or kind in LOCAL_AUTHORITIES
    return False


@dataclass(frozen=True)
class SortingSummary:
    by_outcome: list[tuple[str, int]]  # (label, devices), in the engine's order
    sorted_devices: int
    reuse_rate: float | None
    targets: list[tuple[engine.ReuseTarget, bool]]  # (target, applies to this organisation)
    held_data: int
    erased: int
    weight_kg: float
    avoided: engine.Avoided  # manufacturing avoided by the devices that spare a purchase
    recycled_kg: float  # weight sent to a WEEE scheme, as recorded


def sorting_summary(campaign: Campaign) -> SortingSummary:
    """What became of the campaign's devices: devices per outcome, the reuse rate (reused ÷
    sorted, by count) beside the targets in force in the campaign's last year, and how many of
    the devices that held data are recorded as erased."""
    batches = list(sorting_list(campaign))
    counts = {outcome: 0 for outcome in engine.OUTCOMES}
    for batch in batches:
        counts[batch.outcome] += batch.count
    labels = dict(Outcome.choices)
    kind = campaign.organisation.kind
    return SortingSummary(
        by_outcome=[(str(labels[outcome]), count) for outcome, count in counts.items()],
        sorted_devices=sum(counts.values()),
        reuse_rate=engine.reuse_rate(counts),
        targets=[
            (target, _target_applies(target, kind))
            for target in engine.targets_in_force(campaign.end_date.year)
        ],
        held_data=sum(batch.held_data for batch in batches),
        erased=sum(erasure.devices for batch in batches for erasure in batch.erasures.all()),
        weight_kg=round(sum(batch.weight_kg or 0 for batch in batches), 1),
        avoided=engine.avoided_manufacturing(_replacing(batches)),
        recycled_kg=round(
            sum(batch.weight_kg or 0 for batch in batches if batch.outcome == Outcome.WEEE), 1
        ),
    )


def _replacing(batches: list[SortingBatch]) -> dict[str, int]:
    replacing: dict[str, int] = {}
    for batch in batches:
        replacing[batch.item_type] = replacing.get(batch.item_type, 0) + batch.replaces_purchase
    return replacing


@dataclass(frozen=True)
class OrganisationReuse:
    """The organisation's reuse rate for a year: every campaign ending that year, plus the
    devices the inventory marks retired that year, whose outcome it does not record."""

    year: int
    sorted_devices: int
    reused: int
    retired_outcome_unknown: int  # inventory, retired in the year, not sorted one by one here
    retired_undated: int  # inventory, retired with no date: left out (their year is unknown)
    rate: float | None


def organisation_reuse(*, access: OrganisationAccess, year: int) -> OrganisationReuse:
    """Reused ÷ (sorted + retired in the inventory with an unknown outcome), for ``year``.
    A retired device sorted one by one under its serial number or asset tag is counted once,
    as sorted. Three queries."""
    sorting = SortingBatch.objects.for_access(access).filter(campaign__end_date__year=year)
    counts = {outcome: 0 for outcome in engine.OUTCOMES}
    for row in sorting.values("outcome").annotate(devices=Sum("count")):
        counts[row["outcome"]] += int(row["devices"] or 0)
    numbers = list(sorting.filter(is_device=True).values_list("serial_number", "asset_tag"))
    retired = inventory_selectors.retired_devices(
        access=access,
        year=year,
        except_serial_numbers=frozenset(serial for serial, _tag in numbers if serial),
        except_inventory_numbers=frozenset(tag for _serial, tag in numbers if tag),
    )
    return OrganisationReuse(
        year=year,
        sorted_devices=sum(counts.values()),
        reused=sum(counts[outcome] for outcome in engine.REUSE_OUTCOMES),
        retired_outcome_unknown=retired.in_year,
        retired_undated=retired.undated,
        rate=engine.reuse_rate(counts, outcome_unknown=retired.in_year),
    )


def register_rows(campaign: Campaign) -> tuple[list[str], list[list[object]]]:
    """The waste and reuse register: one line per sorted batch or device, with its erasures
    (a device's serial number and asset tag in the last column)."""
    labels = dict(ItemType.choices)
    outcomes = dict(Outcome.choices)
    methods = dict(ErasureMethod.choices)
    header = [
        str(_("Date")),
        str(_("Kind of equipment")),
        str(_("How many")),
        str(_("Weight (kg)")),
        str(_("What became of them")),
        str(_("To whom")),
        str(_("Agreement or slip reference")),
        str(_("How many held data")),
        str(_("How many erased")),
        str(_("Erasure (method, date, by, certificate)")),
        str(_("Serial number · asset tag")),
    ]
    file_word = str(_("file:"))
    rows: list[list[object]] = []
    for batch in sorting_list(campaign).order_by("date", "pk"):
        erasures = list(batch.erasures.all())
        rows.append(
            [
                batch.date,
                str(labels.get(batch.item_type, batch.item_type)),
                batch.count,
                batch.weight_kg,
                str(outcomes.get(batch.outcome, batch.outcome)),
                batch.recipient,
                batch.agreement,
                batch.held_data,
                sum(erasure.devices for erasure in erasures),
                " | ".join(
                    f"{methods.get(e.method, e.method)}, {e.date.isoformat()}, {e.done_by}"
                    + (f", {e.certificate}" if e.certificate else "")
                    + (f", {file_word} {e.certificate_file_name}" if e.certificate_file else "")
                    for e in erasures
                ),
                batch.device_reference,
            ]
        )
    return header, rows


# --- The public page of what became of the devices ------------------------------------------------

# Whose names the public page gives: associations, refurbishers and take-back schemes are
# organisations. A sale's buyer is not shown: it may be a person ("sold to the agents").
NAMED_RECIPIENTS = (Outcome.DONATED, Outcome.REFURBISHER, Outcome.WEEE)


def campaign_for_outcomes_token(raw_token: str) -> Campaign | None:
    """The campaign whose published page of outcomes this link opens, or None (unknown, or
    the référent unpublished it)."""
    if not raw_token or len(raw_token) > TOKEN_MAX_LENGTH:
        return None
    return Campaign.objects.filter(outcomes_token=raw_token).first()


@dataclass(frozen=True)
class OutcomeLine:
    outcome: str
    label: str
    devices: int
    weight_kg: float | None  # as recorded; None when no batch of this outcome was weighed
    recipients: list[str]  # only for NAMED_RECIPIENTS


@dataclass(frozen=True)
class PublicOutcomes:
    """What depositors may know of their devices: counts, weights and the organisations that
    received them. Nothing about a person: no first name, no agent, no erasure detail."""

    collected: int
    sorted_devices: int
    reused: int
    lines: list[OutcomeLine]  # outcomes with at least one device, in the engine's order
    avoided: engine.Avoided
    recycled_kg: float
    held_data: int
    erased: int


def public_outcomes(campaign: Campaign) -> PublicOutcomes:
    """The public page's figures. Three queries (the totals, the batches, their erasures)."""
    board = items_collected(campaign)
    batches = list(
        SortingBatch.objects.filter(campaign=campaign)
        .order_by("date", "pk")
        .prefetch_related("erasures")
    )
    labels = dict(Outcome.choices)
    lines = []
    for outcome in engine.OUTCOMES:
        mine = [batch for batch in batches if batch.outcome == outcome]
        if not mine:
            continue
        weighed = [batch.weight_kg for batch in mine if batch.weight_kg is not None]
        recipients = (
            list(dict.fromkeys(batch.recipient.strip() for batch in mine if batch.recipient))
            if outcome in NAMED_RECIPIENTS
            else []
        )
        lines.append(
            OutcomeLine(
                outcome=outcome,
                label=str(labels[outcome]),
                devices=sum(batch.count for batch in mine),
                weight_kg=round(sum(weighed), 1) if weighed else None,
                recipients=recipients,
            )
        )
    return PublicOutcomes(
        collected=board,
        sorted_devices=sum(line.devices for line in lines),
        reused=sum(line.devices for line in lines if line.outcome in engine.REUSE_OUTCOMES),
        lines=lines,
        avoided=engine.avoided_manufacturing(_replacing(batches)),
        recycled_kg=round(
            sum(batch.weight_kg or 0 for batch in batches if batch.outcome == Outcome.WEEE), 1
        ),
        held_data=sum(batch.held_data for batch in batches),
        erased=sum(erasure.devices for batch in batches for erasure in batch.erasures.all()),
    )


def items_collected(campaign: Campaign) -> int:
    """Items declared in the campaign's live deposits, in one query."""
    sums = Deposit.objects.filter(point__campaign=campaign, removed_at__isnull=True).aggregate(
        **{kind: Sum(kind) for kind in engine.ITEM_TYPES}
    )
    return sum(int(value or 0) for value in sums.values())
