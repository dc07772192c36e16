"""Writes of the collection challenge. Each checks the access it needs; the one write without an
account, :func:`deposit_declare`, is reached only through a collection point's live token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from capnr.core import uploads
from capnr.core.access import Access, OrganisationAccess
from capnr.core.i18n import long_date
from capnr.core.owned import require_same_organisation
from capnr.core.tokens import new_raw_token
from capnr.core.versioned import save_versioned
from capnr.engine import collection as engine
from capnr.organisations.models import Department, Site, User
from capnr.roadmap import services as roadmap_services

from . import selectors
from .models import (
    Answer,
    Campaign,
    CollectionPoint,
    Deposit,
    DepositChange,
    Erasure,
    ItemType,
    Outcome,
    SortingBatch,
    Team,
)

CAMPAIGN_FIELDS = ("name", "start_date", "end_date", "rules", "item_types", "plan_item")


def _clean_campaign(access: OrganisationAccess, fields: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: fields[name] for name in CAMPAIGN_FIELDS if name in fields}
    errors: dict[str, list[str]] = {}
    kinds = list(values.get("item_types") or [])
    unknown = [kind for kind in kinds if kind not in ItemType.values]
    if not kinds or unknown:
        errors["item_types"] = [_("Choose at least one kind of equipment to collect.")]
    # Kept in the engine's order, whatever the order they came in.
    values["item_types"] = [kind for kind in engine.ITEM_TYPES if kind in kinds]
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The last day comes before the first day.")]
    plan_item = values.get("plan_item")
    if plan_item is not None:
        require_same_organisation(access, plan_item)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def campaign_create(*, access: OrganisationAccess, fields: Mapping[str, Any]) -> Campaign:
    access.require(Access.ADMINISTER)
    values = _clean_campaign(access, fields)
    if Campaign.objects.for_access(access).filter(name=values["name"]).exists():
        raise ValidationError({"name": [_("A campaign already has this name.")]})
    campaign = Campaign(organisation=access.organisation, **values)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(
    *,
    access: OrganisationAccess,
    campaign: Campaign,
    expected_version: int,
    fields: Mapping[str, Any],
) -> Campaign:
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    values = _clean_campaign(access, fields)
    name = values.get("name", campaign.name)
    if Campaign.objects.for_access(access).filter(name=name).exclude(pk=campaign.pk).exists():
        raise ValidationError({"name": [_("A campaign already has this name.")]})
    save_versioned(campaign, expected_version=expected_version, fields=values)
    return campaign


@transaction.atomic
def display_link_renew(*, access: OrganisationAccess, campaign: Campaign) -> str:
    """A new address for the hall screen's page; the old one stops working."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    campaign.display_token = new_raw_token()
    campaign.save(update_fields=["display_token"])
    return campaign.display_token


@transaction.atomic
def outcomes_publish(*, access: OrganisationAccess, campaign: Campaign) -> str:
    """Open the public page of what became of the campaign's devices (the référent's opt-in);
    publishing an already published page keeps its link."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    if campaign.outcomes_token is None:
        campaign.outcomes_token = new_raw_token()
        campaign.save(update_fields=["outcomes_token"])
    return campaign.outcomes_token


@transaction.atomic
def outcomes_unpublish(*, access: OrganisationAccess, campaign: Campaign) -> None:
    """Close the public page; its link stops working for good."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    if campaign.outcomes_token is not None:
        campaign.outcomes_token = None
        campaign.save(update_fields=["outcomes_token"])


# --- Departments taking part ---------------------------------------------------------------------


@transaction.atomic
def team_save(
    *,
    access: OrganisationAccess,
    campaign: Campaign,
    name: str,
    headcount: int,
    department: Department | None = None,
    team: Team | None = None,
) -> Team:
    """Add a department to the campaign, or change one (``team``). A department of the
    organisation gives its name when ``name`` is empty."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    if department is not None:
        require_same_organisation(access, department)
    if team is not None and team.campaign_id != campaign.pk:
        raise PermissionDenied("This department takes part in another campaign.")
    name = (name or (department.name if department else "")).strip()
    if not name:
        raise ValidationError({"name": [_("Give the department a name, or choose one.")]})
    if headcount < 0:
        raise ValidationError({"headcount": [_("The headcount cannot be negative.")]})
    taken = Team.objects.filter(campaign=campaign, name=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise ValidationError({"name": [_("This department already takes part.")]})
    team = team or Team(campaign=campaign)
    team.name, team.headcount, team.department = name, headcount, department
    team.save()
    return team


@transaction.atomic
def teams_from_departments(*, access: OrganisationAccess, campaign: Campaign) -> list[Team]:
    """Every department of the organisation not yet taking part joins, headcount 0 to fill in."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    taken = set(Team.objects.filter(campaign=campaign).values_list("name", flat=True))
    added = [
        Team(campaign=campaign, department=department, name=department.name)
        for department in Department.objects.for_access(access)
        if department.name not in taken
    ]
    return Team.objects.bulk_create(added)


# --- Collection points ---------------------------------------------------------------------------


def _require_member(access: OrganisationAccess, user: User | None) -> None:
    if user is not None and not user.memberships.filter(organisation=access.organisation).exists():
        raise ValidationError(
            {"person_in_charge": [_("The person in charge must be a member of the organisation.")]}
        )


@transaction.atomic
def point_save(
    *,
    access: OrganisationAccess,
    campaign: Campaign,
    site: Site,
    location: str,
    person_in_charge: User | None,
    point: CollectionPoint | None = None,
) -> CollectionPoint:
    """Place a box (or move one, ``point``): its site, where it stands, who looks after it."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    require_same_organisation(access, site)
    if point is not None and point.campaign_id != campaign.pk:
        raise PermissionDenied("This collection point belongs to another campaign.")
    _require_member(access, person_in_charge)
    point = point or CollectionPoint(campaign=campaign)
    point.site, point.location, point.person_in_charge = site, location.strip(), person_in_charge
    point.full_clean(exclude=["token"])
    point.save()
    return point


@transaction.atomic
def point_link_revoke(*, access: OrganisationAccess, point: CollectionPoint) -> None:
    """The box's QR code stops working; nothing else changes (its deposits stay)."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, point)
    if point.token_revoked_at is None:
        point.token_revoked_at = timezone.now()
        point.save(update_fields=["token_revoked_at"])


@transaction.atomic
def point_link_renew(*, access: OrganisationAccess, point: CollectionPoint) -> str:
    """A new link for the box (print its poster again); the old link stops working."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, point)
    point.token = new_raw_token()
    point.token_revoked_at = None
    point.save(update_fields=["token", "token_revoked_at"])
    return point.token


# --- Deposits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositInput:
    """What a deposit form sends: the department, the counts per item type, the answers."""

    team_id: int | None
    counts: Mapping[str, int]
    works: str = Answer.UNKNOWN
    held_data: str = Answer.UNKNOWN
    first_name: str = ""


def count_messages(counts: Mapping[str, int], collected: Collection[str]) -> dict[str, list[str]]:
    """The engine's problems with a deposit's counts, worded, keyed by form field ("__all__"
    for the deposit as a whole)."""
    labels = dict(ItemType.choices)
    messages: dict[str, list[str]] = {}
    for code, kind in engine.deposit_problems(counts, collected):
        label = str(labels[kind]) if kind else ""
        text = {
            engine.EMPTY: _("Enter at least one item: every count is 0."),
            engine.NEGATIVE: _("%(type)s: a count cannot be negative.") % {"type": label},
            engine.TOO_MANY: _(
                "%(type)s: at most %(max)s in one deposit. For more, ask the person in charge "
                "of the box."
            )
            % {"type": label, "max": engine.MAX_PER_TYPE},
            engine.NOT_COLLECTED: _("%(type)s: this campaign does not collect them.")
            % {"type": label},
        }[code]
        messages.setdefault(kind or "__all__", []).append(text)
    return messages


def _deposit_errors(
    campaign: Campaign, data: DepositInput, today: dt.date
) -> tuple[Team | None, dict[str, list[str]]]:
    errors = count_messages(data.counts, campaign.item_types)
    team = Team.objects.filter(campaign=campaign, pk=data.team_id).first()
    if team is None:
        errors["team"] = [_("Choose your department.")]
    if data.works not in Answer.values:
        errors["works"] = [_("Choose an answer.")]
    if data.held_data not in Answer.values:
        errors["held_data"] = [_("Choose an answer.")]
    if len(data.first_name.strip()) > 40:
        errors["first_name"] = [_("At most 40 characters.")]
    if not campaign.start_date <= today <= campaign.end_date:
        errors.setdefault("__all__", []).append(
            _("This campaign runs from %(start)s to %(end)s: deposits are not open today.")
            % {"start": long_date(campaign.start_date), "end": long_date(campaign.end_date)}
        )
    return team, errors


@transaction.atomic
def deposit_declare(*, point: CollectionPoint, data: DepositInput) -> Deposit:
    """Someone declares what they put in the box. No account: ``point`` was found by its live
    token. Every problem is reported at once (ValidationError keyed by field) and nothing is
    stored until the whole deposit is valid."""
    if not point.link_is_active:
        raise PermissionDenied("This collection point's link was revoked.")
    campaign = point.campaign
    team, errors = _deposit_errors(campaign, data, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return Deposit.objects.create(
        point=point,
        team=team,
        works=data.works,
        held_data=data.held_data,
        first_name=data.first_name.strip(),
        **{kind: data.counts.get(kind, 0) for kind in engine.ITEM_TYPES},
    )


def can_correct(access: OrganisationAccess, user: User | None, deposit: Deposit) -> bool:
    """The box's person in charge and the référent correct or remove a deposit."""
    return Deposit.objects.editable_by(access, user).filter(pk=deposit.pk).exists()


def _require_correct(access: OrganisationAccess, user: User, deposit: Deposit) -> None:
    require_same_organisation(access, deposit)
    if not can_correct(access, user, deposit):
        raise PermissionDenied("Only the box's person in charge or the référent changes this.")
    if deposit.removed_at is not None:
        raise ValidationError(_("This deposit was removed: it can no longer be changed."))


@transaction.atomic
def deposit_correct(
    *, access: OrganisationAccess, user: User, deposit: Deposit, data: DepositInput, reason: str
) -> DepositChange | None:
    """Change a deposit; the journal records who changed what (before → after) and when.
    Returns the journal entry, or None when nothing changed. The campaign's dates do not apply:
    a wrong deposit may be corrected after the campaign."""
    _require_correct(access, user, deposit)
    campaign = deposit.point.campaign
    today = min(max(timezone.localdate(), campaign.start_date), campaign.end_date)
    team, errors = _deposit_errors(campaign, data, today)
    if errors:
        raise ValidationError(errors)
    assert team is not None
    after: dict[str, Any] = {
        **{kind: data.counts.get(kind, 0) for kind in engine.ITEM_TYPES},
        "team": team.name,
        "works": data.works,
        "held_data": data.held_data,
        "first_name": data.first_name.strip(),
    }
    before = {**deposit.counts, "team": deposit.team.name, "works": deposit.works}
    before |= {"held_data": deposit.held_data, "first_name": deposit.first_name}
    changes = {
        name: [before[name], value] for name, value in after.items() if before[name] != value
    }
    if not changes:
        return None
    for name, value in after.items():
        if name != "team":
            setattr(deposit, name, value)
    deposit.team = team
    deposit.save()
    return DepositChange.objects.create(
        deposit=deposit,
        kind=DepositChange.Kind.CORRECTED,
        changes=changes,
        reason=reason.strip()[:300],
        author=user,
    )


@transaction.atomic
def deposit_remove(
    *, access: OrganisationAccess, user: User, deposit: Deposit, reason: str
) -> DepositChange:
    """Take a wrong deposit out of the totals; it stays in the journal, marked removed."""
    _require_correct(access, user, deposit)
    deposit.removed_at = timezone.now()
    deposit.save(update_fields=["removed_at"])
    return DepositChange.objects.create(
        deposit=deposit,
        kind=DepositChange.Kind.REMOVED,
        changes={"items": [deposit.items, 0]},
        reason=reason.strip()[:300],
        author=user,
    )


# --- What became of the devices ------------------------------------------------------------------


@transaction.atomic
def sorting_record(
    *, access: OrganisationAccess, user: User, campaign: Campaign, fields: Mapping[str, Any]
) -> SortingBatch:
    """Record where a device or a batch of one type went. A donation, sale, refurbisher or
    take-back scheme names who received it; the devices that held data are counted, each to be
    erased (:func:`erasure_record`)."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    batch = SortingBatch(campaign=campaign, recorded_by=user, **fields)
    errors: dict[str, list[str]] = {}
    if batch.count is not None and batch.count < 1:
        errors["count"] = [_("At least one device.")]
    if batch.held_data and batch.count and batch.held_data > batch.count:
        errors["held_data"] = [_("More devices held data than the batch counts.")]
    if batch.replaces_purchase and (
        batch.outcome == Outcome.WEEE or (batch.count and batch.replaces_purchase > batch.count)
    ):
        errors["replaces_purchase"] = [
            _("Only reused devices spare a purchase, and no more than the batch counts.")
        ]
    if batch.outcome != Outcome.REUSED_INTERNALLY and not (batch.recipient or "").strip():
        errors["recipient"] = [_("Say who received them: it goes in the register.")]
    if batch.weight_kg is not None and batch.weight_kg < 0:
        errors["weight_kg"] = [_("A weight cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    batch.full_clean()
    batch.save()
    return batch


def erased_count(batch: SortingBatch) -> int:
    return sum(erasure.devices for erasure in batch.erasures.all())


@transaction.atomic
def erasure_record(
    *, access: OrganisationAccess, user: User, batch: SortingBatch, fields: Mapping[str, Any]
) -> Erasure:
    """Record that data was erased from devices of ``batch``: never more devices than held
    data and are not erased yet."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, batch)
    erasure = Erasure(batch=batch, recorded_by=user, **fields)
    left = batch.held_data - erased_count(batch)
    if erasure.devices is not None and not 1 <= erasure.devices <= left:
        raise ValidationError(
            {
                "devices": [
                    _("Between 1 and %(left)s: the devices of this batch still to erase.")
                    % {"left": left}
                    if left
                    else _("Every device of this batch that held data is already erased.")
                ]
            }
        )
    erasure.full_clean()
    erasure.save()
    return erasure


@dataclass(frozen=True)
class DeviceInput:
    """One device sorted on its own: what became of it and, when it held data, its erasure."""

    date: dt.date
    item_type: str
    outcome: str
    recipient: str = ""
    agreement: str = ""
    weight_kg: float | None = None
    serial_number: str = ""
    asset_tag: str = ""
    held_data: bool = False
    replaces_purchase: bool = False
    # The erasure, required when the device held data: method, date, who, certificate.
    erasure_method: str = ""
    erasure_date: dt.date | None = None
    erasure_done_by: str = ""
    erasure_certificate: str = ""


ERASURE_FIELDS = ("erasure_method", "erasure_date", "erasure_done_by")


@transaction.atomic
def device_record(
    *, access: OrganisationAccess, user: User, campaign: Campaign, data: DeviceInput
) -> SortingBatch:
    """Record one device: a sorting line of one, with its serial number or asset tag if known
    (a number already sorted in this campaign is refused: the same device twice). A device that
    held data is recorded with its erasure, or not at all: every problem is reported at once."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    errors: dict[str, list[str]] = {}
    serial, tag = data.serial_number.strip(), data.asset_tag.strip()
    lines = SortingBatch.objects.filter(campaign=campaign, is_device=True)
    if serial and lines.filter(serial_number=serial).exists():
        errors["serial_number"] = [_("A device with this serial number is already sorted.")]
    if tag and lines.filter(asset_tag=tag).exists():
        errors["asset_tag"] = [_("A device with this asset tag is already sorted.")]
    if data.held_data:
        for name in ERASURE_FIELDS:
            if not getattr(data, name):
                errors[name] = [_("It held data: record how, when and by whom it was erased.")]
    try:
        batch = sorting_record(
            access=access,
            user=user,
            campaign=campaign,
            fields={
                "date": data.date,
                "item_type": data.item_type,
                "count": 1,
                "outcome": data.outcome,
                "recipient": data.recipient,
                "agreement": data.agreement,
                "weight_kg": data.weight_kg,
                "held_data": 1 if data.held_data else 0,
                "replaces_purchase": 1 if data.replaces_purchase else 0,
                "is_device": True,
                "serial_number": serial,
                "asset_tag": tag,
            },
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
        raise ValidationError(errors) from error
    if errors:
        raise ValidationError(errors)
    if data.held_data:
        try:
            erasure_record(
                access=access,
                user=user,
                batch=batch,
                fields={
                    "date": data.erasure_date,
                    "method": data.erasure_method,
                    "devices": 1,
                    "done_by": data.erasure_done_by.strip(),
                    "certificate": data.erasure_certificate.strip(),
                },
            )
        except ValidationError as error:
            raise ValidationError(
                {f"erasure_{name}": messages for name, messages in error.message_dict.items()}
            ) from error
    return batch


# --- Erasure certificates as files ---------------------------------------------------------------

# The types a certificate may be, recognised from the content (never from the name or the type
# the browser claims: a PNG sent as "scan.pdf" is kept as a PNG).
CERTIFICATE_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG)


@transaction.atomic
def certificate_attach(
    *, access: OrganisationAccess, erasure: Erasure, upload: UploadedFile
) -> Erasure:
    """Keep the erasure's certificate as a file (PDF, PNG or JPEG, at most
    CAPNR_CERTIFICATE_MAX_MB), under a random name in the private storage; a file already there
    is replaced (and deleted once this is saved)."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, erasure)
    kind = uploads.check_upload(
        upload,
        types=CERTIFICATE_TYPES,
        max_bytes=int(settings.CAPNR_CERTIFICATE_MAX_MB * 1024 * 1024),
    )
    old = erasure.certificate_file.name
    try:
        sent_as = get_valid_filename(PurePosixPath(upload.name or "").name)
    except SuspiciousFileOperation:  # nothing usable left of the name
        sent_as = f"certificate{kind.extension}"
    erasure.certificate_file.save(f"certificate{kind.extension}", upload, save=False)
    erasure.certificate_file_name = sent_as[:200]
    erasure.certificate_content_type = kind.content_type
    erasure.save(
        update_fields=["certificate_file", "certificate_file_name", "certificate_content_type"]
    )
    if old:
        uploads.delete_after_commit(erasure.certificate_file.storage, old)
    return erasure


@transaction.atomic
def certificate_remove(*, access: OrganisationAccess, erasure: Erasure) -> None:
    """Delete the erasure's certificate file (the erasure and its reference stay)."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, erasure)
    old = erasure.certificate_file.name
    if not old:
        return
    erasure.certificate_file = None  # type: ignore[assignment]
    erasure.certificate_file_name = ""
    erasure.certificate_content_type = ""
    erasure.save(
        update_fields=["certificate_file", "certificate_file_name", "certificate_content_type"]
    )
    uploads.delete_after_commit(erasure.certificate_file.storage, old)


# --- Results written to the roadmap item ---------------------------------------------------------


@dataclass(frozen=True)
class ResultKpi:
    field: str  # the Campaign field naming the indicator
    label: str  # with %(campaign)s
    unit: str


def _result_kpis() -> tuple[ResultKpi, ...]:
    return (
        ResultKpi("kpi_items", _("Items collected (%(campaign)s)"), _("items")),
        ResultKpi("kpi_kg", _("Estimated weight collected (%(campaign)s)"), "kg"),
        ResultKpi("kpi_reuse", _("Share of sorted devices sent to reuse (%(campaign)s)"), "%"),
    )


@transaction.atomic
def results_to_roadmap(
    *, access: OrganisationAccess, user: User, campaign: Campaign, date: dt.date | None = None
) -> int:
    """Write the campaign's results on its roadmap item as indicator values dated ``date``
    (today): items collected, estimated kg and the reuse rate (%, once something is sorted).
    The indicators are created on the item the first time and kept on the campaign; writing
    again the same day replaces that day's values (idempotent). Returns the values written."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    # As stored now: an indicator deleted on the roadmap since the campaign was read is gone.
    campaign.refresh_from_db(fields=["plan_item", *(r.field for r in _result_kpis())])
    item = campaign.plan_item
    if item is None or item.deleted_at is not None:
        raise ValidationError(_("This campaign carries out no roadmap item."))
    day = date or timezone.localdate()
    board = selectors.leaderboard(campaign)
    rate = selectors.sorting_summary(campaign).reuse_rate
    values = {
        "kpi_items": float(board.items),
        "kpi_kg": board.kg,
        "kpi_reuse": round(rate * 100, 1) if rate is not None else None,
    }
    written = 0
    for result in _result_kpis():
        kpi = getattr(campaign, result.field)
        if kpi is None or kpi.item_id != item.pk:
            kpi = roadmap_services.kpi_add(
                access=access,
                item=item,
                user=user,
                label=result.label % {"campaign": campaign.name},
                unit=result.unit,
            )
            setattr(campaign, result.field, kpi)
        value = values[result.field]
        if value is not None:
            roadmap_services.measurement_set(
                access=access, kpi=kpi, user=user, date=day, value=value
            )
            written += 1
    campaign.save(update_fields=[result.field for result in _result_kpis()])
    return written


# --- Deletions -----------------------------------------------------------------------------------


@transaction.atomic
def campaign_delete(*, access: OrganisationAccess, campaign: Campaign) -> None:
    """Delete a campaign with everything in it: departments, boxes (their links stop), deposits
    and their journal, sorting, erasures and their certificate files (once this commits:
    collection/signals.py)."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, campaign)
    campaign.delete()


@transaction.atomic
def point_delete(*, access: OrganisationAccess, point: CollectionPoint) -> None:
    """Delete a box placed by mistake. A box with deposits stays (they count in the totals and
    the journal): stop its link instead."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, point)
    if point.deposits.exists():
        raise ValidationError(
            _("This box has deposits: it cannot be deleted. Stop its link instead.")
        )
    point.delete()


@transaction.atomic
def sorting_delete(*, access: OrganisationAccess, batch: SortingBatch) -> None:
    """Delete a sorting line recorded by mistake, with its erasures and their certificate
    files (once this commits: collection/signals.py); the register and the rates no longer count
    it."""
    access.require(Access.ADMINISTER)
    require_same_organisation(access, batch)
    batch.delete()
